"""The 干部任免审批表 as data: what the LRMX file carries and the printed form shows.

``ApprovalForm`` holds every field as the text the form prints (docs/lrmx.md): the LRMX reader
fills it from a file, ``form_from_cadre`` from a record, the LRMX writer and the PDF renderer
read it. Element names are the LRMX ones, in file order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cadres.choices import AssessmentGrade, EducationKind, RecordKind
from cadres.models import Cadre, Education
from core.choices import CodeTable
from core.dates import age_in_months_style
from core.selectors import code_map

# (element, 表内名称) in file order; JiaTingChengYuan is the family list, ZhaoPian the photo.
ELEMENTS: tuple[tuple[str, str], ...] = (
    ("XingMing", "姓名"),
    ("XingBie", "性别"),
    ("ChuShengNianYue", "出生年月"),
    ("MinZu", "民族"),
    ("JiGuan", "籍贯"),
    ("ChuShengDi", "出生地"),
    ("RuDangShiJian", "入党时间"),
    ("CanJiaGongZuoShiJian", "参加工作时间"),
    ("JianKangZhuangKuang", "健康状况"),
    ("ZhuanYeJiShuZhiWu", "专业技术职务"),
    ("ShuXiZhuanYeYouHeZhuanChang", "熟悉专业有何专长"),
    ("QuanRiZhiJiaoYu_XueLi", "全日制教育学历"),
    ("QuanRiZhiJiaoYu_XueWei", "全日制教育学位"),
    ("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "全日制教育毕业院校系及专业（学历）"),
    ("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "全日制教育毕业院校系及专业（学位）"),
    ("ZaiZhiJiaoYu_XueLi", "在职教育学历"),
    ("ZaiZhiJiaoYu_XueWei", "在职教育学位"),
    ("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "在职教育毕业院校系及专业（学历）"),
    ("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "在职教育毕业院校系及专业（学位）"),
    ("XianRenZhiWu", "现任职务"),
    ("NiRenZhiWu", "拟任职务"),
    ("NiMianZhiWu", "拟免职务"),
    ("JianLi", "简历"),
    ("JiangChengQingKuang", "奖惩情况"),
    ("NianDuKaoHeJieGuo", "年度考核结果"),
    ("RenMianLiYou", "任免理由"),
    ("JiaTingChengYuan", "家庭主要成员及重要社会关系"),
    ("ChengBaoDanWei", "呈报单位"),
    ("JiSuanNianLingShiJian", "计算年龄时间"),
    ("TianBiaoShiJian", "填表时间"),
    ("TianBiaoRen", "填表人"),
    ("ShenFenZheng", "身份证号"),
    ("ZhaoPian", "照片"),
    ("Version", "版本"),
)
TEXT_ELEMENTS = tuple(e for e, _ in ELEMENTS if e not in ("JiaTingChengYuan", "ZhaoPian"))
FAMILY_ELEMENTS = (
    "ChengWei",
    "XingMing",
    "ChuShengRiQi",
    "ZhengZhiMianMao",
    "GongZuoDanWeiJiZhiWu",
)
WRITER_VERSION = "3.2.1.16"  # the editor version whose layout we write


@dataclass
class FamilyItem:
    ChengWei: str = ""
    XingMing: str = ""
    ChuShengRiQi: str = ""  # YYYYMM
    ZhengZhiMianMao: str = ""
    GongZuoDanWeiJiZhiWu: str = ""
    extra: list[tuple[str, str]] = field(default_factory=list)  # unknown child elements


@dataclass
class ApprovalForm:
    """One 干部任免审批表. ``values`` maps each text element to its text (missing = empty)."""

    values: dict[str, str] = field(default_factory=dict)
    family: list[FamilyItem] = field(default_factory=list)
    photo: bytes = b""
    # Unknown elements, each with the name of the known element it followed (for re-export).
    unknown: list[tuple[str, str, str]] = field(default_factory=list)  # (after, tag, raw xml)

    def get(self, element: str) -> str:
        return self.values.get(element, "")


def yyyymm(value: dt.date | None) -> str:
    return f"{value:%Y%m}" if value else ""


def dotted(text: str) -> str:
    """``197204`` or ``19720415`` → ``1972.04`` (the printed style); other text unchanged."""
    digits = text.strip()
    if len(digits) in (6, 8) and digits.isdigit():
        return f"{digits[:4]}.{digits[4:6]}"
    return text


def month_of(text: str) -> dt.date | None:
    """The month an LRMX date names (``YYYYMM`` or ``YYYYMMDD``), or None."""
    digits = text.strip().replace(".", "").replace("-", "")
    if len(digits) in (6, 8) and digits.isdigit():
        year, month = int(digits[:4]), int(digits[4:6])
        if 1800 <= year <= 2200 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    return None


def age_text(birth: str, at: str) -> str:
    """Whole years at the 计算年龄时间, or empty when either month is unknown."""
    born, when = month_of(birth), month_of(at)
    if born is None or when is None or when < born:
        return ""
    return str(age_in_months_style(born, when))


def _names(table: CodeTable) -> dict[str, str]:
    return code_map(table=table)


def _education_text(code: str, names: dict[str, str]) -> str:
    """The 学历 as the form prints it. The ZB64 label of a provincial party school's course is
    a category ("省（区、市）委党校研究生"); the form names the school as 填表说明 do
    ("省委党校研究生", docs/rules.md)."""
    name = names.get(code, "")
    return name.replace("省（区、市）委党校", "省委党校")


def _education_block(
    educations: list[Education], kind: str, levels: dict[str, str], degrees: dict[str, str]
) -> dict[str, str]:
    items = [e for e in educations if e.kind == kind]
    if not items:
        return {}
    best_level = min(
        (e for e in items if e.education_level), key=lambda e: e.education_level[:1], default=None
    )
    best_degree = min((e for e in items if e.degree), key=lambda e: e.degree[:1], default=None)
    prefix = "QuanRiZhiJiaoYu" if kind == EducationKind.FULL_TIME else "ZaiZhiJiaoYu"
    out = {}
    if best_level:
        out[f"{prefix}_XueLi"] = _education_text(best_level.education_level, levels)
        out[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = f"{best_level.school}{best_level.major}"
    if best_degree:
        out[f"{prefix}_XueWei"] = degrees.get(best_degree.degree, "")
        out[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = f"{best_degree.school}{best_degree.major}"
    return out


def assessment_text(cadre: Cadre, *, years: int = 2) -> str:
    """``2023年度考核称职；2024年度考核优秀。`` — the last ``years`` years on record."""
    rows = sorted(cadre.assessments.all(), key=lambda a: a.year)[-years:]
    if not rows:
        return ""
    parts = [f"{a.year}年度考核{AssessmentGrade(a.grade).label}" for a in rows]
    return "；".join(parts) + "。"


def rewards_text(cadre: Cadre) -> str:
    if cadre.rewards_text:
        return cadre.rewards_text
    rows = list(cadre.records.all())
    if not rows:
        return "无"
    parts = []
    for r in rows:
        verb = "" if r.kind == RecordKind.REWARD else "受到"
        parts.append(f"{r.date:%Y.%m}{verb}{r.issuer}{r.name}")
    return "；".join(parts) + "。"


def party_text(cadre: Cadre) -> str:
    parts = []
    if cadre.party_join_date:
        parts.append(yyyymm(cadre.party_join_date))
    if cadre.other_parties:
        parts.extend(p for p in cadre.other_parties.split("；") if p)
    return "；".join(parts)


def form_from_cadre(cadre: Cadre, **overrides: str) -> ApprovalForm:
    """The form for one cadre as the record stands; ``overrides`` set 拟任/拟免/理由 etc.

    Reads the child records through the cadre's (prefetched) relations, so a batch can
    prefetch them once.
    """
    ethnicities = _names(CodeTable.ETHNICITY)
    levels = _names(CodeTable.EDUCATION)
    degrees = _names(CodeTable.DEGREE)
    educations = list(cadre.educations.all())
    today = dt.date.today()
    values: dict[str, str] = {
        "XingMing": cadre.name,
        "XingBie": cadre.sex_name,
        "ChuShengNianYue": yyyymm(cadre.birth_date),
        "MinZu": ethnicities.get(cadre.ethnicity, ""),
        "JiGuan": cadre.native_place,
        "ChuShengDi": cadre.birthplace,
        "RuDangShiJian": party_text(cadre),
        "CanJiaGongZuoShiJian": yyyymm(cadre.work_start_date),
        "JianKangZhuangKuang": cadre.health,
        "ZhuanYeJiShuZhiWu": cadre.professional_title,
        "ShuXiZhuanYeYouHeZhuanChang": cadre.expertise,
        **_education_block(educations, EducationKind.FULL_TIME, levels, degrees),
        **_education_block(educations, EducationKind.IN_SERVICE, levels, degrees),
        "XianRenZhiWu": cadre.current_title,
        "JianLi": cadre.resume,
        "JiangChengQingKuang": rewards_text(cadre),
        "NianDuKaoHeJieGuo": assessment_text(cadre),
        "JiSuanNianLingShiJian": yyyymm(today),
        "TianBiaoShiJian": yyyymm(today),
        "ShenFenZheng": cadre.id_number.value if cadre.id_number else "",
        "Version": WRITER_VERSION,
    }
    extra: dict[str, Any] = cadre.lrmx_extra or {}
    # Values the record does not model but the imported file carried (拟任, 呈报单位 …).
    for element, text in (extra.get("values") or {}).items():
        if element not in values or not values[element]:
            values[element] = text
    values.update({k: v for k, v in overrides.items() if v is not None})
    family = [
        FamilyItem(
            ChengWei=m.relation,
            XingMing=m.name,
            ChuShengRiQi=yyyymm(m.birth_date),
            ZhengZhiMianMao=m.political_status,
            GongZuoDanWeiJiZhiWu=_post_text(m),
        )
        for m in cadre.family.all()
    ]
    photo = getattr(cadre, "photo", None)
    unknown = [tuple(item) for item in extra.get("unknown", [])]
    return ApprovalForm(
        values=values,
        family=family,
        photo=bytes(photo.data) if photo is not None else b"",
        unknown=unknown,
    )


def _post_text(member: Any) -> str:
    """工作单位及职务; a relative flagged deceased says so, as the form expects (docs/lrmx.md,
    "Family members")."""
    from cadres.choices import DECEASED_WORDS

    text = member.work_unit_post
    if member.is_deceased and not any(word in text for word in DECEASED_WORDS):
        return f"{text}（已去世）" if text else "已去世"
    return text


def family_age(item: FamilyItem, at: str) -> str:
    """The printed age of a relative; empty for the deceased (docs/lrmx.md, "Family members")."""
    from cadres.choices import DECEASED_WORDS

    if any(word in item.GongZuoDanWeiJiZhiWu for word in DECEASED_WORDS):
        return ""
    return age_text(item.ChuShengRiQi, at)

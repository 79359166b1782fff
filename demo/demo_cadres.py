"""Deterministic demo cadres for ``seed_demo``: people, careers and the rest of the record.

Every tier gets a realistic population (docs/architecture.md, "Scale": county ≈ 2,000 cadres, city ≈
20,000, province ≈ 300,000 with ≈ 2,000,000 positions). Rows are bulk-inserted chunk by
chunk with pre-allocated ids — the per-record services would take hours at province tier —
but every row satisfies what those services enforce (``cadres.services.validate_cadre``,
``_validate_position``, ``_validate_education`` …): valid, unique ID numbers that agree
with birth date and sex, codes from the code tables, no future dates, contiguous careers
with one open post in the cadre's own unit, and derived columns (现任职务, 领导职务层次,
职级, 最高学历/学位, 简历) computed by the same functions ``refresh_derived`` uses.

The same ``(tier, seed, scale)`` gives the same people (names, ID numbers, careers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from operator import itemgetter
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max, Model
from django.utils import timezone

from alerts.rules.people import assessment_year_due
from audit.choices import AuditAction
from audit.services import PendingEvent, audit_record_many
from cadres.choices import (
    AppointmentMethod,
    AssessmentGrade,
    CadreStatus,
    EducationKind,
    ManagementLevel,
    RecordKind,
)
from cadres.models import (
    Assessment,
    Cadre,
    CadrePhoto,
    Education,
    FamilyMember,
    Position,
    RewardPunishment,
)
from cadres.retirement import statutory_retirement
from cadres.services import (
    _education_rank,
    derive_columns,
    read_photo,
)
from core.choices import CodeTable
from core.dates import add_months
from core.fields import EncryptedIdNumberField, id_number_digest
from core.idnumber import IdNumber, build_id_number, parse_id_number
from core.models import Code
from core.pinyin import initials
from core.ranks import rank_ladder
from orgs.choices import UnitKind, UnitLevel

if TYPE_CHECKING:
    from demo.demo import Node

TARGET_CADRES = {"county": 2_000, "city": 20_000, "province": 300_000}
# Positions per cadre (docs/architecture.md, "Scale": 10k/2k, 120k/20k, 2M/300k); the career length
# model below
# is tuned per tier to land near these.
POSITIONS_PER_CADRE = {"county": 5.0, "city": 6.0, "province": 6.7}
CAREER_SLOPE = {"county": 0.107, "city": 0.155, "province": 0.2}  # posts per year of service
CHUNK = 2_000  # cadres generated and inserted at a time (bounded memory at province tier)
BATCH = 5_000  # rows per INSERT

SHOWCASE_ID = "433101197803152136"  # the 张卫东 of the sample LRMX file (docs/lrmx.md)

# --------------------------------------------------------------------- word lists


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲"
)
MALE_CHARS = (
    "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林欣建国志峰亮成"
    "海东文博晨阳立新永春兵振宏德光荣庆胜利力卫忠良"
)
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英玲燕萍红琳雪梅慧婷倩颖洁琴云莉兰凤晶瑶佳悦怡蕾丹璐露月丽君"
UYGHUR_PARTS = ("艾力", "买买提", "阿不都", "热合曼", "吐尔逊", "努尔", "艾尔肯", "肉孜")
UYGHUR_FEMALE = ("古丽", "阿依古丽", "帕提古丽", "热依汗", "米娜瓦尔")
# GB 3304 code: share in ‰ (河北-like: 满族, 回族, 蒙古族 first; a few from elsewhere).
ETHNICITIES = (
    ("01", 925),
    ("11", 30),
    ("03", 16),
    ("02", 10),
    ("15", 5),
    ("06", 3),
    ("08", 3),
    ("10", 3),
    ("05", 2),
    ("07", 1),
    ("12", 1),
    ("13", 1),
)
DEMOCRATIC_PARTIES = (
    ("04", "民革", 2),
    ("05", "民盟", 4),
    ("06", "民建", 4),
    ("07", "民进", 3),
    ("08", "农工党", 2),
    ("09", "致公党", 1),
    ("10", "九三", 2),
    ("11", "台盟", 1),
)
UNIVERSITIES = _words(
    "河北大学 河北师范大学 燕山大学 河北工业大学 河北农业大学 河北经贸大学 河北医科大学 "
    "石家庄铁道大学 河北科技大学 华北理工大学 河北工程大学 中国人民大学 北京师范大学 南开大学 "
    "天津大学 中国农业大学 武汉大学 吉林大学 山东大学 郑州大学 湖南大学 中南大学 西北大学 "
    "兰州大学 中国政法大学 华北电力大学 首都师范大学 天津师范大学"
)
COLLEGES = _words(
    "河北政法职业学院 石家庄职业技术学院 河北软件职业技术学院 河北交通职业技术学院 "
    "河北女子职业技术学院 河北师范大学（专科） 河北经贸大学（专科） 沧州师范学院"
)
SECONDARY_SCHOOLS = ("河北省财政学校", "河北省农业学校", "河北省师范学校", "河北省卫生学校")
# Major and the discipline digits of its GB 6864 degree (4xx 学士, 3xx 硕士, 2xx 博士).
MAJORS = _words(
    "汉语言文学:05 法学:03 经济学:02 会计学:12 行政管理:12 计算机科学与技术:08 土木工程:08 "
    "农学:09 临床医学:10 思想政治教育:03 历史学:06 数学与应用数学:07 英语:05 财政学:02 "
    "公共事业管理:12 新闻学:05 环境工程:08 金融学:02 社会学:03 农林经济管理:12 "
    "机械设计制造及其自动化:08 工商管理:12 教育学:04 水利水电工程:08 国民经济管理:02"
)
COLLEGE_MAJORS = ("文秘", "会计", "法律事务", "计算机应用", "农业经济管理", "行政管理", "护理")
PARTY_SCHOOL_MAJORS = ("经济管理", "政治学", "法学", "行政管理", "党政管理")
PROFESSIONAL_TITLES = ("经济师", "高级经济师", "工程师", "会计师", "助理工程师", "政工师")
EXPERTISE = (
    "熟悉农村经济和基层党建工作",
    "熟悉财政金融工作",
    "熟悉组织人事工作",
    "熟悉城市规划建设管理",
    "熟悉经济管理，有较强的综合协调能力",
    "熟悉法律事务和社会治理",
    "熟悉文字综合工作",
    "熟悉招商引资和项目建设",
    "熟悉教育卫生工作",
    "熟悉农业农村工作",
)
SPOUSE_JOBS = (
    "{a}第一中学教师",
    "{a}实验小学教师",
    "{a}人民医院医生",
    "{a}人民医院护士",
    "{a}财政局干部",
    "{a}农业农村局干部",
    "{a}税务局干部",
    "{a}供电公司职工",
    "{a}农村信用合作联社职工",
    "个体经营",
    "{a}中医医院医生",
    "{a}自然资源局干部",
)
ADULT_CHILD_JOBS = (
    "{a}实验小学教师",
    "{a}人民医院医生",
    "石家庄市某科技有限公司职员",
    "北京某咨询有限公司职员",
    "{a}融媒体中心记者",
    "{a}市场监督管理局科员",
)
UNIVERSITIES_FOR_CHILDREN = ("河北大学", "河北师范大学", "天津大学", "燕山大学", "河北医科大学")
PARENT_JOBS = ("退休干部", "退休教师", "农民", "退休职工", "务农")
REWARDS = (
    ("嘉奖", "{a}人民政府", "{b}政〔{y}〕{n}号"),
    ("记三等功", "{a}人民政府", "{b}政〔{y}〕{n}号"),
    ("优秀共产党员", "中共{a}委员会", "{b}发〔{y}〕{n}号"),
    ("先进工作者", "{a}人民政府", "{b}政〔{y}〕{n}号"),
    ("脱贫攻坚先进个人", "中共{a}委员会", "{b}发〔{y}〕{n}号"),
)

LEAD_LADDER = rank_ladder()[:8]  # 乡科级副职 … 省部级正职: the ranks a demo cadre holds
GRADE_NAMES = {
    "01": "一级巡视员",
    "02": "二级巡视员",
    "03": "一级调研员",
    "04": "二级调研员",
    "05": "三级调研员",
    "06": "四级调研员",
    "07": "一级主任科员",
    "08": "二级主任科员",
    "09": "三级主任科员",
    "10": "四级主任科员",
    "11": "一级科员",
    "12": "二级科员",
}
# The highest 职级 a non-leading post of a unit at this level may carry.
GRADE_CAP: dict[str, str] = {
    UnitLevel.PROVINCE: "03",
    UnitLevel.PREFECTURE: "04",
    UnitLevel.COUNTY: "05",
    UnitLevel.TOWNSHIP: "07",
    UnitLevel.BELOW: "07",
    UnitLevel.NONE: "07",
}
# Birth years of the holders of a leading post (older for higher posts).
# Ages of the holders of each leading rank (in years on the day the demo is generated, so
# that a demo made in any year has its leaders below retirement age, docs/demo.md).
LEAD_AGE = {
    "111": (58, 60),
    "112": (56, 60),
    "121": (54, 60),
    "122": (50, 60),
    "131": (47, 60),
    "132": (41, 59),
    "141": (37, 57),
    "142": (31, 54),
}
# Posts only a member of the Communist Party of China holds: the party committees' and
# discipline commissions' own posts, and every leading post of a party unit.
PARTY_TITLE_WORDS = ("党", "纪委", "纪工委", "书记", "组织委员", "宣传委员")
PARTY_UNIT_KINDS = frozenset({UnitKind.PARTY_COMMITTEE, UnitKind.PARTY_DEPT, UnitKind.DISCIPLINE})
# The longest a leader holds one 层次 (rank level) in the demo: under the 15 years of the
# 同一层次 rule and, per post, under the 10 years of the 同一职位 rule (docs/demo.md).
LEVEL_YEARS = (11.0, 14.0)
POST_DAYS = int(9.5 * 365.25)
PLANTED_LEVEL_DAYS = int(15.4 * 365.25)  # the one 同一层次 case planted on purpose
# Relative head-count of a unit, by kind; units without staff (villages) hold none.
KIND_WEIGHT: dict[str, int] = {
    UnitKind.PARTY_COMMITTEE: 24,
    UnitKind.PARTY_DEPT: 14,
    UnitKind.DISCIPLINE: 30,
    UnitKind.CONGRESS: 12,
    UnitKind.GOVERNMENT: 16,
    UnitKind.GOV_DEPT: 22,
    UnitKind.CPPCC: 10,
    UnitKind.JUDICIAL: 35,
    UnitKind.TOWNSHIP: 30,
    UnitKind.SUBDISTRICT: 28,
    UnitKind.INSTITUTION: 10,
    UnitKind.SOE: 8,
    UnitKind.MASS_ORG: 7,
    UnitKind.OTHER: 5,
}
LEVEL_FACTOR: dict[str, float] = {UnitLevel.PROVINCE: 3.0, UnitLevel.PREFECTURE: 2.0}
STAFF_KINDS = frozenset(KIND_WEIGHT)


# --------------------------------------------------------------------- small helpers


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _weighted(rng: random.Random, items: Sequence[tuple[Any, int]]) -> Any:
    total = sum(w for _, w in items)
    pick = rng.random() * total
    for item, weight in items:
        pick -= weight
        if pick < 0:
            return item
    return items[-1][0]


def _batched(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def area_of(node: Node) -> str:
    """The place a unit belongs to: ``清河县``, ``江州市``, ``江北省`` (its party committee)."""
    current: Node | None = node
    while current is not None:
        if current.kind == UnitKind.PARTY_COMMITTEE:
            return current.name.removeprefix("中共").removesuffix("委员会")
        current = current.parent
    return node.name[:3]


def short_name(node: Node) -> str:
    """The unit as a 简历 prints it: ``清河县委``, ``清河县委组织部``, ``清河县青石镇``."""
    name = node.name
    if node.kind == UnitKind.PARTY_COMMITTEE:
        return name.removeprefix("中共").removesuffix("委员会") + "委"
    if node.kind == UnitKind.PARTY_DEPT:
        return name.removeprefix("中共")
    if node.kind in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT):
        return area_of(node) + name
    if node.kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY) and node.parent is not None:
        return area_of(node) + node.parent.name + name
    return name


def _titles(node: Node) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(head titles, deputy titles) of a unit, by its kind and name."""
    name, kind = node.name, node.kind
    if kind == UnitKind.PARTY_COMMITTEE:
        return ("书记",), ("副书记", "常委")
    if kind == UnitKind.TOWNSHIP:
        chief = "乡长" if name.endswith("乡") else "镇长"
        return ("党委书记", chief), (
            "党委副书记",
            f"副{chief}",
            "党委委员",
            "人大主席",
            "纪委书记",
            "组织委员",
            "宣传委员",
            "武装部部长",
        )
    if kind == UnitKind.SUBDISTRICT:
        return ("党工委书记", "办事处主任"), (
            "党工委副书记",
            "办事处副主任",
            "党工委委员",
            "纪工委书记",
            "武装部部长",
        )
    if kind == UnitKind.DISCIPLINE:
        return ("书记",), ("副书记", "常委", "监委委员")
    if kind == UnitKind.CONGRESS:
        return ("主任",), ("副主任",)
    if kind == UnitKind.CPPCC:
        return ("主席",), ("副主席",)
    if kind == UnitKind.GOVERNMENT:
        chief = "省长" if "省" in name else "市长" if "市人民政府" in name else "县长"
        if "区人民政府" in name:
            chief = "区长"
        return (chief,), (f"副{chief}",)
    if kind == UnitKind.JUDICIAL:
        return (("检察长",), ("副检察长",)) if "检察" in name else (("院长",), ("副院长",))
    if kind == UnitKind.SOE:
        return ("董事长", "总经理"), ("副总经理",)
    if kind == UnitKind.MASS_ORG:
        if name.startswith("共青团"):
            return ("书记",), ("副书记",)
        if name.endswith("残疾人联合会"):
            return ("理事长",), ("副理事长",)
        return ("主席",), ("副主席",)
    for ending, head in (
        ("部", "部长"),
        ("厅", "厅长"),
        ("局", "局长"),
        ("政法委员会", "书记"),
        ("党校", "常务副校长"),
        ("医院", "院长"),
        ("保健院", "院长"),
        ("中学", "校长"),
        ("学校", "校长"),
        ("馆", "馆长"),
    ):
        if name.endswith(ending):
            deputy = "副校长" if head == "常务副校长" else f"副{head}"
            return (head,), (deputy,)
    return ("主任",), ("副主任",)


class Row:
    """A row about to be inserted: attribute names are the model's ``attname``s.

    Lighter than a model instance (the province tier builds millions). A column the row
    does not set reads as, and is written with, the field's default.
    """

    model: ClassVar[type[Model]]

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value

    def __getattr__(self, name: str) -> Any:
        defaults = _field_defaults(self.model)
        if name in defaults:
            return defaults[name]
        raise AttributeError(name)


@cache
def _field_defaults(model: type[Model]) -> dict[str, Any]:
    return {f.attname: f.get_default() for f in model._meta.concrete_fields}


class CadreRow(Row):
    model = Cadre


class PositionRow(Row):
    model = Position

    @property
    def full_title(self) -> str:  # as Position.full_title
        return f"{self.unit_name}{self.title}"


class EducationRow(Row):
    model = Education


class AssessmentRow(Row):
    model = Assessment


class RecordRow(Row):
    model = RewardPunishment


class FamilyRow(Row):
    model = FamilyMember


class PhotoRow(Row):
    model = CadrePhoto


@dataclass
class UnitInfo:
    """What the generator needs to know about one unit (computed once)."""

    node: Node
    short: str
    area: str
    abbr: str
    heads: tuple[str, ...]
    deputies: tuple[str, ...]
    quota_titles: dict[str, list[str]]
    villages: list[Node] = field(default_factory=list)


@dataclass
class Slot:
    """A cadre's place in the plan: the unit and the post held there today."""

    unit: UnitInfo
    rank: str  # RANK_LEVEL code of a leading post, or "" for a non-leading post
    title: str
    head: bool
    order: int = 0  # position in the unit's leadership (sort_order)


@dataclass
class Step:
    unit: UnitInfo
    title: str
    rank: str
    grade: str
    head: bool


@dataclass
class Chunk:
    """The rows of one batch of cadres, ready to insert."""

    cadres: list[Row] = field(default_factory=list)
    positions: list[Row] = field(default_factory=list)
    educations: list[Row] = field(default_factory=list)
    assessments: list[Row] = field(default_factory=list)
    records: list[Row] = field(default_factory=list)
    family: list[Row] = field(default_factory=list)
    photos: list[Row] = field(default_factory=list)


@dataclass
class CadreSummary:
    cadres: int = 0
    positions: int = 0
    educations: int = 0
    assessments: int = 0
    records: int = 0
    family: int = 0
    photos: int = 0
    audit_events: int = 0
    planted: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class Ids:
    """Next id per table (ids are pre-allocated so children can point at their cadre)."""

    cadre: int = 1
    position: int = 1
    education: int = 1
    assessment: int = 1
    record: int = 1
    family: int = 1
    photo: int = 1

    @classmethod
    def from_database(cls) -> Ids:
        def nxt(model: type[Model]) -> int:
            return int(model.objects.aggregate(m=Max("id"))["m"] or 0) + 1  # type: ignore[attr-defined]

        return cls(
            cadre=nxt(Cadre),
            position=nxt(Position),
            education=nxt(Education),
            assessment=nxt(Assessment),
            record=nxt(RewardPunishment),
            family=nxt(FamilyMember),
            photo=nxt(CadrePhoto),
        )


@cache
def _retirement_months(sex: str, year: int, month: int) -> int:
    found = statutory_retirement(sex=sex, birth=(year, month))
    if found is None:  # pragma: no cover - the generator always records the sex
        raise ValueError(f"no retirement age for sex {sex!r}")
    return found.retirement_age_months


def retirement_day(sex: str, birth: dt.date) -> dt.date:
    """The day a cadre reaches the statutory retirement age by the product's own rule
    (cadres/retirement.py), without the later age of a 县处级 or senior-titled woman: the
    earliest day the 到龄退休 rule can find her past it."""
    return add_months(birth, _retirement_months(sex, birth.year, birth.month))


def derive(cadre: Any, positions: Sequence[Any], educations: Sequence[Any]) -> None:
    """Set the derived columns exactly as ``cadres.services`` computes them."""
    derive_columns(cadre, positions, educations)


def showcase_photo() -> bytes:
    """A plain 300×375 ID-style photo: a grey silhouette on a blue ground (Pillow)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 375), (67, 142, 219))
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 250, 260, 470), fill=(40, 44, 52))  # shoulders
    draw.rectangle((128, 200, 172, 265), fill=(222, 190, 160))  # neck
    draw.ellipse((95, 70, 205, 215), fill=(232, 200, 170))  # face
    draw.chord((90, 55, 210, 170), 180, 360, fill=(30, 30, 30))  # hair
    draw.polygon([(130, 262), (150, 300), (170, 262)], fill=(245, 245, 245))  # collar
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


# --------------------------------------------------------------------- the generator


class CadreGenerator:
    """Plans and builds the cadres of one tier; ``chunks()`` yields rows to insert."""

    def __init__(
        self,
        *,
        tier: str,
        seed: int,
        nodes: list[Node],
        today: dt.date,
        regions: list[tuple[str, str]],
        scale: float = 1.0,
        ids: Ids | None = None,
    ) -> None:
        self.tier = tier
        self.rng = random.Random(f"zugong-demo-cadres:{tier}:{seed}")
        self.today = today
        self.scale = scale
        self.ids = ids or Ids()
        self.nodes = nodes
        self.taken_ids: set[str] = {SHOWCASE_ID}
        self.char_initials: dict[str, str] = {}
        self.name_initials: dict[str, str] = {}
        self.slope = CAREER_SLOPE.get(tier, 0.1)
        now = timezone.now()
        self.cadre_defaults = {
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "resume_manual": False,
        }
        # The alerts the demo shows on purpose (rule code → cadre ids), docs/demo.md.
        self.planted: dict[str, list[int]] = defaultdict(list)
        self.heads: dict[int, Row] = {}  # unit id → its head, for the planted 任职回避 pair
        self.non_party_units: set[int] = set()  # 人大, 政协, 政府 with their 党外 deputy
        self._index_units()
        self._index_regions(regions)

    # -- indexes

    def _index_units(self) -> None:
        self.info: dict[int, UnitInfo] = {}
        for node in self.nodes:
            area = area_of(node)
            heads, deputies = _titles(node)
            quota_titles: dict[str, list[str]] = {}
            for rank, _count, title in node.quotas:
                if title and "、" not in title:
                    quota_titles.setdefault(rank, []).append(title)
            self.info[node.id] = UnitInfo(
                node=node,
                short=short_name(node),
                area=area,
                abbr=area[:1],
                heads=heads,
                deputies=deputies,
                quota_titles=quota_titles,
            )
            if node.kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY) and node.parent is not None:
                self.info[node.parent.id].villages.append(node)
        # Pools of units holding a leading rank (or any staff), by region and region prefix.
        self.pools: dict[tuple[str, str], list[UnitInfo]] = {}
        for node in self.nodes:
            info = self.info[node.id]
            keys = {rank for rank, _c, _t in node.quotas}
            if node.kind in STAFF_KINDS:
                keys.add("staff")
            for key in keys:
                for where in (node.region_code, node.region_code[:4], ""):
                    self.pools.setdefault((key, where), []).append(info)

    def _index_regions(self, regions: list[tuple[str, str]]) -> None:
        self.region_names = dict(regions)
        self.regions_by_prefix: dict[str, list[str]] = {}
        for code, _name in regions:
            if code.endswith("0000"):
                continue
            for prefix in (code[:4], code[:2], ""):
                self.regions_by_prefix.setdefault(prefix, []).append(code)

    def _pool(self, key: str, region: str) -> list[UnitInfo]:
        for where in (region, region[:4], ""):
            pool = self.pools.get((key, where))
            if pool:
                return pool
        return []

    # -- names

    def initials(self, name: str) -> str:
        cached = self.name_initials.get(name)
        if cached is not None:
            return cached
        if "·" in name:
            value = initials(name)[:18]
        else:
            parts = []
            for char in name:
                letter = self.char_initials.get(char)
                if letter is None:
                    letter = self.char_initials[char] = initials(char)
                parts.append(letter)
            value = "".join(parts)[:18]
        if len(self.name_initials) < 200_000:
            self.name_initials[name] = value
        return value

    def surname(self) -> str:
        # Zipf-like: the first surnames are by far the commonest.
        index = int(len(SURNAMES) * (self.rng.random() ** 2.2))
        return SURNAMES[min(index, len(SURNAMES) - 1)]

    def given(self, sex: str) -> str:
        chars = MALE_CHARS if sex == "1" else FEMALE_CHARS
        if self.rng.random() < 0.2:
            return self.rng.choice(chars)
        return self.rng.choice(chars) + self.rng.choice(chars)

    def person_name(self, sex: str, ethnicity: str, surname: str | None = None) -> str:
        if ethnicity in ("05", "17") and surname is None:
            first = self.rng.choice(UYGHUR_PARTS if sex == "1" else UYGHUR_FEMALE)
            return f"{first}·{self.rng.choice(UYGHUR_PARTS)}"
        return (surname or self.surname()) + self.given(sex)

    # -- ID numbers and places

    def birthplace(self, region: str) -> str:
        roll = self.rng.random()
        prefix = region[:4] if roll < 0.65 else region[:2] if roll < 0.9 else ""
        pool = self.regions_by_prefix.get(prefix) or self.regions_by_prefix.get(region[:2])
        pool = pool or self.regions_by_prefix[""]
        return self.rng.choice(pool)

    def id_number(self, region: str, birth: dt.date, sex: str) -> IdNumber:
        stem = f"{region}{birth:%Y%m%d}"
        for _ in range(200):
            sequence = self.rng.randrange(1, 999)
            if (sequence % 2 == 1) != (sex == "1"):
                sequence += 1 if sequence < 998 else -1
            if f"{stem}{sequence:03d}" not in self.taken_ids:
                self.taken_ids.add(f"{stem}{sequence:03d}")
                return build_id_number(region, birth, sequence)
        raise RuntimeError(f"no free ID sequence for {stem}")

    # -- plan: how many cadres each unit has, and who holds which post

    def plan(self) -> list[Slot]:
        target = max(1, round(TARGET_CADRES[self.tier] * self.scale))
        staffed = [n for n in self.nodes if n.kind in STAFF_KINDS]
        weights = [KIND_WEIGHT[n.kind] * LEVEL_FACTOR.get(n.level, 1.0) for n in staffed]
        total = sum(weights)
        shares = [w * target / total for w in weights]
        counts = [math.floor(s) for s in shares]
        left = target - sum(counts)
        by_remainder = sorted(range(len(staffed)), key=lambda i: (counts[i] - shares[i], i))
        for i in by_remainder[:left]:
            counts[i] += 1
        slots: list[Slot] = []
        for node, count in zip(staffed, counts, strict=True):
            slots.extend(self._unit_slots(self.info[node.id], count))
        return slots

    def _unit_slots(self, info: UnitInfo, count: int) -> list[Slot]:
        lead: list[Slot] = []
        for rank, quota, title in info.node.quotas:
            head = rank.endswith("1")
            for i in range(quota):
                if self.rng.random() > (0.97 if head else 0.9):
                    continue  # a vacancy (缺配)
                if title and "、" not in title:
                    name = title
                else:
                    names = info.heads if head else info.deputies
                    name = names[i % len(names)]
                lead.append(Slot(info, rank, name, head))
        lead.sort(key=lambda s: s.rank)
        slots = lead[:count]
        slots.extend(Slot(info, "", "", False) for _ in range(count - len(slots)))
        for order, slot in enumerate(slots, start=1):
            slot.order = order
        return slots

    # -- careers

    def _staff_grade(self, years: float, level: str) -> str:
        # 二级科员 on entry; promotions slow down and some careers stall.
        steps = (1.5, 4, 8, 12, 17, 23, 28)
        effective = years * self.rng.uniform(0.45, 1.0)
        grade = 12 - sum(1 for s in steps if effective >= s)
        return f"{max(grade, int(GRADE_CAP.get(level, '07'))):02d}"

    def _career(self, slot: Slot, years: float, non_party: bool = False) -> list[Step]:
        """The posts held, oldest first, ending with the slot's post; for a 党外 cadre
        (``non_party``) no post only a party member holds."""
        n = round(3 + self.slope * years + self.rng.gauss(0, 0.8))
        n = min(max(n, 3), 10)
        unit = slot.unit
        region = unit.node.region_code
        final_rank = slot.rank
        if final_rank:
            top = LEAD_LADDER.index(final_rank)
            n = min(max(n, top + 2), 10)
            lead_count = top + 1 + self.rng.randint(0, max(0, n - top - 2))
            staff_count = n - lead_count
        else:
            lead_count, staff_count = 0, n
        steps: list[Step] = []
        # Non-leading posts: grades rising from the entry grade (二级科员).
        if final_rank:
            last_grade = int(self.rng.choice(("09", "10", "10", "11")))
        else:
            last_grade = int(self._staff_grade(years, unit.node.level))
        if staff_count == 1:
            grades = [self.rng.choice((12, 11))] if final_rank else [last_grade]
        else:
            # One grade at a time, spread over the posts: 二级科员 … the grade held today.
            rise = 12 - last_grade
            grades = [12 - round(rise * i / (staff_count - 1)) for i in range(staff_count)]
        staff_pool = self._pool("staff", region)
        for i, grade in enumerate(grades):
            code = f"{grade:02d}"
            is_final = not final_rank and i == staff_count - 1
            here = unit if is_final or self.rng.random() < 0.6 else self.rng.choice(staff_pool)
            title = "科员" if grade >= 11 else GRADE_NAMES[code]
            steps.append(Step(here, title, "", code, False))
        if final_rank:
            top = LEAD_LADDER.index(final_rank)
            ranks = list(range(top + 1))
            ranks += [self.rng.randint(0, top) for _ in range(lead_count - top - 1)]
            ranks.sort()
            for i, r in enumerate(ranks):
                rank = LEAD_LADDER[r]
                if i == len(ranks) - 1:
                    steps.append(Step(unit, slot.title, rank, "", slot.head))
                    continue
                if rank in {q for q, _c, _t in unit.node.quotas} and self.rng.random() < 0.45:
                    here, title = unit, self._title(unit, rank)
                else:
                    here, title = self._elsewhere(self._pool(rank, region) or [unit], rank)
                if non_party and self._party_post(here, title):
                    pool = self._pool(rank, region) or [unit]
                    here, title = self._non_party_elsewhere(pool, rank, None) or (
                        unit,
                        self._title(unit, rank),
                    )
                steps.append(Step(here, title, rank, "", rank.endswith("1")))
        # Two identical consecutive posts read as one: move the earlier one elsewhere
        # (from the end, so a moved post is compared with the one before it in turn).
        for i in range(len(steps) - 2, -1, -1):
            a, b = steps[i], steps[i + 1]
            if a.unit is b.unit and a.title == b.title:
                pool = self._pool(a.rank or "staff", region) or staff_pool
                for _ in range(8):
                    a.unit = self.rng.choice(pool)
                    if a.unit is not b.unit:
                        break
                if a.rank:
                    a.title = self._title(a.unit, a.rank)
                    if non_party and self._party_post(a.unit, a.title):
                        # Another post of no party unit or title, if one turns up.
                        pick = self._non_party_elsewhere(pool, a.rank, b.unit)
                        if pick is not None:
                            a.unit, a.title = pick
        return steps

    def _elsewhere(self, pool: list[UnitInfo], rank: str) -> tuple[UnitInfo, str]:
        here = self.rng.choice(pool)
        return here, self._title(here, rank)

    def _non_party_elsewhere(
        self, pool: list[UnitInfo], rank: str, avoid: UnitInfo | None
    ) -> tuple[UnitInfo, str] | None:
        """A post at ``rank`` in ``pool`` (not in ``avoid``) that is no party post, or None."""
        for _ in range(12):
            here = self.rng.choice(pool)
            title = self._title(here, rank)
            if here is not avoid and not self._party_post(here, title):
                return here, title
        return None

    @staticmethod
    def _party_post(unit: UnitInfo, title: str) -> bool:
        """A post only a party member holds (a leading post here, docs/demo.md)."""
        return any(w in title for w in PARTY_TITLE_WORDS) or unit.node.kind in PARTY_UNIT_KINDS

    def _title(self, unit: UnitInfo, rank: str) -> str:
        quota = unit.quota_titles.get(rank)
        if quota:
            return self.rng.choice(quota)
        return self.rng.choice(unit.heads if rank.endswith("1") else unit.deputies)

    def _cuts(self, start: dt.date, end: dt.date, n: int) -> list[dt.date]:
        total = (end - start).days
        weights = [self.rng.uniform(0.6, 1.4) for _ in range(n)]
        whole = sum(weights)
        starts = [start]
        acc = 0.0
        for w in weights[:-1]:
            acc += w
            starts.append(start + dt.timedelta(days=int(total * acc / whole)))
        return starts

    # -- the rules the careers keep (docs/demo.md)

    def _plant_probation(
        self, cadre_id: int, slot: Slot, steps: list[Step], starts: list[dt.date]
    ) -> list[dt.date]:
        """Once: a deputy promoted 11 months ago by appointment, whose 试用期 ends within the
        试用期满 rule's 30 days (planted)."""
        if "probation" in self.planted or not slot.rank or slot.head or len(steps) < 2:
            return starts
        last, before = steps[-1], steps[-2]
        if before.rank and before.rank <= last.rank:
            return starts  # not a promotion
        if self._elected(last):
            return starts  # elected posts have no 试用期
        start = add_years(self.today, -1) + dt.timedelta(days=20)
        if start <= starts[-2] + dt.timedelta(days=365):
            return starts
        self.planted["probation"].append(cadre_id)
        return [*starts[:-1], start]

    def _cap_levels(
        self, cadre_id: int, slot: Slot, steps: list[Step], starts: list[dt.date], end: dt.date
    ) -> list[dt.date]:
        """Each rank level's run of leading posts lasts under 15 years (the 同一层次 rule) and
        each post under 10 (同一职位): a run that would last longer starts later, and the post
        before it lasts longer. Once, a 乡科级副职 of two posts or more kept at 15 years and
        a few months (planted)."""
        starts = list(starts)
        low, high = LEVEL_YEARS
        longest = int(365.25 * (low + (high - low) * ((cadre_id * 7919) % 1000) / 1000))
        i = len(steps) - 1
        while i > 0 and steps[i].rank:
            j = i
            while j > 1 and steps[j - 1].rank == steps[i].rank:
                j -= 1
            stop = starts[i + 1] if i + 1 < len(starts) else end
            span = (stop - starts[j]).days
            limit = min(longest, (i - j + 1) * POST_DAYS)
            if (
                steps[i].rank == "142"
                and i == len(steps) - 1
                and i > j
                and span > PLANTED_LEVEL_DAYS
                and "same_level" not in self.planted
            ):
                self.planted["same_level"].append(cadre_id)
                limit = PLANTED_LEVEL_DAYS
            if span > limit:
                first = stop - dt.timedelta(days=limit)
                old = starts[j]
                for k in range(j, i + 1):
                    starts[k] = first + dt.timedelta(days=(starts[k] - old).days * limit // span)
            i = j - 1
        return starts

    def _non_party_slot(self, slot: Slot) -> bool:
        node = slot.unit.node
        return (
            bool(slot.rank)
            and not slot.head
            and node.kind in (UnitKind.CONGRESS, UnitKind.CPPCC, UnitKind.GOVERNMENT)
            and node.id not in self.non_party_units
        )

    @staticmethod
    def _elected(step: Step) -> bool:
        return step.unit.node.kind in (UnitKind.CONGRESS, UnitKind.CPPCC) or step.title.endswith(
            ("镇长", "乡长", "县长", "区长", "市长", "省长")
        )

    def _first_party_post(self, positions: Sequence[Row]) -> dt.date | None:
        """The start of the first post only a party member holds, if any."""
        starts = [
            p.start_date
            for p in positions
            if any(word in p.title for word in PARTY_TITLE_WORDS)
            or (p.is_leading and self.info[p.unit_id].node.kind in PARTY_UNIT_KINDS)
        ]
        return min(starts, default=None)

    # -- one cadre

    def build_cadre(self, slot: Slot, chunk: Chunk) -> None:
        rng = self.rng
        unit = slot.unit
        node = unit.node
        sex, birth, retires = self._sex_and_birth(slot)
        ethnicity = _weighted(rng, ETHNICITIES)
        name = self.person_name(sex, ethnicity)
        region = self.birthplace(node.region_code)
        id_number = self.id_number(region, birth, sex)
        place = self.region_names.get(region, "")

        # Full-time education and the first job.
        educations = self._full_time_education(birth)
        study_end = max(e.end_date for e in educations if e.end_date)
        work_start = study_end + dt.timedelta(days=rng.randint(0, 25))

        cadre_id = self.ids.cadre
        status, end = self._status(cadre_id, sex, retires)
        years = (end - work_start).days / 365.25
        non_party = self._non_party_slot(slot)
        steps = self._career(slot, years, non_party)
        max_steps = max(1, (end - work_start).days // 40)
        steps = steps[-max_steps:]
        starts = self._cuts(work_start, end, len(steps))
        if status == CadreStatus.ACTIVE:
            starts = self._plant_probation(cadre_id, slot, steps, starts)
            starts = self._cap_levels(cadre_id, slot, steps, starts, end)

        self.ids.cadre += 1
        positions = self._positions(cadre_id, slot, steps, starts, status, end)

        resume_extra = self._in_service_education(cadre_id, slot, educations, work_start, end)

        political, joined, others = self._party(slot, birth, positions, non_party)
        management = self._management_level(slot, node)

        cadre = CadreRow(
            id=cadre_id,
            name=name,
            name_initials=self.initials(name),
            sex=sex,
            birth_date=birth,
            ethnicity=ethnicity,
            native_place=place,
            birthplace=place
            if rng.random() < 0.85
            else self.region_names.get(self.birthplace(node.region_code), place),
            id_number=id_number,
            id_digest=id_number_digest(id_number),
            political_status=political,
            party_join_date=joined,
            other_parties=others,
            work_start_date=work_start,
            health="健康" if rng.random() < 0.98 else "一般",
            professional_title=rng.choice(PROFESSIONAL_TITLES) if rng.random() < 0.15 else "",
            expertise=rng.choice(EXPERTISE) if rng.random() < 0.3 else "",
            management_level=management,
            status=status,
            unit_id=node.id,
            unit_path=node.path,
            sort_order=slot.order,
            resume_extra=resume_extra,
            **self.cadre_defaults,
        )
        derive(cadre, positions, educations)
        chunk.cadres.append(cadre)
        chunk.positions.extend(positions)
        chunk.educations.extend(educations)
        skip = self._plant_missing_assessment(cadre, slot, status)
        self._assessments(cadre, work_start, end, chunk, skip=skip)
        self._rewards(cadre, unit, work_start, end, chunk)
        self._family(cadre, unit, chunk)
        if status == CadreStatus.ACTIVE:
            self._plant_avoidance(cadre, slot, chunk)

    def _sex_and_birth(self, slot: Slot) -> tuple[str, dt.date, dt.date]:
        """Sex, birth date and retirement day, by the post's rank (ages, docs/demo.md)."""
        rng, today = self.rng, self.today
        if slot.rank:
            low, high = LEAD_AGE[slot.rank]
            year = today.year - rng.randint(low, high)
            sex = "2" if rng.random() < (0.1 if slot.head else 0.25) else "1"
        else:
            year = int(rng.triangular(today.year - 60, today.year - 25, today.year - 36))
            sex = "2" if rng.random() < 0.36 else "1"
        birth = dt.date(min(year, today.year - 26), rng.randint(1, 12), rng.randint(1, 28))
        if not slot.rank and sex == "1" and "retirement" not in self.planted:
            # The first non-leading man reached the retirement age in the last few weeks: the
            # planted 须处理 case of 到龄退休 exists on any day (see _status). A man: a woman's
            # age may be 60 by her 职级 or title, which the earliest age here does not know.
            birth = self._birth_retired_lately(sex) or birth
        retires = retirement_day(sex, birth)
        while slot.rank and retires <= today:
            # A leader in post is below the statutory retirement age (cadres/retirement.py).
            birth = dt.date(birth.year + 1, birth.month, birth.day)
            retires = retirement_day(sex, birth)
        return sex, birth, retires

    def _birth_retired_lately(self, sex: str) -> dt.date | None:
        """A birth date whose retirement day fell 1–44 days before today, if any."""
        today = self.today
        for back in range(50 * 12, 70 * 12):
            year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
            birth = dt.date(year, month + 1, min(today.day, 28))
            if today - dt.timedelta(days=45) < retirement_day(sex, birth) < today:
                return birth
        return None

    def _status(self, cadre_id: int, sex: str, retires: dt.date) -> tuple[str, dt.date]:
        """在职 until today, or 退休 on the retirement day once it has come, but for one cadre
        whose 退休手续 are under way (planted: the 到龄退休 alert's 须处理 case)."""
        today = self.today
        if retires > today:
            return CadreStatus.ACTIVE, today
        if (
            sex == "1"
            and "retirement" not in self.planted
            and retires > today - dt.timedelta(days=45)
        ):
            self.planted["retirement"].append(cadre_id)
            return CadreStatus.ACTIVE, today
        return CadreStatus.RETIRED, retires

    def _full_time_education(self, birth: dt.date) -> list[Row]:
        """The full-time education before the first job (a second degree only once finished)."""
        rng, today = self.rng, self.today
        educations: list[Row] = []
        cohort = birth.year
        roll = rng.random()
        if cohort < 1975:
            level = "11" if roll < 0.05 else "21" if roll < 0.5 else "31" if roll < 0.85 else "35"
        elif cohort < 1985:
            level = "11" if roll < 0.12 else "21" if roll < 0.77 else "31" if roll < 0.97 else "35"
        else:
            level = "11" if roll < 0.2 else "21" if roll < 0.9 else "31"
        major, discipline = rng.choice(MAJORS).split(":")
        school = rng.choice(UNIVERSITIES)
        enter = birth.year + 18 + (1 if birth.month >= 9 else 0) + (rng.random() < 0.15)
        if level == "35":
            enter = birth.year + 16 + (1 if birth.month >= 9 else 0)
            educations.append(
                self._education(
                    EducationKind.FULL_TIME,
                    "35",
                    "",
                    rng.choice(SECONDARY_SCHOOLS),
                    f"{rng.choice(COLLEGE_MAJORS)}专业",
                    enter,
                    enter + 3,
                )
            )
        elif level == "31":
            educations.append(
                self._education(
                    EducationKind.FULL_TIME,
                    "31",
                    "",
                    rng.choice(COLLEGES),
                    f"{rng.choice(COLLEGE_MAJORS)}专业",
                    enter,
                    enter + 3,
                )
            )
        else:
            years_ug = 5 if major == "临床医学" else 4
            educations.append(
                self._education(
                    EducationKind.FULL_TIME,
                    "21",
                    f"4{discipline}",
                    school,
                    f"{major}专业",
                    enter,
                    enter + years_ug,
                )
            )
            if level == "11":
                graduate = enter + years_ug
                educations.append(
                    self._education(
                        EducationKind.FULL_TIME,
                        "11",
                        f"3{discipline}",
                        rng.choice(UNIVERSITIES),
                        f"{major}专业",
                        graduate,
                        graduate + 3,
                    )
                )
        if len(educations) > 1 and (educations[-1].end_date or today) > today - dt.timedelta(
            days=240
        ):
            educations.pop()  # still studying: the youngest stop at the first degree
        return educations

    def _positions(
        self,
        cadre_id: int,
        slot: Slot,
        steps: list[Step],
        starts: list[dt.date],
        status: str,
        end: dt.date,
    ) -> list[Row]:
        """The posts of the career, with a concurrent second post for some, ids allocated."""
        rng, today = self.rng, self.today
        positions: list[Row] = []
        previous_rank = ""
        for i, (step, start) in enumerate(zip(steps, starts, strict=True)):
            last = i == len(steps) - 1
            stop = None if last else starts[i + 1]
            if last and status != CadreStatus.ACTIVE:
                stop = end
            promoted = bool(step.rank) and (not previous_rank or step.rank < previous_rank)
            recent = start > today - dt.timedelta(days=730)
            probation = add_years(start, 1) if promoted and recent else None
            if step.rank:
                doc = f"{step.unit.abbr}组任〔{start.year}〕{rng.randint(1, 160)}号"
                elected = self._elected(step)
                method = AppointmentMethod.ELECTED if elected else AppointmentMethod.APPOINTED
            else:
                doc = ""
                method = AppointmentMethod.EXAMINED if i == 0 else AppointmentMethod.APPOINTED
            reason = ""
            if stop is not None:
                if last:
                    reason = "退休"
                elif steps[i + 1].rank and steps[i + 1].rank != step.rank:
                    reason = "职务晋升"
                else:
                    reason = "工作调动" if steps[i + 1].unit is not step.unit else "工作需要"
            positions.append(
                PositionRow(
                    cadre_id=cadre_id,
                    unit_id=step.unit.node.id,
                    unit_name=step.unit.short,
                    title=step.title,
                    rank_level=step.rank,
                    grade=step.grade,
                    is_leading=bool(step.rank),
                    is_head=step.head,
                    is_primary=True,
                    start_date=start,
                    end_date=stop,
                    appointment_doc=doc,
                    method=method,
                    probation_end=probation,
                    probation_confirmed=bool(probation and probation <= today),
                    end_reason=reason,
                    order=0,
                )
            )
            previous_rank = step.rank or previous_rank
        if status == CadreStatus.ACTIVE:
            extra = self._concurrent(slot, positions[-1])
            held = {(p.unit_id, p.title) for p in positions}
            # A post held before is not taken up again as a second post: the 同一职位 rule
            # would count both as one run.
            if extra is not None and (extra.unit_id, extra.title) not in held:
                positions.append(extra)
        positions.sort(key=lambda p: p.start_date)  # stable: the main post before its extra
        for p in positions:
            p.id = self.ids.position
            self.ids.position += 1
        return positions

    def _in_service_education(
        self, cadre_id: int, slot: Slot, educations: list[Row], work_start: dt.date, end: dt.date
    ) -> str:
        """In-service study for some (added to ``educations``, whose ids are allocated here);
        returns the （其间：…） note for the 简历."""
        rng = self.rng
        resume_extra = ""
        service = (end - work_start).days / 365.25
        if service >= 7 and rng.random() < (0.6 if slot.rank else 0.25):
            item = self._in_service(educations, work_start, end)
            if item is not None:
                educations.append(item)
                word = "研究生" if item.education_level.startswith("1") else "大学"
                resume_extra = (
                    f"（其间：{item.start_date:%Y.%m}--{item.end_date:%Y.%m}  "
                    f"在{item.school}{item.major}在职{word}学习）"
                )
        educations.sort(key=lambda e: e.start_date or dt.date.min)
        for e in educations:
            e.id = self.ids.education
            e.cadre_id = cadre_id
            self.ids.education += 1
        return resume_extra

    def _party(
        self, slot: Slot, birth: dt.date, positions: list[Row], non_party: bool
    ) -> tuple[str, dt.date | None, str]:
        """政治面貌, 入党时间 and 民主党派: who holds (or held) a party post is a full member who
        joined before it."""
        rng, today = self.rng, self.today
        party_post = self._first_party_post(positions)
        roll = rng.random()
        if party_post is not None:
            roll = 0.0
        party_share = 0.96 if slot.rank else 0.8
        if party_post is None and non_party:
            # The first deputy of a 人大, 政协 or 政府 team who never held a party post is a
            # 党外干部 (民主党派 or 无党派), as such teams have.
            party_share, roll = 0.0, roll * 0.05
            self.non_party_units.add(slot.unit.node.id)
        political, joined, others = "13", None, ""
        if roll < party_share:
            political = "01"
            earliest = add_years(birth, 18)
            latest = min(add_years(birth, 40), today - dt.timedelta(days=400))
            if party_post is not None:
                latest = min(latest, party_post - dt.timedelta(days=30))
            if latest > earliest:
                joined = earliest + dt.timedelta(
                    days=int((latest - earliest).days * rng.random() ** 1.8)
                )
            elif party_post is not None:
                joined = earliest
            else:
                political = "13"
            if (
                political == "01"
                and party_post is None
                and birth.year >= 1996
                and rng.random() < 0.15
            ):
                joined = today - dt.timedelta(days=rng.randint(30, 330))
                political = "02"
        elif roll < party_share + 0.04:
            political, others, _w = _weighted(
                rng, [((c, n, w), w) for c, n, w in DEMOCRATIC_PARTIES]
            )
        elif roll < party_share + 0.05:
            political, others = "12", "无党派"
        return political, joined, others

    @staticmethod
    def _management_level(slot: Slot, node: Node) -> str:
        """干部管理权限 by the rank of the post held."""
        management: str = ManagementLevel.COUNTY
        if slot.rank[:2] in ("11",):
            management = ManagementLevel.CENTRAL
        elif slot.rank[:2] == "12":
            management = ManagementLevel.PROVINCE
        elif slot.rank[:2] == "13":
            management = ManagementLevel.CITY
        elif not slot.rank and node.level in (UnitLevel.PREFECTURE, UnitLevel.PROVINCE):
            management = ManagementLevel.OTHER

        return management

    def _plant_missing_assessment(self, cadre: Row, slot: Slot, status: str) -> int | None:
        """Once: a cadre whose last 年度考核 result is not entered yet (planted)."""
        if "missing_assessment" in self.planted or slot.rank or status != CadreStatus.ACTIVE:
            return None
        year = assessment_year_due(self.today, "03-31")  # the rule's default due day
        if cadre.work_start_date.year >= year:
            return None
        self.planted["missing_assessment"].append(cadre.id)
        return year

    def _plant_avoidance(self, cadre: Row, slot: Slot, chunk: Chunk) -> None:
        """Once: a 乡镇 head and a cadre of the same 乡镇 who are married (任职回避, planted).
        Each records the other as spouse, by name and birth date as the generator records
        every relative; the head's row is changed while its chunk is not yet stored."""
        unit = slot.unit
        if slot.rank:
            if slot.head:
                self.heads.setdefault(unit.node.id, cadre)
            return
        head = self.heads.get(unit.node.id)
        if (
            "avoidance" in self.planted
            or head is None
            or unit.node.kind not in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)
            or head.sex == cadre.sex
            or abs((head.birth_date - cadre.birth_date).days) > 8 * 365
        ):
            return
        spouses = {
            f.cadre_id: f
            for f in chunk.family
            if f.cadre_id in (head.id, cadre.id) and f.relation in ("妻子", "丈夫")
        }
        if len(spouses) < 2:
            return
        for me, other in ((cadre, head), (head, cadre)):
            row = spouses[me.id]
            row.name, row.birth_date = other.name, other.birth_date
            row.political_status = {"01": "中共党员", "02": "中共预备党员"}.get(
                other.political_status, "群众"
            )
            row.work_unit_post = f"{unit.short}{other.current_title}"
        self.planted["avoidance"].extend([head.id, cadre.id])

    def _education(
        self,
        kind: str,
        level: str,
        degree: str,
        school: str,
        major: str,
        start_year: int,
        end_year: int,
    ) -> Row:
        return EducationRow(
            kind=kind,
            education_level=level,
            degree=degree,
            school=school,
            major=major,
            start_date=dt.date(start_year, 9, 1),
            end_date=dt.date(end_year, 7, 1),
        )

    def _in_service(self, educations: list[Row], work_start: dt.date, end: dt.date) -> Row | None:
        rng = self.rng
        first = work_start.year + 2
        last = min(end.year, self.today.year) - 4
        if last < first:
            return None
        start = rng.randint(first, last)
        best = min((e.education_level for e in educations), key=_education_rank)
        province_school = "河北省委党校"
        if best in ("31", "35"):
            if rng.random() < 0.5:
                return self._education(
                    EducationKind.IN_SERVICE,
                    "23",
                    "",
                    province_school,
                    f"{rng.choice(PARTY_SCHOOL_MAJORS)}专业",
                    start,
                    start + 3,
                )
            return self._education(
                EducationKind.IN_SERVICE,
                "21",
                "412",
                "国家开放大学",
                "行政管理专业",
                start,
                start + 3,
            )
        roll = rng.random()
        if roll < 0.5:
            return self._education(
                EducationKind.IN_SERVICE,
                "1B",
                "",
                province_school,
                f"{rng.choice(PARTY_SCHOOL_MAJORS)}专业",
                start,
                start + 3,
            )
        if roll < 0.6:
            return self._education(
                EducationKind.IN_SERVICE,
                "1A",
                "",
                "中央党校",
                f"{rng.choice(PARTY_SCHOOL_MAJORS)}专业",
                start,
                start + 3,
            )
        if roll < 0.95:
            return self._education(
                EducationKind.IN_SERVICE,
                "11",
                "349",
                rng.choice(UNIVERSITIES),
                "公共管理专业",
                start,
                start + 3,
            )
        return self._education(
            EducationKind.IN_SERVICE,
            "11",
            rng.choice(("202", "203", "212")),
            rng.choice(UNIVERSITIES[:12]),
            "经济管理专业",
            start,
            start + 3,
        )

    def _concurrent(self, slot: Slot, main: Row) -> Row | None:
        """Sometimes a second open post: 党组书记 of one's bureau, 驻村第一书记 …"""
        rng, unit = self.rng, slot.unit
        kind = unit.node.kind
        title, where, rank = "", unit, main.rank_level
        start = main.start_date
        if slot.head and kind == UnitKind.GOV_DEPT and rng.random() < 0.5:
            title = "党组书记"
        elif slot.rank == "142" and kind == UnitKind.TOWNSHIP and rng.random() < 0.2:
            if main.title not in ("党委委员", "党委副书记"):
                title = "党委委员"
        elif slot.rank == "132" and kind == UnitKind.DISCIPLINE and rng.random() < 0.5:
            title = "监委副主任"
        elif (
            slot.rank in ("", "142")
            and kind in (UnitKind.TOWNSHIP, UnitKind.GOV_DEPT, UnitKind.PARTY_DEPT)
            and rng.random() < 0.05
        ):
            town = unit if kind == UnitKind.TOWNSHIP else None
            if town is None:
                towns = [u for u in self._pool("141", unit.node.region_code) if u.villages]
                town = rng.choice(towns) if towns else None
            if town is not None and town.villages:
                where = self.info[rng.choice(town.villages).id]
                title, rank = "驻村第一书记", ""
                days = max(0, (self.today - start).days - 1)
                start = start + dt.timedelta(days=rng.randint(0, days))
        if not title:
            return None
        return PositionRow(
            cadre_id=main.cadre_id,
            unit_id=where.node.id,
            unit_name=where.short,
            title=title,
            rank_level=rank,
            grade="" if rank else main.grade,
            is_leading=bool(rank),
            is_head=main.is_head if rank else False,
            is_primary=False,
            start_date=start,
            end_date=None,
            appointment_doc=f"{unit.abbr}组任〔{start.year}〕{rng.randint(1, 160)}号",
            method=AppointmentMethod.APPOINTED,
            order=1,
        )

    def _assessments(
        self, cadre: Row, work_start: dt.date, end: dt.date, chunk: Chunk, skip: int | None
    ) -> None:
        rng = self.rng
        last_year = min(end.year, self.today.year) - 1
        for year in range(last_year - rng.randint(2, 4), last_year + 1):
            if year < work_start.year or year == skip:
                continue
            if year == work_start.year:
                grade = AssessmentGrade.UNGRADED
            else:
                roll = rng.random()
                grade = (
                    AssessmentGrade.EXCELLENT
                    if roll < 0.15
                    else AssessmentGrade.BASIC
                    if roll > 0.99
                    else AssessmentGrade.COMPETENT
                )
            chunk.assessments.append(
                AssessmentRow(id=self.ids.assessment, cadre_id=cadre.id, year=year, grade=grade)
            )
            self.ids.assessment += 1

    def _rewards(
        self, cadre: Row, unit: UnitInfo, work_start: dt.date, end: dt.date, chunk: Chunk
    ) -> None:
        rng = self.rng
        count = 0 if rng.random() > 0.09 else 1 if rng.random() < 0.85 else 2
        span = (end - work_start).days
        for _ in range(count):
            name, issuer, doc = rng.choice(REWARDS)
            if name == "优秀共产党员" and cadre.political_status != "01":
                name = "嘉奖"
            day = work_start + dt.timedelta(days=rng.randint(0, max(0, span - 1)))
            chunk.records.append(
                RecordRow(
                    id=self.ids.record,
                    cadre_id=cadre.id,
                    kind=RecordKind.REWARD,
                    name=name,
                    date=day,
                    issuer=issuer.format(a=unit.area),
                    doc_no=doc.format(b=unit.abbr, y=day.year, n=rng.randint(1, 90)),
                )
            )
            self.ids.record += 1

    def _family(self, cadre: Row, unit: UnitInfo, chunk: Chunk) -> None:
        rng, today = self.rng, self.today
        birth = cadre.birth_date
        age = (today - birth).days / 365.25
        male = cadre.sex == "1"
        surname = cadre.name[0] if "·" not in cadre.name else None
        members: list[tuple[str, str, dt.date, str, str, bool]] = []

        def day_near(year: int) -> dt.date:
            return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))

        married = age >= 26 and rng.random() < 0.92
        spouse_surname = self.surname()
        if married:
            spouse_birth = day_near(birth.year + rng.randint(-2, 4) * (1 if male else -1))
            members.append(
                (
                    "妻子" if male else "丈夫",
                    self.person_name("2" if male else "1", "01", spouse_surname),
                    spouse_birth,
                    "中共党员" if rng.random() < 0.45 else "群众",
                    rng.choice(SPOUSE_JOBS).format(a=unit.area),
                    False,
                )
            )
            children = 0 if age < 29 else rng.choice((1, 1, 1, 2, 2))
            child_surname = (surname if male else spouse_surname) or self.surname()
            for k in range(children):
                born = day_near(birth.year + rng.randint(25, 33) + 3 * k)
                if born >= today:
                    continue
                sex = rng.choice(("1", "2"))
                child_age = (today - born).days / 365.25
                if child_age < 6:
                    job, political = "学龄前", "群众"
                elif child_age < 12:
                    job, political = f"{unit.area}实验小学学生", "群众"
                elif child_age < 18:
                    job, political = f"{unit.area}第一中学学生", "共青团员"
                elif child_age < 23:
                    job, political = f"{rng.choice(UNIVERSITIES_FOR_CHILDREN)}学生", "共青团员"
                else:
                    job = rng.choice(ADULT_CHILD_JOBS).format(a=unit.area)
                    political = "中共党员" if rng.random() < 0.3 else "群众"
                members.append(
                    (
                        "儿子" if sex == "1" else "女儿",
                        self.person_name(sex, "01", child_surname),
                        born,
                        political,
                        job,
                        False,
                    )
                )
        for relation, sex in (("父亲", "1"), ("母亲", "2")):
            born = day_near(birth.year - rng.randint(22, 34))
            parent_age = (today - born).days / 365.25
            odds = 0.6 if parent_age >= 85 else 0.3 if parent_age >= 75 else 0.08
            dead = rng.random() < odds
            members.append(
                (
                    relation,
                    self.person_name(sex, "01", surname if relation == "父亲" else None),
                    born,
                    "中共党员" if rng.random() < 0.3 else "群众",
                    "已去世" if dead else rng.choice(PARENT_JOBS),
                    dead,
                )
            )
        if len(members) < 3:
            sibling_born = day_near(birth.year + rng.choice((-4, -3, -2, 2, 3, 4)))
            if sibling_born < today:
                older = sibling_born < birth
                sex = rng.choice(("1", "2"))
                relation = {("1", True): "哥哥", ("1", False): "弟弟"}.get(
                    (sex, older), "姐姐" if older else "妹妹"
                )
                members.append(
                    (
                        relation,
                        self.person_name(sex, "01", surname),
                        sibling_born,
                        "群众",
                        rng.choice(SPOUSE_JOBS).format(a=unit.area),
                        False,
                    )
                )
        for order, (relation, name, born, political, job, dead) in enumerate(members):
            chunk.family.append(
                FamilyRow(
                    id=self.ids.family,
                    cadre_id=cadre.id,
                    order=order,
                    relation=relation,
                    name=name,
                    birth_date=born,
                    political_status=political,
                    work_unit_post=job,
                    is_deceased=dead,
                )
            )
            self.ids.family += 1

    # -- the 张卫东 of the sample LRMX file, with a photo

    def showcase_units(self) -> tuple[UnitInfo, UnitInfo] | None:
        """The first 镇 and the first 街道: where 张卫东 worked and works."""
        towns = [i for i in self.info.values() if i.node.kind == UnitKind.TOWNSHIP]
        streets = [i for i in self.info.values() if i.node.kind == UnitKind.SUBDISTRICT]
        if not towns or not streets:
            return None
        return next((t for t in towns if t.node.name.endswith("镇")), towns[0]), streets[0]

    def showcase(self, chunk: Chunk) -> Row | None:
        units = self.showcase_units()
        if units is None:
            return None
        town, street = units
        number = parse_id_number(SHOWCASE_ID)
        cadre_id = self.ids.cadre
        self.ids.cadre += 1
        d = dt.date
        posts = [
            (town, "政府科员", "", "11", d(2000, 7, 10), d(2004, 3, 18)),
            (town, "党委委员、组织委员", "142", "", d(2004, 3, 18), d(2009, 6, 22)),
            (town, f"党委副书记、{town.heads[1]}", "142", "", d(2009, 6, 22), d(2014, 3, 14)),
            (town, "党委书记", "141", "", d(2014, 3, 14), d(2019, 1, 8)),
            (street, "党工委书记", "141", "", d(2019, 1, 8), None),
        ]
        positions = []
        for i, (where, title, rank, grade, start, stop) in enumerate(posts):
            positions.append(
                PositionRow(
                    id=self.ids.position + i,
                    cadre_id=cadre_id,
                    unit_id=where.node.id,
                    unit_name=where.short,
                    title=title,
                    rank_level=rank,
                    grade=grade,
                    is_leading=bool(rank),
                    is_head=rank.endswith("1"),
                    is_primary=True,
                    order=0,
                    start_date=start,
                    end_date=stop,
                    appointment_doc=f"{where.abbr}组任〔{start.year}〕{11 + 3 * i}号"
                    if rank
                    else "",
                    method=AppointmentMethod.APPOINTED if rank else AppointmentMethod.EXAMINED,
                    end_reason="" if stop is None else "工作需要",
                )
            )
        self.ids.position += len(positions)
        educations = [
            EducationRow(
                id=self.ids.education,
                cadre_id=cadre_id,
                kind=EducationKind.FULL_TIME,
                education_level="21",
                degree="402",
                school="湖南大学",
                major="经济系国民经济管理专业",
                start_date=d(1996, 9, 1),
                end_date=d(2000, 7, 1),
            ),
            EducationRow(
                id=self.ids.education + 1,
                cadre_id=cadre_id,
                kind=EducationKind.IN_SERVICE,
                education_level="1B",
                school="湖南省委党校",
                major="经济管理专业",
                start_date=d(2010, 9, 1),
                end_date=d(2013, 7, 1),
            ),
        ]
        self.ids.education += 2
        cadre = CadreRow(
            id=cadre_id,
            name="张卫东",
            name_initials=self.initials("张卫东"),
            sex=number.sex_code,
            birth_date=number.birth_date,
            ethnicity="15",
            native_place="湖南吉首",
            birthplace="湖南吉首",
            id_number=number,
            id_digest=id_number_digest(number),
            political_status="01",
            party_join_date=d(2000, 6, 1),
            work_start_date=d(2000, 7, 10),
            health="健康",
            professional_title="经济师",
            expertise="熟悉农村经济和基层党建工作",
            management_level=ManagementLevel.COUNTY,
            status=CadreStatus.ACTIVE,
            unit_id=street.node.id,
            unit_path=street.node.path,
            sort_order=0,
            resume_extra="（其间：2010.09--2013.07  在湖南省委党校经济管理专业在职研究生学习）",
            **self.cadre_defaults,
        )
        derive(cadre, positions, educations)
        chunk.cadres.append(cadre)
        chunk.positions.extend(positions)
        chunk.educations.extend(educations)
        for year, grade in (
            (self.today.year - 3, AssessmentGrade.COMPETENT),
            (self.today.year - 2, AssessmentGrade.COMPETENT),
            (self.today.year - 1, AssessmentGrade.EXCELLENT),
        ):
            chunk.assessments.append(
                AssessmentRow(id=self.ids.assessment, cadre_id=cadre_id, year=year, grade=grade)
            )
            self.ids.assessment += 1
        for order, (relation, name, born, political, job, dead) in enumerate(
            (
                ("妻子", "王丽", d(1980, 5, 1), "中共党员", f"{town.area}第一中学教师", False),
                ("女儿", "张思雨", d(2006, 9, 1), "共青团员", "湖南师范大学学生", False),
                ("父亲", "张国强", d(1951, 2, 1), "中共党员", f"{town.short}退休干部", False),
                ("母亲", "田秀英", d(1953, 5, 1), "群众", "已去世", True),
            )
        ):
            chunk.family.append(
                FamilyRow(
                    id=self.ids.family,
                    cadre_id=cadre_id,
                    order=order,
                    relation=relation,
                    name=name,
                    birth_date=born,
                    political_status=political,
                    work_unit_post=job,
                    is_deceased=dead,
                )
            )
            self.ids.family += 1
        jpeg, width, height = read_photo(showcase_photo())
        chunk.photos.append(
            PhotoRow(
                id=self.ids.photo,
                cadre_id=cadre_id,
                data=jpeg,
                width=width,
                height=height,
                sha256=hashlib.sha256(jpeg).hexdigest(),
                updated_at=self.cadre_defaults["updated_at"],
            )
        )
        self.ids.photo += 1
        return cadre

    def _skip_showcase_slot(self, slots: list[Slot]) -> list[Slot]:
        # The showcase holds its subdistrict's 党工委书记 post: leave that slot out.
        units = self.showcase_units()
        if units is None:
            return slots
        for i, slot in enumerate(slots):
            if slot.unit is units[1] and slot.title == "党工委书记":
                return slots[:i] + slots[i + 1 :]
        return slots[:-1]  # the post was vacant: one cadre fewer keeps the total

    def chunks(self, size: int = CHUNK) -> Iterator[Chunk]:
        """The showcase first, then every planned cadre, ``size`` cadres at a time."""
        slots = self._skip_showcase_slot(self.plan())
        chunk = Chunk()
        self.showcase(chunk)
        for slot in slots:
            self.build_cadre(slot, chunk)
            if len(chunk.cadres) >= size:
                yield chunk
                chunk = Chunk()
        if chunk.cadres:
            yield chunk


# --------------------------------------------------------------------- insertion


def region_codes() -> list[tuple[str, str]]:
    return list(Code.objects.filter(table=CodeTable.REGION).values_list("code", "name"))


_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


class TableWriter:
    """Writes ``Row``s of one model: COPY on PostgreSQL, multi-row INSERTs elsewhere.

    Values go through the field's own ``get_db_prep_save`` (encryption of ID numbers, JSON,
    dates on SQLite) unless the driver takes the Python value as it is.
    """

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        fields = list(model._meta.concrete_fields)
        self.table = model._meta.db_table
        self.columns = [str(f.column) for f in fields]
        self.attnames = [f.attname for f in fields]
        self.defaults = [_field_defaults(model)[f.attname] for f in fields]
        self.postgres = connection.vendor == "postgresql"
        plain = (*_PLAIN_FIELDS, models.DateField) if self.postgres else _PLAIN_FIELDS
        self.prepare: list[Callable[[Any], Any] | None] = []
        for f in fields:
            if isinstance(f, EncryptedIdNumberField | models.JSONField) or not isinstance(f, plain):
                self.prepare.append(partial(_prep_save, f))
            else:
                self.prepare.append(None)

    def tuples(self, rows: Sequence[Row]) -> Iterator[tuple[Any, ...]]:
        defaults = dict(zip(self.attnames, self.defaults, strict=True))
        pick = itemgetter(*self.attnames)
        prepared = [(i, prep) for i, prep in enumerate(self.prepare) if prep is not None]
        for row in rows:
            values = pick({**defaults, **row.__dict__})
            if prepared:
                values = list(values)
                for i, prep in prepared:
                    values[i] = prep(values[i])
                values = tuple(values)
            yield values

    def write(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                    for values in self.tuples(rows):
                        copy.write_row(values)
                return
            marks = ", ".join(["%s"] * len(self.columns))
            # Table and column names come from the model's meta, quoted; values are parameters.
            sql = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608
            for batch in _batched(list(self.tuples(rows)), BATCH):
                cursor.executemany(sql, batch)


def _prep_save(f: models.Field, value: Any) -> Any:
    return f.get_db_prep_save(value, connection)


def _insert(chunk: Chunk, tier: str, summary: CadreSummary) -> None:
    for model, rows in (
        (Cadre, chunk.cadres),
        (Position, chunk.positions),
        (Education, chunk.educations),
        (Assessment, chunk.assessments),
        (RewardPunishment, chunk.records),
        (FamilyMember, chunk.family),
        (CadrePhoto, chunk.photos),
    ):
        TableWriter(model).write(rows)
    events = [
        PendingEvent(
            action=AuditAction.CREATE,
            object_type="cadres.Cadre",
            object_id=str(c.id),
            object_repr=c.name,
            changes={"after": {"unit": c.unit_id, "source": f"seed_demo {tier}"}},
        )
        for c in chunk.cadres
    ]
    summary.audit_events += len(audit_record_many(events))
    summary.cadres += len(chunk.cadres)
    summary.positions += len(chunk.positions)
    summary.educations += len(chunk.educations)
    summary.assessments += len(chunk.assessments)
    summary.records += len(chunk.records)
    summary.family += len(chunk.family)
    summary.photos += len(chunk.photos)


CADRE_MODELS: tuple[type[Model], ...] = (
    Cadre,
    Position,
    Education,
    Assessment,
    RewardPunishment,
    FamilyMember,
    CadrePhoto,
)
CADRE_TABLES = tuple(m._meta.db_table for m in CADRE_MODELS)


def seed_cadres(
    *,
    tier: str,
    seed: int,
    nodes: list[Node],
    scale: float = 1.0,
    progress: Callable[[str], None] = print,
) -> CadreSummary:
    """Generate and insert the cadres of ``tier``; call inside the seed's transaction,
    after the units (``nodes`` with their ids and paths) are stored."""
    generator = CadreGenerator(
        tier=tier,
        seed=seed,
        nodes=nodes,
        today=timezone.localdate(),
        regions=region_codes(),
        scale=scale,
        ids=Ids.from_database(),
    )
    summary = CadreSummary()
    step = max(CHUNK * 10, 1)
    reported = 0
    for chunk in generator.chunks():
        _insert(chunk, tier, summary)
        if summary.cadres - reported >= step:
            reported = summary.cadres
            progress(f"干部：已生成 {summary.cadres} 人")
    summary.planted = {rule: list(ids) for rule, ids in generator.planted.items()}
    statements = connection.ops.sequence_reset_sql(no_style(), list(CADRE_MODELS))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    progress(
        f"干部：{summary.cadres} 人，任职 {summary.positions} 条，学历 {summary.educations} 条，"
        f"考核 {summary.assessments} 条，奖惩 {summary.records} 条，家庭成员 {summary.family} 人"
    )
    return summary

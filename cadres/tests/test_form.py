"""cadres.form: the 任免审批表 values of a record, and the small text helpers (docs/lrmx.md)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from cadres import services
from cadres.choices import DECEASED_WORDS
from cadres.form import (
    ELEMENTS,
    TEXT_ELEMENTS,
    WRITER_VERSION,
    ApprovalForm,
    FamilyItem,
    age_text,
    assessment_text,
    dotted,
    family_age,
    form_from_cadre,
    month_of,
    party_text,
    yyyymm,
)
from cadres.models import Cadre
from cadres.services import CadreData
from core.idnumber import build_id_number
from zugong.testing import PersonaTestCase

ID_M = build_id_number("130101", dt.date(1978, 3, 15), 123).value
ID_M2 = build_id_number("130102", dt.date(1978, 3, 2), 457).value


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 150), (10, 120, 200)).save(out, "JPEG", quality=70)
    return out.getvalue()


# ---------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    ("birth", "at", "age"),
    [
        ("197803", "202611", "48"),
        ("197812", "202611", "47"),
        ("197811", "202611", "48"),  # the birthday month counts
        ("19781130", "20261101", "48"),  # days are ignored: ages are by month
        ("19780315", "202611", "48"),
        ("1978.03", "2026.11", "48"),
        ("197803", "197803", "0"),
        ("197803", "197802", ""),  # before birth
        ("", "202611", ""),
        ("197803", "", ""),
        ("1978", "202611", ""),
        ("197813", "202611", ""),
        ("民建", "202611", ""),
    ],
)
def test_age_text(birth, at, age):
    assert age_text(birth, at) == age


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("197204", "1972.04"),
        ("19720415", "1972.04"),
        (" 197204 ", "1972.04"),
        ("1972.04", "1972.04"),
        ("民建", "民建"),
        ("200108；民建", "200108；民建"),
        ("1972", "1972"),
        ("", ""),
    ],
)
def test_dotted(text, expected):
    assert dotted(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("197204", dt.date(1972, 4, 1)),
        ("19720415", dt.date(1972, 4, 1)),
        ("1972.04", dt.date(1972, 4, 1)),
        ("1972-04-15", dt.date(1972, 4, 1)),
        (" 202611 ", dt.date(2026, 11, 1)),
        ("197213", None),
        ("197200", None),
        ("179912", None),
        ("1972", None),
        ("1972年4月", None),
        ("", None),
    ],
)
def test_month_of(text, expected):
    assert month_of(text) == expected


def test_family_age_is_empty_for_the_deceased():
    assert family_age(FamilyItem(ChuShengRiQi="195001", GongZuoDanWeiJiZhiWu="农民"), "202611") == (
        "76"
    )
    for word in DECEASED_WORDS:
        item = FamilyItem(ChuShengRiQi="195001", GongZuoDanWeiJiZhiWu=f"原县农机厂工人（{word}）")
        assert family_age(item, "202611") == ""
    assert family_age(FamilyItem(ChuShengRiQi="", GongZuoDanWeiJiZhiWu="农民"), "202611") == ""


def test_the_element_list_is_in_file_order_and_complete():
    names = [element for element, _ in ELEMENTS]
    assert names[0] == "XingMing"
    assert names[-1] == "Version"
    assert names.index("JianLi") < names.index("JiaTingChengYuan") < names.index("ZhaoPian")
    assert len(names) == len(set(names)) == 34
    assert "JiaTingChengYuan" not in TEXT_ELEMENTS
    assert "ZhaoPian" not in TEXT_ELEMENTS
    assert ApprovalForm().get("XingMing") == ""


# ---------------------------------------------------------------- from a record


class FormFromCadreTests(PersonaTestCase):
    def import_cadre(
        self, family_size: int = 2, id_number: str = ID_M, photo: bytes | None = b"jpeg"
    ) -> Cadre:
        family = [
            {
                "order": 0,
                "relation": "妻子",
                "name": "李红",
                "birth_date": dt.date(1980, 1, 1),
                "political_status": "中共党员",
                "work_unit_post": "甲镇中学教师",
            },
            {
                "order": 1,
                "relation": "父亲",
                "name": "张大山",
                "birth_date": dt.date(1950, 1, 1),
                "political_status": "群众",
                "work_unit_post": "已去世",
            },
        ]
        for i in range(2, family_size):
            family.append(
                {"order": i, "relation": "其他", "name": f"亲属{i}", "work_unit_post": "农民"}
            )
        family = family[:family_size]
        data = CadreData(
            fields={
                "name": "张卫东",
                "id_number": id_number,
                "birth_date": dt.date(1978, 3, 1),
                "ethnicity": "01",
                "native_place": "河北石家庄",
                "birthplace": "河北正定",
                "political_status": "01",
                "party_join_date": dt.date(2001, 8, 20),
                "other_parties": "民建",
                "work_start_date": dt.date(2000, 7, 1),
                "professional_title": "高级经济师",
                "expertise": "经济管理",
            },
            educations=[
                {
                    "kind": "full_time",
                    "education_level": "21",
                    "degree": "408",
                    "school": "河北大学",
                    "major": "土木工程专业",
                    "start_date": dt.date(1996, 9, 1),
                    "end_date": dt.date(2000, 7, 1),
                },
                {
                    "kind": "in_service",
                    "education_level": "11",
                    "degree": "302",
                    "school": "中央党校",
                    "major": "经济管理专业",
                    "start_date": dt.date(2005, 9, 1),
                    "end_date": dt.date(2008, 7, 1),
                },
            ],
            positions=[
                {
                    "unit": self.units["a"],
                    "title": "党委书记",
                    "rank_level": "141",
                    "start_date": dt.date(2016, 6, 1),
                },
                {
                    "unit": self.units["a"],
                    "title": "人大主席",
                    "rank_level": "141",
                    "start_date": dt.date(2017, 1, 1),
                },
            ],
            assessments=[
                {"year": 2024, "grade": "excellent"},
                {"year": 2023, "grade": "competent"},
                {"year": 2022, "grade": "basic"},
            ],
            records=[
                {
                    "kind": "reward",
                    "name": "优秀共产党员",
                    "date": dt.date(2019, 5, 1),
                    "issuer": "县委",
                },
                {
                    "kind": "punishment",
                    "name": "诫勉",
                    "date": dt.date(2021, 3, 1),
                    "issuer": "县纪委",
                },
            ],
            family=family,
            photo=jpeg_bytes() if photo == b"jpeg" else photo,
            lrmx_extra={
                "values": {
                    "ChengBaoDanWei": "中共测试县委组织部",
                    "XianRenZhiWu": "文件里的旧职务",  # the record's own value wins
                    "TianBiaoRen": "王五",
                },
                "unknown": [["CanJiaGongZuoShiJian", "DaoLingNianYue", "<DaoLingNianYue/>"]],
            },
        )
        cadre, outcome = services.cadre_import(
            acting_user=self.clerk, unit=self.units["a"], data=data
        )
        assert outcome == "created"
        return cadre

    def fetch(self, cadre: Cadre) -> Cadre:
        return (
            Cadre.objects.prefetch_related("educations", "family", "assessments", "records")
            .select_related("photo")
            .get(pk=cadre.pk)
        )

    def test_values_of_a_fully_populated_cadre(self):
        cadre = self.fetch(self.import_cadre())
        form = form_from_cadre(cadre, NiRenZhiWu="乙镇党委书记", NiMianZhiWu=None)
        this_month = yyyymm(dt.date.today())
        assert form.values == {
            "XingMing": "张卫东",
            "XingBie": "男",
            "ChuShengNianYue": "197803",
            "MinZu": "汉族",
            "JiGuan": "河北石家庄",
            "ChuShengDi": "河北正定",
            "RuDangShiJian": "200108；民建",
            "CanJiaGongZuoShiJian": "200007",
            "JianKangZhuangKuang": "健康",
            "ZhuanYeJiShuZhiWu": "高级经济师",
            "ShuXiZhuanYeYouHeZhuanChang": "经济管理",
            "QuanRiZhiJiaoYu_XueLi": "大学",
            "QuanRiZhiJiaoYu_XueWei": "工学学士",
            "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "河北大学土木工程专业",
            "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "河北大学土木工程专业",
            "ZaiZhiJiaoYu_XueLi": "研究生",
            "ZaiZhiJiaoYu_XueWei": "经济学硕士",
            "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "中央党校经济管理专业",
            "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "中央党校经济管理专业",
            "XianRenZhiWu": "甲镇党委书记、人大主席",
            "NiRenZhiWu": "乙镇党委书记",
            "JianLi": (
                "1996.09--2000.07  河北大学土木工程专业学习\n"
                "2016.06--         甲镇党委书记\n"
                "2017.01--         甲镇人大主席"
            ),
            "JiangChengQingKuang": "2019.05县委优秀共产党员；2021.03受到县纪委诫勉。",
            "NianDuKaoHeJieGuo": "2023年度考核称职；2024年度考核优秀。",
            "ChengBaoDanWei": "中共测试县委组织部",
            "TianBiaoRen": "王五",
            "JiSuanNianLingShiJian": this_month,
            "TianBiaoShiJian": this_month,
            "ShenFenZheng": ID_M,
            "Version": WRITER_VERSION,
        }
        assert form.family == [
            FamilyItem("妻子", "李红", "198001", "中共党员", "甲镇中学教师"),
            FamilyItem("父亲", "张大山", "195001", "群众", "已去世"),
        ]
        assert form.photo == jpeg_bytes()
        assert form.unknown == [("CanJiaGongZuoShiJian", "DaoLingNianYue", "<DaoLingNianYue/>")]
        assert family_age(form.family[0], "202611") == "46"
        assert family_age(form.family[1], "202611") == ""

    def test_an_empty_record_prints_no_rewards_as_wu(self):
        cadre = services.cadre_create(
            acting_user=self.clerk,
            unit=self.units["a"],
            name="李四",
            sex="2",
            birth_date=dt.date(1990, 5, 1),
        )
        form = form_from_cadre(self.fetch(cadre))
        assert form.get("XingBie") == "女"
        assert form.get("JiangChengQingKuang") == "无"
        assert form.get("NianDuKaoHeJieGuo") == ""
        assert form.get("RuDangShiJian") == ""
        assert form.get("ShenFenZheng") == ""
        assert form.get("QuanRiZhiJiaoYu_XueLi") == ""
        assert form.family == []
        assert form.photo == b""
        # The table's own text wins over the records.
        services.cadre_update(acting_user=self.clerk, cadre=cadre, rewards_text="2020年获县级表彰")
        assert form_from_cadre(self.fetch(cadre)).get("JiangChengQingKuang") == "2020年获县级表彰"

    def test_assessment_and_party_text(self):
        cadre = self.fetch(self.import_cadre())
        assert assessment_text(cadre) == "2023年度考核称职；2024年度考核优秀。"
        assert assessment_text(cadre, years=3) == (
            "2022年度考核基本称职；2023年度考核称职；2024年度考核优秀。"
        )
        assert party_text(cadre) == "200108；民建"
        cadre.other_parties = "民建；九三"
        assert party_text(cadre) == "200108；民建；九三"
        cadre.party_join_date = None
        assert party_text(cadre) == "民建；九三"
        cadre.other_parties = ""
        assert party_text(cadre) == ""

    def test_a_relative_marked_deceased_prints_no_age(self):
        cadre = self.import_cadre()
        member = services.family_add(
            acting_user=self.clerk,
            cadre=cadre,
            relation="母亲",
            name="王秀兰",
            birth_date=dt.date(1952, 3, 1),
            work_unit_post="县供销社退休职工",
            is_deceased=True,
        )
        assert member.is_deceased
        form = form_from_cadre(self.fetch(cadre))
        [item] = [f for f in form.family if f.XingMing == "王秀兰"]
        assert item.GongZuoDanWeiJiZhiWu == "县供销社退休职工（已去世）"
        assert family_age(item, "202611") == ""

    def measure(self, cadre: Cadre) -> list[str]:
        """The SQL form_from_cadre runs for a prefetched cadre (code tables already read)."""
        form_from_cadre(self.fetch(cadre))  # warm whatever the code-table lookup caches
        fetched = self.fetch(cadre)
        with CaptureQueriesContext(connection) as queries:
            form = form_from_cadre(fetched)
        assert len(form.family) == len(fetched.family.all())
        return [q["sql"] for q in queries.captured_queries]

    def test_query_count_does_not_grow_with_the_family(self):
        small = self.import_cadre(family_size=1)
        big = self.import_cadre(family_size=9, id_number=ID_M2)
        assert self.fetch(big).family.count() == 9
        small_sql, big_sql = self.measure(small), self.measure(big)
        # At most the three code tables (民族, 学历, 学位); every relation is prefetched.
        assert len(small_sql) == len(big_sql) <= 3
        assert not [sql for sql in small_sql + big_sql if "cadres_" in sql]

    def test_query_count_without_a_photo(self):
        cadre = self.import_cadre(photo=None)
        sql = self.measure(cadre)
        assert len(sql) <= 3
        assert not [q for q in sql if "cadres_" in q]
        assert form_from_cadre(self.fetch(cadre)).photo == b""


@pytest.mark.django_db
def test_a_provincial_party_school_course_prints_as_省委党校():
    # Issue 14, item 13: ZB64 1B "省（区、市）委党校研究生" was printed as if it were a name.
    from cadres.form import _education_text
    from core.choices import CodeTable
    from core.selectors import code_map

    names = code_map(table=CodeTable.EDUCATION)
    assert names["1B"] == "省（区、市）委党校研究生"
    assert _education_text("1B", names) == "省委党校研究生"
    assert _education_text("23", names) == "省委党校大学"
    assert _education_text("32", names) == "省委党校大专"
    assert _education_text("1A", names) == "中央党校研究生"
    assert _education_text("21", names) == "大学"
    assert _education_text("99", names) == ""

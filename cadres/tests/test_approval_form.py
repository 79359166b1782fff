"""cadres.approval_form: the printed 干部任免审批表 (docs/lrmx.md, "The printed form").

Real PDFs are rendered and read back with poppler's ``pdftotext`` (content-stream order,
``-raw``) and ``pdftotext -bbox`` for where each word landed. The form content comes from
the shared sample LRMX file, parsed here with ElementTree.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
import random
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from unittest import mock

import pytest
from django.test import SimpleTestCase, override_settings

from cadres import services
from cadres.approval_form import (
    BOTTOM,
    CID_FONT,
    DEFAULT_FONT_PATHS,
    LEFT,
    PAGE_H,
    PAGE_W,
    RIGHT,
    TOP,
    _font,
    _Text,
    font_name,
    render_for_cadres,
    render_forms,
    uncovered_characters,
)
from cadres.form import ApprovalForm, FamilyItem
from cadres.models import Cadre
from zugong.testing import PersonaTestCase

# The sample file of the national format, kept in the repository (docs/lrmx.md).
SAMPLE = Path(__file__).resolve().parent / "data" / "sample-canonical.lrmx"

FRONT_LABELS = (
    "干部任免审批表",
    "姓名",
    "性别",
    "出生年月（岁）",
    "民族",
    "籍贯",
    "出生地",
    "入党时间",
    "参加工作时间",
    "健康状况",
    "专业技术职务",
    "熟悉专业有何专长",
    "学历学位",
    "全日制教育",
    "在职教育",
    "毕业院校系及专业",
    "现任职务",
    "拟任职务",
    "拟免职务",
    "简历",
)
BACK_LABELS = (
    "奖惩情况",
    "年度考核结果",
    "任免理由",
    "家庭主要成员及重要社会关系",
    "称谓",
    "姓名",
    "年龄",
    "政治面貌",
    "工作单位及职务",
    "呈报单位",
    "审批机关意见",
    "行政机关任免意见",
    "（盖章）",
    "填表人：李明",
    "填表时间：2026.11",
)


# ---------------------------------------------------------------- helpers


def _tool(name: str) -> str:
    path = shutil.which(name) or f"/usr/bin/{name}"
    if not os.path.exists(path):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{name} (poppler-utils) is required in CI")
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return path


def pdf_pages(pdf: bytes, tmp: Path) -> list[str]:
    """The text of each page, in content-stream order."""
    source = tmp / "form.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603 (a fixed poppler tool on our own file)
        [_tool("pdftotext"), "-raw", "-enc", "UTF-8", str(source), "-"],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def squash(text: str) -> str:
    """Without any whitespace: labels are letter-spaced and split over lines in print."""
    return re.sub(r"\s+", "", text)


def word_boxes(pdf: bytes, tmp: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xmin, ymin, xmax, ymax, word) in PDF points, origin top left."""
    source = tmp / "boxes.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603 (a fixed poppler tool on our own file)
        [_tool("pdftotext"), "-bbox", "-enc", "UTF-8", str(source), "-"],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    boxes = []
    for page, chunk in enumerate(out.split("<page ")[1:]):
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            chunk,
        ):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            boxes.append((page, x0, y0, x1, y1, html.unescape(m.group(5))))
    return boxes


def sample_form() -> ApprovalForm:
    """The sample LRMX file as an ApprovalForm (parsed by element name)."""
    root = ET.parse(SAMPLE).getroot()  # noqa: S314 (the project's own sample file)
    form = ApprovalForm()
    for element in root:
        if element.tag == "JiaTingChengYuan":
            for item in element:
                fields = {c.tag: c.text or "" for c in item}
                form.family.append(
                    FamilyItem(
                        ChengWei=fields["ChengWei"],
                        XingMing=fields["XingMing"],
                        ChuShengRiQi=fields["ChuShengRiQi"],
                        ZhengZhiMianMao=fields["ZhengZhiMianMao"],
                        GongZuoDanWeiJiZhiWu=fields["GongZuoDanWeiJiZhiWu"],
                    )
                )
        elif element.tag == "ZhaoPian":
            form.photo = base64.b64decode(re.sub(r"\s+", "", element.text or ""))
        else:
            form.values[element.tag] = element.text or ""
    return form


def resume_lines(count: int, length: int = 30) -> str:
    """``count`` strict 简历 lines, each text ``length`` characters and unique."""
    lines = []
    start = dt.date(1980, 1, 1)
    for i in range(count):
        end = dt.date(start.year + (start.month + 5) // 12, (start.month + 5) % 12 + 1, 1)
        text = f"第{i:02d}段" + "某县某乡镇人民政府党政办公室综合股工作人员兼档案管理员"
        text = (text * 3)[:length]
        lines.append(f"{start:%Y.%m}--{end:%Y.%m}  {text}")
        start = end
    return "\n".join(lines)


class RenderCase(SimpleTestCase):
    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path: Path) -> None:
        self.tmp = tmp_path

    def pages(self, pdf: bytes) -> list[str]:
        return pdf_pages(pdf, self.tmp)


# ---------------------------------------------------------------- the sample form


class SampleFormTests(RenderCase):
    def setUp(self) -> None:
        self.form = sample_form()
        self.pdf = render_forms([self.form])

    def test_it_is_a_pdf_of_two_pages(self):
        assert self.pdf.startswith(b"%PDF-")
        assert len(self.pages(self.pdf)) == 2

    def test_it_prints_every_label_on_its_page(self):
        front, back = (squash(p) for p in self.pages(self.pdf))
        for label in FRONT_LABELS:
            assert label in front, label
        for label in BACK_LABELS:
            assert label in back, label

    def test_it_prints_the_values_with_dates_as_year_dot_month(self):
        front, back = (squash(p) for p in self.pages(self.pdf))
        for value in (
            "张卫东",
            "土家族",
            "湖南吉首",
            "1978.03",
            "(48岁)",  # 1978.03 at the 计算年龄时间 2026.11
            "2000.06",
            "2000.07",
            "经济师",
            "熟悉农村经济和基层党建工作",
            "经济学学士",
            "湖南大学经济系国民经济管理专业",
            "省委党校研究生",
            "湖南省委党校经济管理专业",
            "吉首市农业农村局党组书记、局长",
        ):
            assert value in front, value
        assert "197803" not in front
        assert "200006" not in front
        for value in (
            "无",
            "2023年度考核称职；2024年度考核优秀。",
            "工作需要",
            "中共吉首市委组织部",
        ):
            assert value in back, value

    def test_it_prints_every_resume_line_on_the_front_page(self):
        front = squash(self.pages(self.pdf)[0])
        lines = self.form.get("JianLi").splitlines()
        assert len(lines) == 7
        for line in lines:
            assert squash(line) in front, line

    def test_it_hangs_the_resume_text_after_the_date_column(self):
        words = [w for w in word_boxes(self.pdf, self.tmp) if w[0] == 0]
        resume_top = next(w[2] for w in words if w[5] == "1996.09--2000.07")
        words = [w for w in words if w[2] >= resume_top - 1]  # the 简历 cell only

        def x_of(word: str) -> float:
            return next(w[1] for w in words if w[5].startswith(word))

        # Closed and open segments and the （其间：…） note start their text in one column.
        column = x_of("湖南大学经济系")
        assert abs(x_of("吉首市乾州街道党工委书记") - column) < 1
        assert abs(x_of("吉首市马颈坳镇政府科员") - column) < 1
        assert abs(x_of("（其间") - column) < 1
        assert x_of("1996.09--2000.07") < column - 20

    def test_it_prints_the_family_with_ages_at_the_reckoning_month(self):
        back = self.pages(self.pdf)[1]
        rows = {
            line.split()[1]: line.split()
            for line in back.splitlines()
            if line[:2] in ("妻子", "女儿", "父亲", "母亲")
        }
        assert rows["王丽"] == ["妻子", "王丽", "46", "中共党员", "吉首市第一中学教师"]
        assert rows["张思雨"][2] == "20"
        assert rows["张国强"][2] == "75"
        # The deceased mother (born 1953.05) has no age: 73 must not be printed.
        assert rows["田秀英"] == ["母亲", "田秀英", "群众", "已去世"]
        assert "73" not in back

    def test_it_embeds_the_photo_as_the_jpeg_it_is(self):
        assert self.form.photo.startswith(b"\xff\xd8")
        assert b"/DCTDecode" in self.pdf

    def test_it_keeps_every_word_inside_the_page_frame(self):
        for page, x0, y0, x1, y1, word in word_boxes(self.pdf, self.tmp):
            assert x0 >= LEFT - 1, (page, word)
            assert x1 <= PAGE_W - RIGHT + 1, (page, word)
            assert y0 >= TOP - 1, (page, word)
            assert y1 <= PAGE_H - BOTTOM + 1, (page, word)

    @pytest.mark.skipif(not os.path.exists(DEFAULT_FONT_PATHS[0]), reason="no TrueType 宋体")
    def test_it_has_a_glyph_for_every_character_it_prints(self):
        with override_settings(ZUGONG_PDF_FONT=""), mock.patch.dict(os.environ, clear=False):
            os.environ.pop("ZUGONG_PDF_FONT", None)
            text = "".join(self.form.values.values()) + "".join(FRONT_LABELS + BACK_LABELS)
            text += "".join(
                f.XingMing + f.ChengWei + f.GongZuoDanWeiJiZhiWu for f in self.form.family
            )
            text += "阿卜杜热合曼·买买提（其间：）、；。年月日岁"
            assert uncovered_characters(text) == set()


# ---------------------------------------------------------------- content that is large


class LargeContentTests(RenderCase):
    def test_it_keeps_a_batch_in_the_given_order_two_pages_each(self):
        forms = []
        for name in ("王五", "赵六", "孙七"):
            form = sample_form()
            form.values["XingMing"] = name
            forms.append(form)
        pages = self.pages(render_forms(forms))
        assert len(pages) == 6
        for i, name in enumerate(("王五", "赵六", "孙七")):
            assert name in pages[2 * i]
            assert "简历" in squash(pages[2 * i])
            assert "奖惩情况" in squash(pages[2 * i + 1])
            others = {"王五", "赵六", "孙七"} - {name}
            assert not any(other in pages[2 * i] for other in others)

    def test_it_prints_ten_relatives_on_the_back_page(self):
        form = sample_form()
        names = [f"成员{chr(0x7532 + i)}{chr(0x4E59 + i)}" for i in range(10)]
        form.family = [
            FamilyItem("亲属", name, f"19{60 + i}05", "群众", f"某县第{i}单位职工")
            for i, name in enumerate(names)
        ]
        pdf = render_forms([form])
        pages = self.pages(pdf)
        assert len(pages) == 2
        back = pages[1]
        for i, name in enumerate(names):
            line = next(line for line in back.splitlines() if name in line)
            assert str(66 - i) in line.split(), line  # born 1960+i.05, at 2026.11
            assert f"某县第{i}单位职工" in line
        for *_, y1, word in word_boxes(pdf, self.tmp):
            assert y1 <= PAGE_H - BOTTOM + 1, word

    def test_it_keeps_all_forty_resume_lines_on_the_front_page(self):
        form = sample_form()
        form.values["JianLi"] = resume_lines(40, length=32)
        pdf = render_forms([form])
        pages = self.pages(pdf)
        assert len(pages) == 2
        front = squash(pages[0])
        for line in form.get("JianLi").splitlines():
            assert squash(line) in front, line
        for page, _, _, x1, y1, word in word_boxes(pdf, self.tmp):
            assert x1 <= PAGE_W - RIGHT + 1, (page, word)
            assert y1 <= PAGE_H - BOTTOM + 1, (page, word)

    def test_it_continues_a_resume_too_long_for_page_one(self):
        form = sample_form()
        form.values["JianLi"] = resume_lines(90, length=70)
        pages = self.pages(render_forms([form]))
        assert len(pages) >= 3
        assert "简历（续）" in squash(pages[1])
        assert "奖惩情况" in squash(pages[-1])
        body = squash("".join(pages[:-1]))
        for line in form.get("JianLi").splitlines():
            assert squash(line) in body, line

    def test_it_fits_long_values_into_their_cells_without_losing_text(self):
        form = sample_form()
        long_post = (
            "湘西土家族苗族自治州吉首市农业农村局党组书记、局长，市乡村振兴局局长（兼）"
        ) * 9
        form.values["NiRenZhiWu"] = long_post[:324]
        form.values["JiangChengQingKuang"] = ("2019.12被评为全州优秀共产党员；" * 30)[:552]
        form.values["XingMing"] = "阿卜杜热合曼·买买提依明"
        form.family[0].GongZuoDanWeiJiZhiWu = "吉首市第一中学高中部数学教研组组长、高级教师" * 3
        pdf = render_forms([form])
        pages = self.pages(pdf)
        assert len(pages) == 2
        front, back = squash(pages[0]), squash(pages[1])
        assert squash(long_post[:324]) in front
        assert "阿卜杜热合曼·买买提依明" in front
        assert squash(form.get("JiangChengQingKuang")) in back
        assert squash(form.family[0].GongZuoDanWeiJiZhiWu) in back
        for page, x0, _, x1, _, word in word_boxes(pdf, self.tmp):
            assert x0 >= LEFT - 1, (page, word)
            assert x1 <= PAGE_W - RIGHT + 1, (page, word)

    def test_it_prints_an_empty_form_and_an_unreadable_photo(self):
        blank = ApprovalForm()
        broken = sample_form()
        broken.photo = b"\xff\xd8 not really a jpeg"
        pdf = render_forms([blank, broken])
        pages = self.pages(pdf)
        assert len(pages) == 4
        assert "干部任免审批表" in squash(pages[0])
        assert "张卫东" in pages[2]
        assert b"/DCTDecode" not in pdf


# ---------------------------------------------------------------- text wrapping


class WrapTests(SimpleTestCase):
    def test_it_wraps_chinese_by_width_and_loses_nothing(self):
        text = _Text(_font())
        rng = random.Random(7)
        alphabet = "中共吉首市委组织部干部科，。、；（其间）2019.07--ABC "
        for _ in range(300):
            source = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 120)))
            width = rng.uniform(30, 300)
            lines = text.wrap(source, width, 10.5)
            assert squash("".join(lines)) == squash(source)
            for line in lines:
                too_wide = text.width(line, 10.5) > width + 0.01
                assert not too_wide or len(line) == 1 or re.fullmatch(r"[0-9A-Za-z.\-]+", line)

    def test_it_does_not_start_a_line_with_a_closing_mark(self):
        text = _Text(_font())
        one = text.width("中", 10)
        lines = text.wrap("党委委员，组织委员。", one * 4, 10)
        assert all(line[0] not in "，。" for line in lines), lines


# ---------------------------------------------------------------- fonts


class FontTests(RenderCase):
    def test_it_switches_to_the_builtin_cid_font_when_told(self):
        with override_settings(ZUGONG_PDF_FONT=CID_FONT):
            assert font_name() == CID_FONT
            pdf = render_forms([sample_form()])
        assert b"/BaseFont /STSong-Light" in pdf
        pages = self.pages(pdf)
        assert len(pages) == 2
        assert "张卫东" in pages[0]
        assert "(48岁)" in squash(pages[0])

    def test_it_falls_back_when_the_configured_font_is_missing(self):
        with override_settings(ZUGONG_PDF_FONT="/nonexistent/song.ttf"):
            name = font_name()
        expected = CID_FONT if not os.path.exists(DEFAULT_FONT_PATHS[0]) else "ZG-uming-0"
        assert name == expected

    def test_it_reads_the_font_from_the_environment(self):
        with override_settings(ZUGONG_PDF_FONT=""):
            with mock.patch.dict(os.environ, {"ZUGONG_PDF_FONT": CID_FONT}):
                assert font_name() == CID_FONT
            with mock.patch.dict(os.environ, {"ZUGONG_PDF_FONT": ""}):
                default = font_name()
        if os.path.exists(DEFAULT_FONT_PATHS[0]):
            assert default == "ZG-uming-0"
            assert default != CID_FONT


# ---------------------------------------------------------------- from the database


class RenderForCadresTests(PersonaTestCase):
    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path: Path) -> None:
        self.tmp = tmp_path

    def test_it_prints_cadres_from_their_records_in_the_given_order(self):
        first = services.cadre_create(
            acting_user=self.clerk,
            unit=self.units["a"],
            name="李建国",
            sex="1",
            birth_date=dt.date(1975, 6, 1),
            work_start_date=dt.date(1997, 7, 1),
            resume="1997.07--         甲镇政府科员",
            resume_manual=True,
        )
        second = services.cadre_create(
            acting_user=self.clerk,
            unit=self.units["b"],
            name="周秀兰",
            sex="2",
            birth_date=dt.date(1982, 11, 1),
        )
        services.family_add(
            acting_user=self.clerk,
            cadre=first,
            relation="父亲",
            name="李老汉",
            birth_date=dt.date(1950, 1, 1),
            work_unit_post="已去世",
        )
        services.photo_set(acting_user=self.clerk, cadre=first, data=sample_form().photo)
        cadres = list(Cadre.objects.filter(pk__in=[first.pk, second.pk]))
        cadres.sort(key=lambda c: c.pk != second.pk)  # second first
        pdf = render_for_cadres(cadres, NiRenZhiWu="甲镇党委书记")
        pages = pdf_pages(pdf, self.tmp)
        assert len(pages) == 4
        assert "周秀兰" in pages[0]
        assert "李建国" in pages[2]
        assert "甲镇党委书记" in pages[0]
        assert "甲镇党委书记" in pages[2]
        assert "1997.07--甲镇政府科员" in squash(pages[2])
        assert "李老汉" in pages[3]
        assert b"/DCTDecode" in pdf

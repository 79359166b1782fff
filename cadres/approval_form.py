"""The printed 干部任免审批表: A4 PDF in the national layout (docs/lrmx.md, "The printed form").

Each form is a front page (basic data, education, posts, 简历) and a back page (奖惩, 考核,
任免理由, family, 呈报单位, approval boxes). The 简历 shrinks step by step to stay on the
front page and only then continues on an extra "简历（续）" page, so no text is ever cut.

Fonts: a TrueType 宋体-style font when one is available (``ZUGONG_PDF_FONT`` setting or
environment variable, then AR PL UMing), otherwise ReportLab's built-in CID font
``STSong-Light``, which needs no font file, so a missing font never breaks printing.
Characters the TrueType font lacks (rare name characters) fall back to ``STSong-Light``.
"""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import prefetch_related_objects
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from cadres.form import ApprovalForm, age_text, dotted, family_age, form_from_cadre

log = logging.getLogger(__name__)

CID_FONT = "STSong-Light"
DEFAULT_FONT_PATHS = ("/usr/share/fonts/truetype/arphic/uming.ttc",)
TITLE = "干部任免审批表"

# ---------------------------------------------------------------- fonts


@dataclass(frozen=True)
class _Font:
    """The registered font and, for a TrueType font, the characters it has glyphs for."""

    name: str
    glyphs: frozenset[int] | None  # None: the CID font, taken to cover everything


_FONTS: dict[str, _Font] = {}  # by configured value: registration is slow, do it once
_WIDTHS: dict[tuple[str, str], float] = {}  # (font, char) → width at 1 pt


def _configured() -> str:
    return str(
        getattr(settings, "ZUGONG_PDF_FONT", "") or os.environ.get("ZUGONG_PDF_FONT", "")
    ).strip()


def _register_cid() -> _Font:
    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return _Font(CID_FONT, None)


def _register_ttf(path: str) -> _Font | None:
    """``path`` or ``path#N`` (the N-th face of a .ttc collection); None when unusable."""
    index = 0
    if "#" in path:
        path, _, number = path.rpartition("#")
        index = int(number) if number.isdigit() else 0
    if not os.path.isfile(path):
        return None
    name = f"ZG-{os.path.basename(path).rsplit('.', 1)[0]}-{index}"
    try:
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
        font = pdfmetrics.getFont(name)
    except Exception:  # a CFF/OpenType or broken file: printing must still work
        log.warning("无法使用字体文件 %s，改用其他字体", path, exc_info=True)
        return None
    return _Font(name, frozenset(font.face.charToGlyph))


def _font() -> _Font:
    key = _configured()
    cached = _FONTS.get(key)
    if cached is not None:
        return cached
    font: _Font | None = None
    if key == CID_FONT:
        font = _register_cid()
    else:
        for path in (key, *DEFAULT_FONT_PATHS) if key else DEFAULT_FONT_PATHS:
            font = _register_ttf(path)
            if font is not None:
                break
    if font is None:
        font = _register_cid()
    _FONTS[key] = font
    return font


def font_name() -> str:
    """The font the forms are printed in (a registered ReportLab font name)."""
    return _font().name


def uncovered_characters(text: str) -> set[str]:
    """Characters of ``text`` the TrueType font has no glyph for (printed in STSong-Light)."""
    font = _font()
    return {ch for ch in text if not ch.isspace() and _font_of(font, ch) != font.name}


def _font_of(font: _Font, ch: str) -> str:
    if font.glyphs is None or ord(ch) in font.glyphs or ch in " \t":
        return font.name
    _register_cid()
    return CID_FONT


def _unit_width(font: _Font, ch: str) -> float:
    key = (font.name, ch)
    width = _WIDTHS.get(key)
    if width is None:
        width = pdfmetrics.stringWidth(ch, _font_of(font, ch), 1000) / 1000
        _WIDTHS[key] = width
    return width


# ---------------------------------------------------------------- text layout

# Characters a line may not start with / end with (GB/T 15834 line-breaking practice).
_NO_START = set("，。、；：？！）》」』”’〕】％,.;:?!)]%·—…")
_NO_END = set("（《「『“‘〔【([")
_TOKEN = re.compile(r"[0-9A-Za-z.\-/:%]+|.", re.S)
FLOOR_SIZE = 4.0  # below the ~7 pt minimum only to avoid cutting text off
SINGLE_MIN = 9.0  # a short value shrinks on one line to here, then wraps instead


class _Text:
    """Measuring, wrapping and drawing text in the form's font at a given size."""

    def __init__(self, font: _Font) -> None:
        self.font = font

    def width(self, text: str, size: float) -> float:
        return sum(_unit_width(self.font, ch) for ch in text) * size

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Lines no wider than ``width``: by character (Chinese has no spaces), keeping
        numbers and Latin words whole when they fit, and never starting a line with a
        closing mark."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            lines.extend(self._wrap_one(paragraph.rstrip(), width, size))
        return lines

    def _wrap_one(self, text: str, width: float, size: float) -> list[str]:
        if not text:
            return [""]
        limit = width / size
        lines: list[str] = []
        line: list[str] = []
        used = 0.0
        for token in _TOKEN.findall(text):
            w = sum(_unit_width(self.font, ch) for ch in token)
            if used + w <= limit + 1e-6:
                line.append(token)
                used += w
                continue
            pieces = [token] if w <= limit else list(token)
            for piece in pieces:
                pw = sum(_unit_width(self.font, ch) for ch in piece)
                if used + pw <= limit + 1e-6 or not line:
                    line.append(piece)
                    used += pw
                    continue
                carry: list[str] = []
                # Pull the previous character down rather than start with a closing mark
                # (or end with an opening one).
                if (piece[0] in _NO_START or line[-1][-1] in _NO_END) and len(line) > 1:
                    carry.append(line.pop())
                lines.append("".join(line))
                line = [t for t in carry if t.strip()] + ([piece] if piece.strip() else [])
                used = sum(_unit_width(self.font, ch) for t in line for ch in t)
                if used > limit and len(line) > 1:  # the carried token no longer fits
                    lines.append(line.pop(0))
                    used = sum(_unit_width(self.font, ch) for t in line for ch in t)
        lines.append("".join(line))
        return lines

    def fit(
        self,
        text: str,
        width: float,
        height: float,
        size: float,
        minimum: float,
        *,
        leading: float = 1.25,
        single_first: bool = False,
    ) -> tuple[float, list[str]]:
        """The largest size (from ``size`` down, 0.5 pt steps) at which ``text`` fits the
        box. ``single_first``: shrink on one line down to ``SINGLE_MIN`` before wrapping.
        Goes below ``minimum`` rather than cut text off."""
        text = text.strip()
        if not text:
            return size, []
        if single_first and "\n" not in text:
            s = size
            while s >= max(minimum, SINGLE_MIN):
                if self.width(text, s) <= width and s * leading <= height + 0.01:
                    return s, [text]
                s -= 0.5
        s = size
        while True:
            lines = self.wrap(text, width, s)
            if len(lines) * s * leading <= height + 0.01 or s <= FLOOR_SIZE:
                return s, lines
            s = max(FLOOR_SIZE, s - (0.5 if s > minimum else 0.25))

    def draw(self, c: Canvas, x: float, y: float, text: str, size: float, space: float = 0) -> None:
        """Draw one line from ``x`` at baseline ``y``, switching to the CID font for
        characters the main font lacks."""
        runs: list[tuple[str, str]] = []
        for ch in text:
            name = _font_of(self.font, ch)
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + ch)
            else:
                runs.append((name, ch))
        for name, run in runs:
            c.setFont(name, size)
            if space:
                c.drawString(x, y, run, charSpace=space)
            else:
                c.drawString(x, y, run)
            x += self.width(run, size) + space * len(run)


# ---------------------------------------------------------------- page geometry

PAGE_W, PAGE_H = A4
LEFT = RIGHT = 20 * mm
TOP = 18 * mm
BOTTOM = 16 * mm
FRAME_W = PAGE_W - LEFT - RIGHT  # 170 mm
PAD = 1.6 * mm
LABEL_SIZE = 11.0  # 小四/五号 between: what the editor prints
VALUE_SIZE = 11.0
VALUE_LEADING = 1.2
MIN_SIZE = 7.0
RESUME_SIZES = (12.0, 7.0)  # start, minimum
THIN, THICK = 0.5, 1.2

# Front columns (mm): label | value | label | value | label | value | photo.
FRONT_COLS = (20, 24, 20, 24, 23, 25, 34)
# Back: label | 称谓 | 姓名 | 年龄 | 政治面貌 | 工作单位及职务.
BACK_COLS = (20, 16, 22, 13, 22, 77)


def _xs(cols: Sequence[float]) -> list[float]:
    xs = [LEFT]
    for w in cols:
        xs.append(xs[-1] + w * mm)
    return xs


FX = _xs(FRONT_COLS)
BX = _xs(BACK_COLS)


@dataclass(frozen=True)
class _Box:
    x: float
    top: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.top - self.h


class _Page:
    """Drawing helpers for one page: ruled cells with labels and values."""

    def __init__(self, c: Canvas, text: _Text) -> None:
        self.c = c
        self.t = text

    def rule(self, box: _Box) -> None:
        self.c.rect(box.x, box.bottom, box.w, box.h, stroke=1, fill=0)

    def lines(
        self,
        box: _Box,
        lines: Sequence[str],
        size: float,
        *,
        align: str = "center",
        valign: str = "middle",
        leading: float = 1.25,
        justify: bool = False,
        pad: float = PAD,
    ) -> None:
        """Lines in ``box``; ``justify``: spread each line to the widest (分散对齐)."""
        if not lines:
            return
        lead = size * leading
        block = lead * len(lines)
        top = box.top - pad if valign == "top" else box.bottom + box.h / 2 + block / 2
        widest = max(self.t.width(line, size) for line in lines)
        for i, line in enumerate(lines):
            # The em box of a CJK glyph sits ~0.12 em below the baseline: centre that box.
            baseline = top - lead * i - lead / 2 - size * 0.38
            w = self.t.width(line, size)
            space = 0.0
            if justify and len(line) > 1 and widest - w > 0.5:
                space = (widest - w) / (len(line) - 1)
                w = widest
            x = box.x + (box.w - w) / 2 if align == "center" else box.x + pad
            self.t.draw(self.c, x, baseline, line, size, space)

    def label(self, box: _Box, text: str, size: float = LABEL_SIZE) -> None:
        """A printed label, centred; a one-line two-character label is letter-spaced."""
        self.rule(box)
        lines = text.split("\n")
        while size > MIN_SIZE and (
            max(self.t.width(line, size) for line in lines) > box.w - 2 * PAD
            or len(lines) * size * 1.2 > box.h - PAD
        ):
            size -= 0.5
        if len(lines) == 1 and len(text) == 2:
            w = self.t.width(text, size)
            space = min(size, box.w - 2 * PAD - w)
            x = box.x + (box.w - w - space) / 2
            baseline = box.bottom + box.h / 2 - size * 0.38
            self.t.draw(self.c, x, baseline, text, size, space)
            return
        self.lines(box, lines, size, justify=True, leading=1.2)

    def value(
        self,
        box: _Box,
        text: str,
        *,
        align: str = "center",
        valign: str = "middle",
        single_first: bool = True,
        size: float = VALUE_SIZE,
        minimum: float = MIN_SIZE,
    ) -> None:
        """A filled-in value: shrinks, then wraps, to stay inside its cell."""
        self.rule(box)
        w = box.w - 2 * PAD
        h = box.h - 2 * PAD * 0.6
        size, lines = self.t.fit(
            text, w, h, size, minimum, single_first=single_first, leading=VALUE_LEADING
        )
        if len(lines) > 1 and align == "center" and "\n" not in text.strip():
            align = "left"  # wrapped prose reads better left-aligned; explicit lines stay centred
        self.lines(box, lines, size, align=align, valign=valign, pad=PAD, leading=VALUE_LEADING)


# ---------------------------------------------------------------- form values


def _dates(text: str) -> str:
    """``200108；民建`` → ``2001.08；民建``: every date part in the printed style."""
    return "；".join(dotted(part) for part in text.split("；"))


def _education(form: ApprovalForm, prefix: str) -> tuple[str, str]:
    level, degree = form.get(f"{prefix}_XueLi"), form.get(f"{prefix}_XueWei")
    school_level = form.get(f"{prefix}_XueLi_BiYeYuanXiaoXi")
    school_degree = form.get(f"{prefix}_XueWei_BiYeYuanXiaoXi")
    schools = [school_level]
    if school_degree and school_degree != school_level:
        schools.append(school_degree)
    return (
        "\n".join(x for x in (level, degree) if x),
        "\n".join(x for x in schools if x),
    )


# ---------------------------------------------------------------- 简历

_RESUME_DATE = re.compile(
    r"^(\d{4}\s*[.．年/-]?\s*\d{1,2}\s*月?\s*(?:--|——|—|－－|－|～|~|-|至)"
    r"(?:\s*\d{4}\s*[.．年/-]?\s*\d{1,2}\s*月?)?)\s*(.*)$"
)
_DATE_COLUMN = "0000.00--0000.00"


@dataclass(frozen=True)
class _ResumeLine:
    prefix: str  # the date span, drawn in the date column ("" for none)
    text: str
    indent: float  # x offset of the text from the text area's left edge
    first: bool = True  # the first printed line of a source line


def _resume_lines(t: _Text, resume: str, width: float, size: float) -> list[_ResumeLine]:
    """The 简历 as printed lines at ``size``: every source line kept, wrapped lines hang
    under the text column so the dates stand clear."""
    raw = resume.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while raw and not raw[-1].strip():
        raw.pop()
    while raw and not raw[0].strip():
        raw.pop(0)
    gap = size  # one em, whatever the font's space width
    column = t.width(_DATE_COLUMN, size) + gap
    out: list[_ResumeLine] = []
    for line in raw:
        line = line.rstrip()
        match = _RESUME_DATE.match(line.strip())
        if match:
            prefix, body = match.group(1).rstrip(), match.group(2)
            indent = max(column, t.width(prefix, size) + gap)
        elif line[:1].isspace():  # a note under the text, e.g. （其间：…）
            prefix, body, indent = "", line.strip(), column
        else:  # a paragraph of its own (the 党委委员/人大代表 paragraph)
            prefix, body, indent = "", line, 0.0
        indent = min(indent, width / 2)
        wrapped = t.wrap(body, width - indent, size) if body else [""]
        for i, piece in enumerate(wrapped):
            out.append(_ResumeLine(prefix if i == 0 else "", piece, indent, i == 0))
    return out


def _fit_resume(
    t: _Text, resume: str, width: float, height: float
) -> tuple[float, list[_ResumeLine]]:
    """The largest size at which the whole 简历 fits; at the minimum it may not."""
    size, minimum = RESUME_SIZES
    while True:
        lines = _resume_lines(t, resume, width, size)
        if len(lines) * _resume_leading(size) <= height or size <= minimum:
            return size, lines
        size -= 0.5


def _resume_leading(size: float) -> float:
    return size * (1.5 if size >= 10 else 1.35 if size >= 8 else 1.3)


def _draw_resume(
    page: _Page, box: _Box, lines: Sequence[_ResumeLine], size: float
) -> list[_ResumeLine]:
    """Draw as many lines as fit in ``box`` (top-aligned); return the rest."""
    lead = _resume_leading(size)
    x = box.x + 3 * mm
    top = box.top - 3 * mm
    room = max(1, int((box.h - 5 * mm) // lead))
    if room < len(lines):
        # Keep a wrapped segment together on the next page, unless it alone fills a page.
        cut = room
        while cut > 0 and not lines[cut].first:
            cut -= 1
        room = cut or room
    for i, line in enumerate(lines[:room]):
        baseline = top - lead * i - lead / 2 - size * 0.38
        if line.prefix:
            page.t.draw(page.c, x, baseline, line.prefix, size)
        if line.text:
            page.t.draw(page.c, x + line.indent, baseline, line.text, size)
    return list(lines[room:])


# ---------------------------------------------------------------- pages


def _photo(page: _Page, box: _Box, photo: bytes) -> None:
    page.rule(box)
    if not photo:
        return
    try:
        image = ImageReader(io.BytesIO(photo))
        iw, ih = image.getSize()
    except Exception:  # an unreadable photo prints as the empty box
        log.warning("照片无法读取，打印空白照片框", exc_info=True)
        return
    # Fit inside the box with a small margin, keeping the photo's own aspect (4:5).
    room_w, room_h = box.w - 2 * mm, box.h - 2 * mm
    scale = min(room_w / iw, room_h / ih)
    w, h = iw * scale, ih * scale
    page.c.drawImage(image, box.x + (box.w - w) / 2, box.bottom + (box.h - h) / 2, w, h)


def _title(page: _Page, text: str, size: float, baseline: float) -> None:
    """The title, centred and letter-spaced, in a stroked (bold) face: the TrueType 宋体
    has no bold weight, and a stroked outline is how the editor's own print looks."""
    space = size * 0.25
    w = page.t.width(text, size) + space * (len(text) - 1)
    c = page.c
    c.saveState()
    c.setLineWidth(size * 0.03)
    text_obj = c.beginText()
    text_obj.setTextRenderMode(2)
    text_obj.setCharSpace(space)
    x = (PAGE_W - w) / 2
    for ch in text:
        text_obj.setFont(_font_of(page.t.font, ch), size)
        text_obj.setTextOrigin(x, baseline)
        text_obj.textOut(ch)
        x += page.t.width(ch, size) + space
    c.drawText(text_obj)
    c.restoreState()


def _cell(cols: Sequence[float], start: int, end: int, top: float, h: float) -> _Box:
    return _Box(cols[start], top, cols[end] - cols[start], h)


def _front(page: _Page, form: ApprovalForm) -> tuple[list[_ResumeLine], float]:
    """Page 1; returns the 简历 lines that did not fit (for 简历（续） pages) and the size
    they are printed at."""
    c = page.c
    _title(page, TITLE, 22, PAGE_H - TOP - 9 * mm)
    top = PAGE_H - TOP - 16 * mm
    c.setLineWidth(THIN)
    rows = (11 * mm, 11 * mm, 11 * mm, 12.5 * mm)
    age = age_text(form.get("ChuShengNianYue"), form.get("JiSuanNianLingShiJian"))
    birth = dotted(form.get("ChuShengNianYue"))
    grid = (
        (
            ("姓名", form.get("XingMing")),
            ("性别", form.get("XingBie")),
            ("出生年月\n（岁）", f"{birth}\n({age}岁)" if age else birth),
        ),
        (
            ("民族", form.get("MinZu")),
            ("籍贯", form.get("JiGuan")),
            ("出生地", form.get("ChuShengDi")),
        ),
        (
            ("入党\n时间", _dates(form.get("RuDangShiJian"))),
            ("参加工\n作时间", dotted(form.get("CanJiaGongZuoShiJian"))),
            ("健康\n状况", form.get("JianKangZhuangKuang")),
        ),
    )
    y = top
    for row, h in zip(grid, rows, strict=False):
        for i, (label, value) in enumerate(row):
            page.label(_cell(FX, 2 * i, 2 * i + 1, y, h), label)
            page.value(_cell(FX, 2 * i + 1, 2 * i + 2, y, h), value)
        y -= h
    h = rows[3]
    page.label(_cell(FX, 0, 1, y, h), "专业技\n术职务")
    page.value(_cell(FX, 1, 3, y, h), form.get("ZhuanYeJiShuZhiWu"))
    page.label(_cell(FX, 3, 4, y, h), "熟悉专业\n有何专长")
    page.value(_cell(FX, 4, 6, y, h), form.get("ShuXiZhuanYeYouHeZhuanChang"))
    y -= h
    _photo(page, _cell(FX, 6, 7, top, top - y), form.photo)

    edu_h = 13 * mm
    page.label(_cell(FX, 0, 1, y, 2 * edu_h), "学历\n学位")
    for i, (label, prefix) in enumerate(
        (("全日制\n教育", "QuanRiZhiJiaoYu"), ("在职\n教育", "ZaiZhiJiaoYu"))
    ):
        level, school = _education(form, prefix)
        row_top = y - i * edu_h
        page.label(_cell(FX, 1, 2, row_top, edu_h), label)
        page.value(_cell(FX, 2, 4, row_top, edu_h), level)
        page.label(_cell(FX, 4, 5, row_top, edu_h), "毕业院校\n系及专业")
        page.value(_cell(FX, 5, 7, row_top, edu_h), school, align="left")
    y -= 2 * edu_h

    for label, element in (
        ("现任\n职务", "XianRenZhiWu"),
        ("拟任\n职务", "NiRenZhiWu"),
        ("拟免\n职务", "NiMianZhiWu"),
    ):
        h = _post_height(page.t, form.get(element), FX[7] - FX[1] - 2 * PAD)
        page.label(_cell(FX, 0, 1, y, h), label)
        page.value(_cell(FX, 1, 7, y, h), form.get(element), align="left", single_first=False)
        y -= h

    h = y - BOTTOM
    page.label(_cell(FX, 0, 1, y, h), "简\n\n\n\n历", size=12)
    box = _cell(FX, 1, 7, y, h)
    page.rule(box)
    rest, size = _place_resume(page, box, form.get("JianLi"))
    c.setLineWidth(THICK)
    c.rect(LEFT, BOTTOM, FRAME_W, top - BOTTOM)
    c.setLineWidth(THIN)
    return rest, size


def _post_height(t: _Text, text: str, width: float) -> float:
    """A 现任/拟任/拟免 row grows (from 12 mm, up to 30 mm) so a long title stays legible
    at 10.5 pt; the 简历 below gives up the room."""
    need = len(t.wrap(text.strip(), width, 10.5)) * 10.5 * 1.25 + 2 * PAD * 0.6
    return min(max(12 * mm, need), 30 * mm)


def _resume_area(box: _Box) -> tuple[float, float]:
    return box.w - 6 * mm, box.h - 5 * mm


def _place_resume(page: _Page, box: _Box, resume: str) -> tuple[list[_ResumeLine], float]:
    width, height = _resume_area(box)
    size, lines = _fit_resume(page.t, resume, width, height)
    return _draw_resume(page, box, lines, size), size


def _continuation(page: _Page, lines: list[_ResumeLine], size: float) -> list[_ResumeLine]:
    """An extra page for a 简历 too long for page 1 even at the minimum size."""
    _title(page, "简历（续）", 16, PAGE_H - TOP - 7 * mm)
    top = PAGE_H - TOP - 12 * mm
    page.c.setLineWidth(THIN)
    h = top - BOTTOM
    page.label(_cell(FX, 0, 1, top, h), "简\n\n\n\n历", size=12)
    box = _cell(FX, 1, 7, top, h)
    page.rule(box)
    rest = _draw_resume(page, box, lines, size)
    page.c.setLineWidth(THICK)
    page.c.rect(LEFT, BOTTOM, FRAME_W, h)
    page.c.setLineWidth(THIN)
    return rest


def _family(page: _Page, form: ApprovalForm, top: float, h: float) -> None:
    """家庭主要成员及重要社会关系: 6 rows, more rows shrunk into the same space."""
    header_h = 10 * mm
    members = form.family
    rows = max(6, len(members))
    row_h = (h - header_h) / rows
    size = min(VALUE_SIZE, row_h / mm * 1.9)  # 10 mm rows: 11 pt; 6 mm rows: ~10.5 pt
    page.label(_cell(BX, 0, 1, top, h), "家庭\n主要\n成员\n及重\n要社\n会关\n系")
    for i, label in enumerate(("称谓", "姓名", "年龄", "政治面貌", "工作单位及职务")):
        page.label(_cell(BX, i + 1, i + 2, top, header_h), label)
    at = form.get("JiSuanNianLingShiJian")
    y = top - header_h
    for i in range(rows):
        item = members[i] if i < len(members) else None
        values = (
            (item.ChengWei, item.XingMing, family_age(item, at), item.ZhengZhiMianMao)
            if item
            else ("", "", "", "")
        )
        for j, value in enumerate(values):
            page.value(_cell(BX, j + 1, j + 2, y, row_h), value, size=size)
        page.value(
            _cell(BX, 5, 6, y, row_h),
            item.GongZuoDanWeiJiZhiWu if item else "",
            align="left",
            size=size,
            single_first=False,
        )
        y -= row_h


def _back(page: _Page, form: ApprovalForm) -> None:
    c = page.c
    c.setLineWidth(THIN)
    top = PAGE_H - TOP
    footer = 8 * mm
    heights = {"rewards": 46 * mm, "assess": 22 * mm, "reason": 20 * mm, "family": 72 * mm}
    heights["unit"] = 20 * mm
    approvals = top - BOTTOM - footer - sum(heights.values())
    y = top
    for label, element, key in (
        ("奖\n惩\n情\n况", "JiangChengQingKuang", "rewards"),
        ("年度\n考核\n结果", "NianDuKaoHeJieGuo", "assess"),
        ("任免\n理由", "RenMianLiYou", "reason"),
    ):
        h = heights[key]
        page.label(_cell(BX, 0, 1, y, h), label)
        page.value(
            _cell(BX, 1, 6, y, h),
            form.get(element),
            align="left",
            valign="top" if len(form.get(element)) > 40 else "middle",
            single_first=False,
            size=12,
        )
        y -= h
    _family(page, form, y, heights["family"])
    y -= heights["family"]
    h = heights["unit"]
    page.label(_cell(BX, 0, 1, y, h), "呈报\n单位")
    unit_box = _cell(BX, 1, 6, y, h)
    page.value(unit_box, form.get("ChengBaoDanWei"), align="left", single_first=False, size=12)
    y -= h
    half = (BX[6] - BX[1] - 20 * mm) / 2
    boxes = (
        ("审批\n机关\n意见", _Box(BX[0], y, 20 * mm, approvals), _Box(BX[1], y, half, approvals)),
        (
            "行政\n机关\n任免\n意见",
            _Box(BX[1] + half, y, 20 * mm, approvals),
            _Box(BX[1] + half + 20 * mm, y, half, approvals),
        ),
    )
    for label, label_box, box in boxes:
        page.label(label_box, label)
        page.rule(box)
        _seal(page, box)
    c.setLineWidth(THICK)
    c.rect(LEFT, BOTTOM + footer, FRAME_W, top - BOTTOM - footer)
    c.setLineWidth(THIN)
    size = 11.0
    baseline = BOTTOM + footer - 6 * mm
    filler = f"填表人：{form.get('TianBiaoRen')}"
    page.t.draw(c, LEFT + 2 * mm, baseline, filler, size)
    when = f"填表时间：{dotted(form.get('TianBiaoShiJian'))}"
    page.t.draw(c, LEFT + FRAME_W - 2 * mm - page.t.width(when, size), baseline, when, size)


def _seal(page: _Page, box: _Box) -> None:
    """（盖章） and the blank date, bottom right of an approval box."""
    size = 11.0
    date = "年　　月　　日"
    x_date = box.x + box.w - 5 * mm - page.t.width(date, size)
    page.t.draw(page.c, x_date, box.bottom + 7 * mm, date, size)
    seal = "（盖章）"
    x_seal = x_date + (page.t.width(date, size) - page.t.width(seal, size)) / 2
    page.t.draw(page.c, x_seal, box.bottom + 15 * mm, seal, size)


# ---------------------------------------------------------------- entry points


def _render(forms: Iterable[ApprovalForm]) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1)
    c.setTitle(TITLE)
    c.setCreator("Zugong")
    text = _Text(_font())
    pages = 0
    for form in forms:
        page = _Page(c, text)
        rest, size = _front(page, form)
        c.showPage()
        pages += 1
        while rest:
            rest = _continuation(_Page(c, text), rest, size)
            c.showPage()
            pages += 1
        _back(_Page(c, text), form)
        c.showPage()
        pages += 1
    if not pages:  # an empty batch still gives a valid (one blank page) PDF
        c.showPage()
    c.save()
    return buffer.getvalue(), pages


def render_forms(forms: Sequence[ApprovalForm]) -> bytes:
    """One PDF with every form in the given order: front and back page each (plus
    "简历（续）" pages for a 简历 that does not fit page 1 even at the minimum size)."""
    return _render(forms)[0]


def render_forms_counted(forms: Sequence[ApprovalForm]) -> tuple[bytes, int]:
    """``render_forms`` and the number of pages written."""
    return _render(forms)


def forms_for_cadres(cadres: Iterable[Any], **overrides: str) -> list[ApprovalForm]:
    """The forms of ``cadres`` in their order, with the child records fetched in bulk."""
    items = list(cadres)
    prefetch_related_objects(items, "educations", "family", "assessments", "records", "photo")
    return [form_from_cadre(cadre, **overrides) for cadre in items]


def render_for_cadres(cadres: Iterable[Any], **overrides: str) -> bytes:
    """The PDF for ``cadres`` (a list or queryset, printed in its order)."""
    return render_forms(forms_for_cadres(cadres, **overrides))

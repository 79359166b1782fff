"""The 纪实 of a 选拔任用 case as one A4 PDF: every stage with its date, outcome and note, the
candidates with their votes and checks, the decision meeting and the notice.

ReportLab's built-in CID font ``STSong-Light`` needs no font file, so the export works on any
intranet machine (the 任免审批表 in ``cadres.approval_form`` prefers a TrueType font for its
fixed layout; a flowing record does not need it).
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from selection.selectors import CaseRecord

FONT = "STSong-Light"


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    title = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1)
    heading = ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=18, spaceBefore=6)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, wordWrap="CJK")
    return title, heading, body


def _day(value: Any) -> str:
    return f"{value:%Y.%m.%d}" if value else "—"


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def record_pdf(record: CaseRecord) -> bytes:
    """The PDF bytes of ``record`` (from ``selectors.case_record``)."""
    title, heading, body = _styles()

    def p(text: str) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), body)

    story: list[Any] = [
        Paragraph(escape(f"{record['title']} 纪实"), title),
        Spacer(1, 4 * mm),
        p(f"单位：{record['unit']}"),
        p(f"拟任职务：{'、'.join(record['posts'])}"),
        p(f"动议时间：{_day(record['opened_on'])}；当前环节：{record['stage']}"),
        Paragraph("一、各环节", heading),
    ]
    stage_rows: list[list[Any]] = [[p("环节"), p("时间"), p("结果"), p("备注")]]
    for s in record["stages"]:
        if s["reached"]:
            stage_rows.append([p(s["label"]), p(_day(s["date"])), p(s["outcome"]), p(s["note"])])
    story.append(_table(stage_rows, [32 * mm, 24 * mm, 62 * mm, 52 * mm]))

    story.append(Paragraph("二、人选", heading))
    rows: list[list[Any]] = [
        [p("姓名"), p("拟任职务"), p("推荐票"), p("考察"), p("表决"), p("任免")]
    ]
    for c in record["candidates"]:
        checks = "\n".join(
            f"{'已' if done else '未'}：{label}{'（' + _day(day) + '）' if day else ''}"
            for label, done, day in c["checks"]
        )
        votes = (
            f"同意 {c['votes'][0]}、不同意 {c['votes'][1]}、弃权 {c['votes'][2]}"
            + ("（超过应到会成员半数）" if c["majority"] else "（未过半数）")
            if c["votes"]
            else "—"
        )
        change = "\n".join(
            filter(
                None,
                [
                    f"拟免去：{'、'.join(c['positions_to_end'])}" if c["positions_to_end"] else "",
                    f"新任：{c['appointed']}" if c["appointed"] else "",
                    f"破格：{c['exceptional_reason']}" if c["exceptional"] else "",
                    *(f"负面清单：{e}" for e in c["negative_entries"]),
                ],
            )
        )
        rows.append(
            [
                p(f"{c['name']}\n（{c['status']}）"),
                p(c["post"]),
                p("—" if c["recommendation_votes"] is None else str(c["recommendation_votes"])),
                p(checks + (f"\n{c['inspection_note']}" if c["inspection_note"] else "")),
                p(votes),
                p(change or "—"),
            ]
        )
    story.append(_table(rows, [22 * mm, 26 * mm, 14 * mm, 48 * mm, 32 * mm, 28 * mm]))

    meeting, notice = record["meeting"], record["notice"]
    story.append(Paragraph("三、讨论决定与任前公示", heading))
    if meeting:
        story.append(
            p(
                f"讨论决定会议 {_day(meeting['date'])}：应到会成员 {meeting['members_due']} 人，"
                f"实到 {meeting['members_present']} 人。{meeting['note']}"
            )
        )
    else:
        story.append(p("尚未召开讨论决定会议。"))
    if notice:
        story.append(
            p(
                f"任前公示 {_day(notice['start_date'])} 起 {notice['working_days']} 个工作日，"
                f"至 {_day(notice['end_date'])} 结束。{notice['objections']}"
            )
        )
    else:
        story.append(p("尚未进行任前公示。"))
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, title=f"{record['title']} 纪实"
    ).build(story)
    return out.getvalue()

"""cadres.resume: the strict 简历 writer and the lenient reader (docs/lrmx.md, "简历").

Pure functions, no database: expected strings are written out character for character.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadres.resume import TEXT_INDENT, Entry, Segment, generate, note_line, parse, segment_line


def m(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


OPEN = " " * 9  # after "YYYY.MM--" of the open last segment
NOTE = " " * 18  # notes line up under the text


# ---------------------------------------------------------------- writing


def test_a_closed_segment_is_dates_two_dashes_and_two_spaces():
    line = segment_line(m(2012, 7), m(2016, 6), "某大学某专业学习")
    assert line == "2012.07--2016.06  某大学某专业学习"


def test_the_open_segment_has_nine_spaces_so_the_text_lines_up():
    line = segment_line(m(2019, 1), None, "甲镇党委书记")
    assert line == "2019.01--         甲镇党委书记"
    assert line.index("甲") == segment_line(m(2012, 7), m(2016, 6), "甲").index("甲") == 18
    assert TEXT_INDENT == NOTE


def test_note_lines_are_indented_and_bracketed():
    assert note_line("其间：2018.03--2018.07  学习") == NOTE + "（其间：2018.03--2018.07  学习）"
    assert note_line("  （其间：已有括号）  ") == NOTE + "（其间：已有括号）"


def test_study_comes_before_work_and_segments_are_in_time_order():
    study = [Entry(m(2012, 9), m(2016, 7), "河北大学土木工程专业学习")]
    work = [
        Entry(m(2019, 1), None, "甲镇党委书记"),
        Entry(m(2016, 7), m(2019, 1), "甲镇人民政府科员"),
    ]
    assert generate(study, work) == (
        "2012.09--2016.07  河北大学土木工程专业学习\n"
        "2016.07--2019.01  甲镇人民政府科员\n"
        "2019.01--         甲镇党委书记"
    )


def test_nothing_gives_an_empty_resume():
    assert generate([], []) == ""
    assert generate([], [], "\n  \n") == ""


def test_concurrent_posts_over_the_same_span_share_one_line():
    work = [
        Entry(m(2016, 7), m(2019, 1), "甲镇党委委员"),
        Entry(m(2016, 7), m(2019, 1), "组织委员"),
        Entry(m(2019, 1), None, "甲镇党委书记"),
        Entry(m(2019, 1), None, "人大主席"),
    ]
    assert generate([], work) == (
        "2016.07--2019.01  甲镇党委委员、组织委员\n2019.01--         甲镇党委书记、人大主席"
    )


def test_same_start_but_another_end_is_not_merged_and_the_closed_one_comes_first():
    work = [
        Entry(m(2019, 1), None, "甲镇党委书记"),
        Entry(m(2019, 1), m(2020, 6), "甲镇武装部部长"),
    ]
    assert generate([], work) == (
        "2019.01--2020.06  甲镇武装部部长\n2019.01--         甲镇党委书记"
    )


WORK = [
    Entry(m(2012, 7), m(2016, 6), "乙镇人民政府科员"),
    Entry(m(2016, 6), m(2019, 1), "乙镇副镇长"),
    Entry(m(2019, 1), None, "甲镇党委书记"),
]


def test_a_dated_note_follows_the_segment_containing_its_start():
    extra = "（其间：2018.03--2018.07  在省委党校中青年干部培训班学习）"
    assert generate([], WORK, extra) == (
        "2012.07--2016.06  乙镇人民政府科员\n"
        "2016.06--2019.01  乙镇副镇长\n"
        f"{NOTE}（其间：2018.03--2018.07  在省委党校中青年干部培训班学习）\n"
        "2019.01--         甲镇党委书记"
    )


def test_notes_go_to_their_own_segments_and_undated_lines_go_last():
    extra = "\n".join(
        [
            "中共测试县第十四届委员会委员",  # undated: the final paragraph, unchanged
            "（其间：2020.03--2021.01  在中央党校学习）",
            "（其间：2013.09--2015.07  在职攻读硕士研究生）",
            "",
            "（其间：2014.03--2014.06  挂职锻炼）",
            "县第十八届人大代表  ",
        ]
    )
    assert generate([], WORK, extra) == (
        "2012.07--2016.06  乙镇人民政府科员\n"
        f"{NOTE}（其间：2013.09--2015.07  在职攻读硕士研究生）\n"
        f"{NOTE}（其间：2014.03--2014.06  挂职锻炼）\n"
        "2016.06--2019.01  乙镇副镇长\n"
        "2019.01--         甲镇党委书记\n"
        f"{NOTE}（其间：2020.03--2021.01  在中央党校学习）\n"
        "中共测试县第十四届委员会委员\n"
        "县第十八届人大代表"
    )


def test_a_note_starting_on_a_segment_boundary_goes_with_the_segment_starting_then():
    extra = "（其间：2016.06--2016.12  培训）"
    lines = generate([], WORK, extra).split("\n")
    assert lines[1] == "2016.06--2019.01  乙镇副镇长"
    assert lines[2] == f"{NOTE}（其间：2016.06--2016.12  培训）"


def test_lenient_notes_are_placed_too():
    # Other separators, 年月 style, a colon without 其间, already indented, CRLF line ends.
    extra = (
        f"{NOTE}（其间：2013年3月至2013年7月  在县委党校学习）\r\n"
        "（2017.03—2017.09  在省委党校学习）\r\n"
    )
    assert generate([], WORK, extra) == (
        "2012.07--2016.06  乙镇人民政府科员\n"
        f"{NOTE}（其间：2013年3月至2013年7月  在县委党校学习）\n"
        "2016.06--2019.01  乙镇副镇长\n"
        f"{NOTE}（2017.03—2017.09  在省委党校学习）\n"
        "2019.01--         甲镇党委书记"
    )


def test_generating_from_a_generated_resumes_notes_is_stable():
    extra = "（其间：2018.03--2018.07  在省委党校学习）\n中共测试县委委员"
    once = generate([], WORK, extra)
    notes = "\n".join(line for line in once.split("\n") if not line[:4].isdigit())
    assert generate([], WORK, notes) == once


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize(
    "separator", ["--", "—", "——", "－", "－－", "～", "~", "-", "至", " -- ", " — ", " 至 "]
)
def test_every_separator_is_read(separator):
    line = f"2012.07{separator}2016.06  某大学某专业学习"
    assert parse(line) == [Segment(m(2012, 7), m(2016, 6), "某大学某专业学习", line)]


@pytest.mark.parametrize(
    ("line", "start", "end", "text"),
    [
        ("2012年7月--2016年6月  某大学学习", m(2012, 7), m(2016, 6), "某大学学习"),
        ("2012年07月至2016年06月某大学学习", m(2012, 7), m(2016, 6), "某大学学习"),
        ("2012年7月—2016年6月，某大学学习", m(2012, 7), m(2016, 6), "，某大学学习"),
        ("2012.7--2016.6  某大学学习", m(2012, 7), m(2016, 6), "某大学学习"),
        ("201207--201606  某大学学习", m(2012, 7), m(2016, 6), "某大学学习"),
        ("2012/07-2016/06 某大学学习", m(2012, 7), m(2016, 6), "某大学学习"),
        ("2012-07--2016-06  某大学学习", m(2012, 7), m(2016, 6), "某大学学习"),
        ("２０１２．０７－－２０１６．０６  某大学学习", m(2012, 7), m(2016, 6), "某大学学习"),
        ("  2012.07--2016.06  缩进的行  ", m(2012, 7), m(2016, 6), "缩进的行"),
        ("2019.01--         甲镇党委书记", m(2019, 1), None, "甲镇党委书记"),
        ("2019.01—", m(2019, 1), None, ""),
    ],
)
def test_date_styles_are_read(line, start, end, text):
    [segment] = parse(line)
    assert (segment.start, segment.end, segment.text, segment.raw) == (start, end, text, line)
    assert not segment.is_note


@pytest.mark.parametrize("line", ["2019.01至今  甲镇党委书记", "2019年1月--至今 甲镇党委书记"])
def test_zhi_jin_marks_an_open_segment(line):
    assert parse(line) == [Segment(m(2019, 1), None, "甲镇党委书记", line)]


def test_lines_without_a_leading_date_are_kept_as_notes():
    text = (
        "2012.07--2016.06  河北大学\r\n"
        "                  土木工程专业学习\r\n"
        "\r\n"
        "                  （其间：2018.03--2018.07  在省委党校学习）\r"
        "2016年毕业后分配工作\n"
        "2012.13--2016.06  月份不对的行\n"
        "中共测试县第十四届委员会委员"
    )
    segments = parse(text)
    assert [(s.start, s.end, s.text, s.is_note) for s in segments] == [
        (m(2012, 7), m(2016, 6), "河北大学", False),
        (None, None, "土木工程专业学习", True),
        (None, None, "（其间：2018.03--2018.07  在省委党校学习）", True),
        (None, None, "2016年毕业后分配工作", True),
        (None, None, "2012.13--2016.06  月份不对的行", True),
        (None, None, "中共测试县第十四届委员会委员", True),
    ]
    assert segments[1].raw == "                  土木工程专业学习"


def test_reading_what_was_written_gives_the_entries_back():
    study = [Entry(m(2008, 9), m(2012, 7), "河北大学土木工程专业学习")]
    extra = "（其间：2018.03--2018.07  在省委党校学习）\n中共测试县委委员"
    segments = parse(generate(study, WORK, extra))
    assert [(s.start, s.end, s.text) for s in segments if not s.is_note] == [
        (e.start, e.end, e.text) for e in [*study, *WORK]
    ]
    assert [s.text for s in segments if s.is_note] == [
        "（其间：2018.03--2018.07  在省委党校学习）",
        "中共测试县委委员",
    ]


# ---------------------------------------------------------------- properties

LINE_BREAKS = st.sampled_from(["\n", "\r\n", "\r"])
DATE_BITS = st.sampled_from(
    ["2012.07", "2012年7月", "201207", "2012.13", "1799.01", "2012", "07", "--", "—", "至", "～"]
)
RESUMEISH_LINE = st.lists(
    st.one_of(DATE_BITS, st.text(alphabet=" 　\t甲镇党委书记（其间：）.-0123456789", max_size=6)),
    max_size=6,
).map("".join)


def _non_blank_lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line for line in lines if line.strip()]


def _check_nothing_dropped(text: str) -> None:
    segments = parse(text)
    lines = _non_blank_lines(text)
    assert [s.raw for s in segments] == lines
    assert "".join(s.raw for s in segments) == "".join(lines)
    for s in segments:
        assert s.text in s.raw
        assert s.is_note == (s.start is None)
        if s.is_note:
            assert s.text == s.raw.strip()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_never_drops_a_line_of_arbitrary_text(text):
    _check_nothing_dropped(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(RESUMEISH_LINE, LINE_BREAKS), max_size=8))
def test_parse_never_drops_a_line_of_resume_like_text(parts):
    _check_nothing_dropped("".join(line + brk for line, brk in parts))


MONTHS = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)).map(
    lambda d: d.replace(day=1)
)
TEXTS = st.text(
    alphabet="甲乙镇县委党书记副主任科员大学专业学习、，（）：", min_size=1, max_size=20
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(MONTHS, st.none() | MONTHS, TEXTS), max_size=8, unique_by=lambda t: t[0]))
def test_parse_reads_back_what_generate_writes(rows):
    entries = [Entry(start, end, text) for start, end, text in rows]
    segments = parse(generate([], entries))
    expected = sorted(entries, key=lambda e: e.start)
    assert [(s.start, s.end, s.text) for s in segments] == [
        (e.start, e.end, e.text) for e in expected
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(), st.lists(st.tuples(MONTHS, st.none() | MONTHS, TEXTS), max_size=4))
def test_generate_never_drops_an_extra_line(extra, rows):
    out = generate([], [Entry(s, e, t) for s, e, t in rows], extra)
    for line in extra.replace("\r\n", "\n").split("\n"):
        if line.strip():
            assert line.strip() in out

"""The roster's hand-built HTML escapes every value exactly as Django's templates would."""

from __future__ import annotations

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from cadres.templatetags.cadre_tags import options, roster_rows

HOSTILE = "<script>alert('x')</script> & \"引号\""


def row(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "pk": 7,
        "url": "/cadres/7/",
        "name": "张三",
        "status": "",
        "sex": "男",
        "birth": "1980.01（45岁）",
        "retirement": "2043.01",
        "ethnicity": "汉族",
        "political": "中共党员",
        "unit": "甲镇",
        "title": "党委书记",
        "rank": "乡科级正职",
        "since": "2019.01",
        "education": "大学",
    }
    return base | changes


def test_it_escapes_every_cell_of_a_row() -> None:
    for key in (
        "name",
        "status",
        "sex",
        "birth",
        "retirement",
        "ethnicity",
        "unit",
        "title",
        "education",
    ):
        html = roster_rows([row(**{key: HOSTILE})], selectable=True)
        assert "<script>" not in html, key
        assert str(conditional_escape(HOSTILE)) in html, key


def test_it_escapes_the_link_and_the_checkbox_value() -> None:
    html = roster_rows([row(url='/x/"onmouseover="y', pk='1" autofocus="')], selectable=True)
    assert 'href="/x/&quot;onmouseover=&quot;y"' in html
    assert 'value="1&quot; autofocus=&quot;"' in html


def test_it_keeps_safe_strings_as_they_are() -> None:
    html = roster_rows([row(title=mark_safe("<b>甲</b>"))], selectable=False)
    assert "<b>甲</b>" in html
    assert "<input" not in html


def test_it_builds_the_same_options_as_format_html() -> None:
    choices = [("01", "汉族"), ("02", HOSTILE), ('"3', "x")]
    expected = "".join(
        format_html('<option value="{}"{}>{}</option>', v, " selected" if v == "02" else "", lbl)
        for v, lbl in choices
    )
    assert options(choices, "02") == expected
    assert "selected" not in options(choices, None)

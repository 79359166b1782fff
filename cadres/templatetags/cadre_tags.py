"""Small tags for the busy roster page: option lists built in Python, not template loops."""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _e(value: object) -> str:
    """HTML-escaped text, as ``conditional_escape`` gives it, without its lazy-call wrappers
    (the roster page escapes ~1,200 values; Django's escape costs 4 µs a value, this 0.5)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


@register.simple_tag
def options(choices: Iterable[tuple[str, str]], selected: object) -> SafeString:
    """``<option>``s of ``choices`` with ``selected`` marked (56 民族 in one call)."""
    return _options_html(tuple(choices), "" if selected is None else str(selected))


@lru_cache(maxsize=512)
def _options_html(choices: tuple[tuple[str, str], ...], chosen: str) -> SafeString:
    # The code tables change rarely: the same (list, selection) renders the same HTML.
    return mark_safe(  # noqa: S308 (every value escaped by _e)
        "".join(
            f'<option value="{_e(value)}"{" selected" if str(value) == chosen else ""}>'
            f"{_e(label)}</option>"
            for value, label in choices
        )
    )


@register.simple_tag
def column_boxes(columns: dict[str, object], checked: Iterable[str]) -> SafeString:
    """The export panel's column checkboxes."""
    marked = set(checked)
    return format_html_join(
        "",
        '<div class="form-check"><input class="form-check-input" type="checkbox" name="columns" '
        'value="{}" id="col-{}"{}><label class="form-check-label small" for="col-{}">{}</label>'
        "</div>",
        (
            (key, key, " checked" if key in marked else "", key, getattr(col, "header", key))
            for key, col in columns.items()
        ),
    )


@register.simple_tag
def sort_link(key: str, label: str, sort: dict[str, object], qs_sort: str) -> SafeString:
    """A sortable column header (``?sort=key`` / ``?sort=-key``)."""
    active = sort.get("key") == key
    descending = bool(sort.get("descending"))
    param = f"-{key}" if active and not descending else key
    icon = (
        format_html(' <i class="bi bi-sort-{}"></i>', "down" if descending else "up")
        if active
        else ""
    )
    return format_html('<a href="?{}&amp;sort={}">{}{}</a>', qs_sort, param, label, icon)


@register.simple_tag
def roster_rows(rows: list[dict[str, object]], selectable: bool) -> SafeString:
    """The roster's rows (already display text, see ``roster_view``) as one string."""
    out = []
    for r in rows:
        name = _e(r["name"])
        box = (
            f'<td><input class="form-check-input" type="checkbox" name="ids" '
            f'value="{_e(r["pk"])}" aria-label="选择{name}"></td>'
            if selectable
            else ""
        )
        badge = (
            f' <span class="badge text-bg-secondary">{_e(r["status"])}</span>'
            if r["status"]
            else ""
        ) + "".join(
            f' <span class="badge {_e(b.css)}" title="{_e(b.title)}">{_e(b.label)}</span>'
            for b in r.get("badges") or ()  # type: ignore[attr-defined]
        )
        out.append(
            f'<tr>{box}<td class="text-nowrap"><a href="{_e(r["url"])}">{name}</a>{badge}</td>'
            f'<td class="text-nowrap">{_e(r["sex"])}</td>'
            f'<td class="text-nowrap">{_e(r["birth"])}</td>'
            f'<td class="text-nowrap">{_e(r["retirement"])}</td>'
            f'<td class="text-nowrap">{_e(r["ethnicity"])}</td>'
            f'<td class="text-nowrap">{_e(r["political"])}</td>'
            f'<td><div class="small text-muted">{_e(r["unit"])}</div>{_e(r["title"])}</td>'
            f'<td class="text-nowrap">{_e(r["rank"])}</td>'
            f'<td class="text-nowrap">{_e(r["since"])}</td>'
            f"<td>{_e(r['education'])}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped by _e)

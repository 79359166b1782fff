"""Small tags for the busy roster page: option lists built in Python, not template loops."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def options(choices: Iterable[tuple[str, str]], selected: object) -> SafeString:
    """``<option>``s of ``choices`` with ``selected`` marked (56 民族 in one call)."""
    chosen = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == chosen else "", label) for value, label in choices),
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


_ROW = (
    "<tr>{}"
    '<td class="text-nowrap"><a href="{}">{}</a>{}</td><td class="text-nowrap">{}</td>'
    '<td class="text-nowrap">{}</td><td class="text-nowrap">{}</td><td class="text-nowrap">{}</td>'
    '<td><div class="small text-muted">{}</div>{}</td><td class="text-nowrap">{}</td>'
    '<td class="text-nowrap">{}</td><td>{}</td></tr>'
)


@register.simple_tag
def roster_rows(rows: list[dict[str, object]], selectable: bool) -> SafeString:
    """The roster's rows (already display text, see ``roster_view``) as one string."""

    def cells(r: dict[str, object]) -> tuple[object, ...]:
        box = (
            format_html(
                '<td><input class="form-check-input" type="checkbox" name="ids" value="{}" '
                'aria-label="选择{}"></td>',
                r["pk"],
                r["name"],
            )
            if selectable
            else ""
        )
        badge = (
            format_html(' <span class="badge text-bg-secondary">{}</span>', r["status"])
            if r["status"]
            else ""
        )
        return (
            box,
            r["url"],
            r["name"],
            badge,
            r["sex"],
            r["birth"],
            r["ethnicity"],
            r["political"],
            r["unit"],
            r["title"],
            r["rank"],
            r["since"],
            r["education"],
        )

    return format_html_join("\n", _ROW, (cells(r) for r in rows))

"""班子结构 and 结构分析: a unit's leadership team and the structure of a unit's subtree
(docs/architecture.md, "Apps"). The figures are computed in ``analysis/team.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape as e
from django.utils.safestring import mark_safe

from analysis import team
from audit.choices import AuditAction
from audit.services import audit_record_export_standalone
from core.excel import xlsx_response
from core.listing import query_without
from core.permissions import Action, can_in_path, require_action
from orgs.models import Unit
from orgs.selectors import unit_by_code_or_name, unit_get

# Post order (正职 first), or one of analysis.team.MEMBER_SORTS.
TEAM_SORTS = ("post", "age", "start", "name")


def _scoped_unit(request: HttpRequest, unit_id: int) -> Unit:
    return unit_get(user=request.user, pk=unit_id, action=Action.CADRES_VIEW)


def _picked_unit(request: HttpRequest, page: str) -> HttpResponse | None:
    """The unit picker (``?unit=<code or name>``) opens the same page for the chosen unit."""
    value = request.GET.get("unit", "").strip()
    if not value:
        return None
    unit = unit_by_code_or_name(user=request.user, value=value, action=Action.CADRES_VIEW)
    if unit is None:
        messages.error(request, f"找不到“{value}”，或该单位不在您的授权范围内")
        return None
    return redirect(page, unit_id=unit.pk)


def _team_sort(request: HttpRequest) -> tuple[str, bool]:
    raw = request.GET.get("sort", "post")
    key = raw.lstrip("-")
    return (key, raw.startswith("-")) if key in TEAM_SORTS else ("post", False)


def _bars(names: list[str], **series: list[Any]) -> dict[str, Any]:
    """Data of a grouped bar chart: categories and named series (``_`` in a name → space)."""
    return {
        "names": names,
        "series": [{"name": k.replace("_", " "), "data": v} for k, v in series.items()],
    }


def _quota_chart(rows: list[Any]) -> dict[str, Any]:
    """核定 vs 实配 per 领导职务层次."""
    levels = [r for r in rows if not r["title"]]
    return _bars(
        [r["rank_level_name"] for r in levels],
        核定职数=[r["quota"] or 0 for r in levels],
        实际配备=[r["actual"] for r in levels],
    )


def _share(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


def _pie(slices: list[Any]) -> list[Any]:
    return [s for s in slices if s["value"]]  # a 0 slice only overlaps its neighbour's label


def _parent_in_scope(request: HttpRequest, unit: Unit) -> Unit | None:
    parent = unit.parent
    if parent is not None and can_in_path(request.user, Action.CADRES_VIEW, parent.path):
        return parent
    return None


def _member_rows(members: list[Any]) -> str:
    """The members table's rows as one string, every value escaped: a template loop costs
    ~0.3 ms a row, and a 街道 of the benchmark has a "team" of 2,000."""
    out = []
    for i, m in enumerate(members, start=1):
        url, name = e(m["url"]), e(m["name"])
        badge = (
            f' <a class="badge rounded-pill text-bg-danger text-decoration-none" href="{url}"'
            f' title="{name}有 {m["alerts"]} 条预警">{m["alerts"]}</a>'
            if m["alerts"]
            else ""
        )
        head = ' <span class="badge text-bg-light border">正职</span>' if m["is_head"] else ""
        degree = f" / {e(m['degree'])}" if m["degree"] else ""
        out.append(
            f'<tr><td class="text-muted">{i}</td>'
            f'<td class="text-nowrap"><a href="{url}">{name}</a>{badge}</td>'
            f'<td class="text-nowrap">{e(m["title"])}{head}</td>'
            f'<td class="text-nowrap">{e(m["rank_level_name"] or "—")}</td>'
            f"<td>{e(m['sex'])}</td>"
            f'<td class="text-nowrap">{e(m["birth_month"])}（{m["age"]}岁）</td>'
            f"<td>{e(m['ethnicity'] or '—')}</td>"
            f'<td class="text-nowrap">{e(m["party"] or "—")}</td>'
            f'<td class="small">{e(m["education"] or "—")}{degree}</td>'
            f'<td class="small">{e(m["expertise"] or "—")}</td>'
            f'<td class="text-nowrap">{m["start_date"]:%Y.%m}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)


@require_action(Action.CADRES_VIEW)
def team_view(request: HttpRequest, unit_id: int) -> HttpResponseBase:
    """班子结构: a unit's leadership team, quota vs actual, structure figures and alerts."""
    if (picked := _picked_unit(request, "analysis:team")) is not None:
        return picked
    unit = _scoped_unit(request, unit_id)
    key, descending = _team_sort(request)
    if request.GET.get("export") == "xlsx":
        return _team_export(request, unit, key, descending)
    data = team.team_of(user=request.user, unit=unit)
    figures = data["figures"]
    return render(
        request,
        "analysis/team.html",
        {
            "unit": unit,
            "parent": _parent_in_scope(request, unit),
            "team": data,
            "member_rows": _member_rows(team.sorted_members(data["members"], key, descending)),
            "figures": figures,
            "sort": {"key": key, "descending": descending},
            "qs_sort": query_without(request, "sort", "export"),
            "charts": {
                "age": figures["age_bands"],
                "sex": _pie(figures["sex"]),
                "education": _pie(figures["education"]),
                "quota": _quota_chart(data["quotas"]),
            },
            "can_export": can_in_path(request.user, Action.CADRES_EXPORT, unit.path),
        },
    )


def _team_export(request: HttpRequest, unit: Unit, key: str, descending: bool) -> HttpResponseBase:
    """导出 Excel of the members table: members within the export scope only; audited."""
    if not can_in_path(request.user, Action.CADRES_EXPORT, unit.path):
        raise Http404("页面不存在")
    data = team.team_of(
        user=request.user, unit=unit, action=Action.CADRES_EXPORT, with_alerts=False
    )
    members = team.sorted_members(data["members"], key, descending)
    audit_record_export_standalone(
        actor=request.user,
        subjects=[m["cadre_id"] for m in members],
        action=AuditAction.EXPORT,
        object_type="cadres.Cadre",
        object_repr=f"{unit.name}领导班子成员（{len(members)} 人）",
        changes={"document": "领导班子成员名单", "unit": unit.code},
        sensitive=True,
    )
    return xlsx_response(
        filename=f"{unit.name}领导班子_{timezone.localdate():%Y%m%d}.xlsx",
        title="领导班子成员",
        headers=team.EXPORT_HEADERS,
        rows=team.export_rows(members),
    )


@require_action(Action.CADRES_VIEW)
def structure_view(request: HttpRequest, unit_id: int) -> HttpResponseBase:
    """结构分析: the leading cadres of a unit and all units below it, per direct child."""
    if (picked := _picked_unit(request, "analysis:structure")) is not None:
        return picked
    unit = _scoped_unit(request, unit_id)
    data = team.structure_of_subtree(user=request.user, unit=unit)
    figures = data["figures"]
    shown = [r for r in data["children"] if r["count"]]
    return render(
        request,
        "analysis/structure.html",
        {
            "unit": unit,
            "parent": _parent_in_scope(request, unit),
            "structure": data,
            "figures": figures,
            "charts": {
                "age": figures["age_bands"],
                "sex": _pie(figures["sex"]),
                "education": _pie(figures["education"]),
                "quota": _quota_chart(data["quotas"]),
                # Shares, not head counts: a 政府 with all its departments dwarfs a 乡镇.
                "children": {
                    **_bars(
                        [r["name"] for r in shown],
                        女干部占比=[_share(r["women"], r["count"]) for r in shown],
                        **{"40岁以下占比": [_share(r["under_40"], r["count"]) for r in shown]},
                    ),
                    "colors": ["#b0181e", "#e6a23c"],
                },
            },
        },
    )

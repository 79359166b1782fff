"""Navigation built from the permission matrix: each role sees only what it may use."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from core.permissions import Action, Role, grants_of, has_action


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    action: str | None  # None: every signed-in user


NAVIGATION: list[tuple[str, list[NavItem]]] = [
    (
        "",
        [
            NavItem("首页", "home:dashboard", "house", None),
            NavItem("工作日历", "home:calendar", "calendar3", None),
        ],
    ),
    (
        "组织机构",
        [
            NavItem("单位树", "orgs:tree", "diagram-3", Action.ORGS_VIEW),
            NavItem("单位名册", "orgs:list", "list-ul", Action.ORGS_VIEW),
        ],
    ),
    (
        "干部工作",
        [
            NavItem("干部名册", "cadres:roster", "person-vcard", Action.CADRES_VIEW),
            NavItem("新增干部", "cadres:create", "person-plus", Action.CADRES_CHANGE),
            NavItem(
                "Excel 导入",
                "cadres:import_excel",
                "file-earmark-spreadsheet",
                Action.CADRES_CHANGE,
            ),
            NavItem("LRMX 导入", "cadres:import_lrmx", "filetype-xml", Action.CADRES_CHANGE),
            NavItem("预警中心", "alerts:list", "exclamation-triangle", Action.ALERTS_VIEW),
            NavItem("干部库", "development:pool_list", "person-badge", Action.POOLS_VIEW),
            NavItem(
                "培养项目", "development:programme_list", "signpost-split", Action.PROGRAMMES_VIEW
            ),
            NavItem("选拔任用", "selection:case_list", "people", Action.SELECTION_VIEW),
            NavItem(
                "个人有关事项",
                "supervision:report_year_list",
                "file-earmark-lock",
                Action.SUPERVISION_VIEW,
            ),
            NavItem(
                "重点部门和关键岗位",
                "supervision:key_list",
                "shield-exclamation",
                Action.SUPERVISION_VIEW,
            ),
        ],
    ),
    (
        "系统管理",
        [
            NavItem("用户管理", "accounts:user_list", "people", Action.USERS_MANAGE),
            NavItem("角色授权", "accounts:grant_list", "shield-lock", Action.GRANTS_MANAGE),
            NavItem("账户交接", "accounts:handover", "person-lock", Action.GRANTS_MANAGE),
            NavItem("审计日志", "audit:event_list", "journal-text", Action.AUDIT_VIEW),
            NavItem("审计链校验", "audit:verify", "patch-check", Action.AUDIT_VIEW),
            NavItem("预警规则", "alerts:rules", "sliders", Action.ALERT_RULES_MANAGE),
            NavItem(
                "政治素质指标",
                "supervision:indicator_list",
                "card-checklist",
                Action.SUPERVISION_CATALOGUE,
            ),
        ],
    ),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = []
    for title, items in NAVIGATION:
        visible = [
            {
                "label": i.label,
                "url": (url := _url(i.url_name)),
                "icon": i.icon,
                "active": request.path == url,
            }
            for i in items
            if i.action is None or has_action(user, i.action)
        ]
        if visible:
            groups.append({"title": title, "items": visible})
    grants = grants_of(user)
    role_names = sorted({Role(role).label for role, _ in grants})
    return {
        "nav_groups": groups,
        "nav_roles": role_names,
        "nav_scope": _scope_label(user, grants),
        "nav_can_search": has_action(user, Action.ORGS_VIEW),
        "nav_can_search_cadres": has_action(user, Action.CADRES_VIEW),
    }


@lru_cache(maxsize=64)
def _url(name: str) -> str:
    # The navigation's URLs are fixed for the life of the process (no arguments).
    return reverse(name)


SCOPE_LABEL_SECONDS = 60


def _scope_label(user: Any, grants: list[tuple[str, str]]) -> str:
    """The sidebar's "管理范围": names of the first three granted units.

    Cached per set of paths for a minute: it is on every page, and a renamed unit showing its
    old name in the sidebar for a minute is harmless (the grants themselves are never cached).
    """
    paths = sorted({p for _, p in grants if p})
    if not paths:
        return "全系统（管理）" if grants else "无授权"
    key = "nav-scope:" + hashlib.sha256("|".join(paths[:3]).encode()).hexdigest()
    names = cache.get(key)
    if names is None:
        from orgs.models import Unit

        names = list(Unit.objects.filter(path__in=paths[:3]).values_list("name", flat=True))
        cache.set(key, names, SCOPE_LABEL_SECONDS)
    label = "、".join(names)
    return label + (f" 等 {len(paths)} 个范围" if len(paths) > 3 else "")

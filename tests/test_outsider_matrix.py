"""THE outsider guarantee (docs/security.md, "Separation of
duties"): a user of unit B asking for any
object of unit A gets the same 404 as for an object that does not exist — pages, API, exports.

Every URL pattern of the project must appear in exactly one of the two tables below:

* ``OBJECT_PROBES``: patterns that address one object. Each is requested by the outsiders
  against an object of unit A and against a missing id; both must be 404 with the same body.
  An insider must *not* get a 404 from the same request, so a probe with a wrong URL or
  payload cannot pass silently.
* ``LIST_PROBES``: patterns without an object (lists, search, dashboard, documents). The
  outsiders' responses must not contain any name or code of unit A.

``test_it_lists_every_url_pattern`` fails when a pattern is added without a row here, and
``test_it_requests_every_pattern_under_its_own_row`` when a row has no request or a request
that resolves to another pattern (an empty or borrowed row would otherwise pass everything).
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, SimpleTestCase
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from ninja.operation import PathView
from openpyxl import Workbook, load_workbook
from PIL import Image

from accounts.models import PasswordReset, RoleGrant
from accounts.services import api_token_create, user_reset_password
from cadres import services as cadres
from cadres.choices import AssessmentGrade, EducationKind, RecordKind
from cadres.models import Cadre, CadrePhoto, IdNumberConflict, RosterColumnSet
from core.idnumber import build_id_number
from core.permissions import Role
from orgs.choices import UnitKind, UnitLevel
from orgs.models import Unit
from zugong.testing import PersonaTestCase, make_user, tiny_pdf

MISSING = 987_654_321
CADRE_NAME = "贾甲文"  # the cadre of unit A (pinyin initials "jjw")
CADRE_ID = "433101197803152136"
KIN_NAME = "甲秀英"  # a family member of that cadre
A_SECRETS = (  # what must never reach an outsider
    "甲镇",
    "甲村",
    "TA00",
    "TA01",
    CADRE_NAME,
    KIN_NAME,
    CADRE_ID,
    CADRE_ID[:6] + "*" * 8 + CADRE_ID[-4:],  # the masked number the roster shows
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@dataclass(frozen=True, slots=True)
class Req:
    method: str
    path: str
    data: dict[str, Any] | None = None
    json: bool = False
    headers: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class ObjectProbe:
    """How to ask for one object: ``obj`` names which of unit A's objects (see ``targets``).

    ``build`` gives one request or several (every tab of a page, its GET and its POST…).
    """

    obj: str
    insider: str  # a persona for whom the requests must not be a 404
    build: Callable[[int, dict[str, int]], Req | list[Req]]

    def requests(self, pk: int, targets: dict[str, int]) -> list[Req]:
        built = self.build(pk, targets)
        return built if isinstance(built, list) else [built]


def get(path: str) -> Req:
    return Req("get", path)


def hx(path: str) -> Req:
    """A GET as htmx sends it (partials answer these instead of redirecting)."""
    return Req("get", path, headers={"HX-Request": "true"})


def post(path: str, data: dict[str, Any] | None = None) -> Req:
    return Req("post", path, data or {})


def api(method: str, path: str, data: dict[str, Any] | None = None) -> Req:
    return Req(method, f"/api/v1{path}", data, json=True)


def _new_unit(parent: int) -> dict[str, Any]:
    return {
        "parent_id": parent,
        "name": "探测单位",
        "code": "PROBE1",
        "kind": UnitKind.OTHER,
        "level": UnitLevel.BELOW,
    }


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (160, 200), (200, 180, 160)).save(out, "PNG")
    return out.getvalue()


def _photo_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", _png(), content_type="image/png")


def _excel_file() -> SimpleUploadedFile:
    """A roster workbook with one new person, as a clerk would fill in the template."""
    book = Workbook()
    sheet = book.active
    sheet.title = "干部名册"
    sheet.append(["身份证号", "姓名"])
    sheet.append([build_id_number("130101", dt.date(1985, 5, 1), 12).value, "探测干部"])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("干部名册.xlsx", out.getvalue(), content_type=XLSX)


def _units_file() -> SimpleUploadedFile:
    """A unit-tree workbook (orgs.tree_import) with one new unit under the target."""
    book = Workbook()
    sheet = book.active
    sheet.title = "单位"
    sheet.append(["单位代码", "单位名称", "上级单位代码"])
    sheet.append(["PROBE-U1", "探测单位", "TA00"])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("单位.xlsx", out.getvalue(), content_type=XLSX)


def _unit_code(pk: int) -> str:
    """The code of unit ``pk`` (a code no unit has when it does not exist)."""
    return Unit.objects.filter(pk=pk).values_list("code", flat=True).first() or "ZZ99"


def _lrmx_file(t: dict[str, int]) -> SimpleUploadedFile:
    from cadres.lrmx import export_one, export_queryset

    _name, data = export_one(export_queryset(Cadre.objects.filter(pk=t["cadre"])).get())
    return SimpleUploadedFile("probe.lrmx", data, content_type="application/xml")


def _alert_of(cadre: Cadre) -> Any:
    """An open alert about unit A's cadre, raised through the engine."""
    from alerts.choices import Subject
    from alerts.engine import sync
    from alerts.models import Alert, AlertRule
    from alerts.registry import Finding, Scope, install_catalogue

    install_catalogue()
    rule = AlertRule.objects.get(code="same_post")
    finding = Finding(
        subject=Subject.CADRE,
        subject_id=cadre.pk,
        cadre_id=cadre.pk,
        unit_path=cadre.unit_path,
        message=f"任现职（甲镇党委书记）2019.01 至今 {CADRE_NAME}",
        facts={"post": "甲镇党委书记"},
    )
    sync(rule, Scope(path=cadre.unit_path, today=dt.date(2030, 1, 1)), [finding])
    return Alert.objects.get(rule=rule, subject_id=cadre.pk)


def cadre_url(name: str, pk: int, *args: Any) -> str:
    return reverse(f"cadres:{name}", args=[pk, *args])


# Valid form data of each section of the cadre page (cadres/views.py SECTIONS).
SECTION_DATA: dict[str, dict[str, Any]] = {
    "position": {"unit_name": "测试县委组织部", "title": "副部长", "start_date": "2020.01"},
    "education": {
        "kind": EducationKind.IN_SERVICE,
        "education_level": "11",
        "school": "省委党校",
        "major": "经济管理",
        "start_date": "2015.09",
        "end_date": "2018.07",
    },
    "assessment": {"year": 2023, "grade": AssessmentGrade.COMPETENT},
    "record": {"kind": RecordKind.REWARD, "name": "嘉奖", "date": "2022.01"},
    "family": {"relation": "儿子", "name": "赵小明", "birth_date": "2010.05"},
}
EDITABLE_SECTIONS = ("position", "education", "family")  # 考核 and 奖惩 are re-added, not edited
TABS = ("basic", "resume", "positions", "education", "assessments", "records", "family", "history")
APPROVAL_FORM = {
    "NiRenZhiWu": "县委办公室主任",
    "RenMianLiYou": "工作需要",
    "JiSuanNianLingShiJian": "2025.06",
    "TianBiaoRen": "张三",
}


def _section_posts(name: str, pk: int, t: dict[str, int], sections: tuple[str, ...]) -> list[Req]:
    reqs = []
    for section in sections:
        args = [section] if name == "child_add" else [section, t[section]]
        url = cadre_url(name, pk, *args)
        data = {} if name == "child_delete" else {**SECTION_DATA[section]}
        if name != "child_delete":
            reqs.append(get(url))
        reqs.append(post(url, {**data, "version": t["version"]}))
    return reqs


POOL_TABS = ("members", "history", "candidates", "log")


def pool_url(name: str, pk: int) -> str:
    return reverse(f"development:{name}", args=[pk])


DEV_OBJECT_PROBES: dict[str, ObjectProbe] = {
    "development:pool_detail": ObjectProbe(
        "pool",
        "clerk",
        lambda pk, t: [get(pool_url("pool_detail", pk) + f"?tab={tab}") for tab in POOL_TABS],
    ),
    "development:pool_edit": ObjectProbe(
        "pool",
        "clerk",
        lambda pk, t: [
            get(pool_url("pool_edit", pk)),
            post(pool_url("pool_edit", pk), {"kind": "young", "name": "探测干部库", "version": 1}),
        ],
    ),
    "development:pool_export": ObjectProbe(
        "pool",
        "clerk",
        lambda pk, t: [
            get(pool_url("pool_export", pk)),
            get(pool_url("pool_export", pk) + "?status=out"),
        ],
    ),
    "development:entry_add": ObjectProbe(
        "pool",
        "clerk",
        lambda pk, t: [
            get(pool_url("entry_add", pk) + "?q=jjw"),
            post(pool_url("entry_add", pk), {"cadre": t["cadre"], "reason": "探测"}),
        ],
    ),
    "development:entry_detail": ObjectProbe(
        "entry", "leader", lambda pk, t: get(pool_url("entry_detail", pk))
    ),
    "development:entry_exit": ObjectProbe(
        "entry",
        "clerk",
        lambda pk, t: [
            get(pool_url("entry_exit", pk)),
            post(pool_url("entry_exit", pk), {"exit_reason": "探测"}),
        ],
    ),
    "development:evidence_add": ObjectProbe(
        "entry",
        "clerk",
        lambda pk, t: post(pool_url("evidence_add", pk), {"tag": "done", "text": "探测"}),
    ),
    "development:evidence_delete": ObjectProbe(
        "evidence", "clerk", lambda pk, t: post(pool_url("evidence_delete", pk))
    ),
    "api:pool_members": ObjectProbe(
        "pool",
        "leader",
        lambda pk, t: [
            api("get", f"/pools/{pk}/members"),
            api("get", f"/pools/{pk}/members?status=out"),
        ],
    ),
    "api:pool_candidates": ObjectProbe(
        "pool", "leader", lambda pk, t: api("get", f"/pools/{pk}/candidates")
    ),
    "api:pool_entry_add": ObjectProbe(
        "pool",
        "clerk",
        lambda pk, t: api(
            "post", f"/pools/{pk}/entries", {"cadre_id": t["cadre"], "reason": "探测"}
        ),
    ),
    "api:pool_entry_exit": ObjectProbe(
        "entry",
        "clerk",
        lambda pk, t: api("post", f"/pools/{t['pool']}/entries/{pk}/exit", {"reason": "探测"}),
    ),
}

DEV_LIST_PROBES: dict[str, Callable[[dict[str, int]], list[Req]]] = {
    "development:pool_list": lambda t: [
        get(reverse("development:pool_list")),
        get(reverse("development:pool_list") + "?q=甲&inactive=1"),
    ],
    "development:pool_create": lambda t: [get(reverse("development:pool_create"))],
    "api:pool_list": lambda t: [
        api("get", "/pools?include_inactive=true"),
        api("get", "/pools?q=甲"),
    ],
}


OBJECT_PROBES: dict[str, ObjectProbe] = {
    # --- pages -------------------------------------------------------------------------
    "orgs:detail": ObjectProbe(
        "unit", "clerk", lambda pk, t: get(reverse("orgs:detail", args=[pk]))
    ),
    "orgs:children": ObjectProbe(
        "unit", "clerk", lambda pk, t: get(reverse("orgs:children", args=[pk]))
    ),
    "orgs:create": ObjectProbe(
        "unit", "clerk", lambda pk, t: get(reverse("orgs:create", args=[pk]))
    ),
    "orgs:edit": ObjectProbe("unit", "clerk", lambda pk, t: get(reverse("orgs:edit", args=[pk]))),
    "orgs:move": ObjectProbe("leaf", "clerk", lambda pk, t: get(reverse("orgs:move", args=[pk]))),
    "orgs:deactivate": ObjectProbe(
        "leaf", "clerk", lambda pk, t: post(reverse("orgs:deactivate", args=[pk]))
    ),
    "orgs:quota": ObjectProbe(
        "unit",
        "clerk",
        lambda pk, t: post(reverse("orgs:quota", args=[pk]), {"rank_level": "141", "quota": 1}),
    ),
    # The unit-tree import: the target unit by id (links) or by code (the form's POST).
    "orgs:import": ObjectProbe(
        "unit",
        "clerk",
        lambda pk, t: [
            get(reverse("orgs:import") + f"?unit={pk}"),
            post(reverse("orgs:import"), {"unit": _unit_code(pk), "file": _units_file()}),
        ],
    ),
    "accounts:user_detail": ObjectProbe(
        "user", "sysadmin", lambda pk, t: get(reverse("accounts:user_detail", args=[pk]))
    ),
    "accounts:user_action": ObjectProbe(
        "user",
        "sysadmin",
        lambda pk, t: post(reverse("accounts:user_action", args=[pk, "disable"])),
    ),
    "accounts:grant_remove": ObjectProbe(
        "grant", "secadmin", lambda pk, t: post(reverse("accounts:grant_remove", args=[pk]))
    ),
    "accounts:reset_confirm": ObjectProbe(
        "reset", "secadmin", lambda pk, t: post(reverse("accounts:reset_confirm", args=[pk]))
    ),
    "accounts:totp_code_issue": ObjectProbe(
        "user", "secadmin", lambda pk, t: post(reverse("accounts:totp_code_issue", args=[pk]))
    ),
    "accounts:token_revoke": ObjectProbe(
        "token", "liaison_a", lambda pk, t: post(reverse("accounts:token_revoke", args=[pk]))
    ),
    "cadres:detail": ObjectProbe(
        "cadre",
        "liaison_a",
        lambda pk, t: [
            get(cadre_url("detail", pk)),
            *[get(cadre_url("detail", pk) + f"?tab={tab}") for tab in TABS],
        ],
    ),
    "cadres:edit": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: [
            get(cadre_url("edit", pk)),
            post(
                cadre_url("edit", pk),
                {
                    "name": "探测干部",
                    "sex": "1",
                    "birth_date": "1978.03",
                    "management_level": "04",
                    "version": t["version"],
                },
            ),
        ],
    ),
    "cadres:resume_edit": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: [
            get(cadre_url("resume_edit", pk)),
            post(
                cadre_url("resume_edit", pk),
                {"resume_manual": "on", "resume": "探测", "version": t["version"]},
            ),
        ],
    ),
    "cadres:status": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: [
            get(cadre_url("status", pk)),
            post(
                cadre_url("status", pk),
                {"status": "retired", "on": "2025.01", "version": t["version"]},
            ),
        ],
    ),
    "cadres:transfer": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: [
            get(cadre_url("transfer", pk)),
            post(cadre_url("transfer", pk), {"to_unit": "TB00", "version": t["version"]}),
        ],
    ),
    "cadres:photo_upload": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: [
            get(cadre_url("photo_upload", pk)),
            post(cadre_url("photo_upload", pk), {"photo": _photo_file()}),
            post(cadre_url("photo_upload", pk), {"delete": "1"}),
        ],
    ),
    "cadres:photo": ObjectProbe("cadre", "liaison_a", lambda pk, t: get(cadre_url("photo", pk))),
    "cadres:id_conflict_transfer": ObjectProbe(
        "id_conflict",
        "clerk",
        lambda pk, t: post(reverse("cadres:id_conflict_transfer", args=[pk])),
    ),
    "cadres:id_conflict_reject": ObjectProbe(
        "id_conflict",
        "clerk",
        lambda pk, t: post(reverse("cadres:id_conflict_reject", args=[pk]), {"reason": "探测"}),
    ),
    "cadres:reveal_id": ObjectProbe(
        "cadre", "clerk", lambda pk, t: post(cadre_url("reveal_id", pk))
    ),
    "cadres:approval_form": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: [
            get(cadre_url("approval_form", pk)),
            post(cadre_url("approval_form", pk), APPROVAL_FORM),
        ],
    ),
    "cadres:lrmx_export_one": ObjectProbe(
        "cadre", "clerk", lambda pk, t: get(cadre_url("lrmx_export_one", pk))
    ),
    "cadres:child_add": ObjectProbe(
        "cadre", "clerk", lambda pk, t: _section_posts("child_add", pk, t, tuple(SECTION_DATA))
    ),
    "cadres:child_edit": ObjectProbe(
        "cadre", "clerk", lambda pk, t: _section_posts("child_edit", pk, t, EDITABLE_SECTIONS)
    ),
    "cadres:child_delete": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: _section_posts("child_delete", pk, t, tuple(SECTION_DATA)),
    ),
    "cadres:position_end": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: [
            get(cadre_url("position_end", pk, t["position"])),
            post(
                cadre_url("position_end", pk, t["position"]),
                {"end_date": "2024.12", "version": t["version"]},
            ),
        ],
    ),
    # A column set is its owner's (here the clerk's): everybody else gets the missing 404.
    "cadres:column_set_delete": ObjectProbe(
        "column_set", "clerk", lambda pk, t: post(reverse("cadres:column_set_delete", args=[pk]))
    ),
    # --- API ---------------------------------------------------------------------------
    "api:unit_detail": ObjectProbe("unit", "clerk", lambda pk, t: api("get", f"/units/{pk}")),
    "api:unit_update": ObjectProbe(
        "unit", "clerk", lambda pk, t: api("patch", f"/units/{pk}", {"version": 1, "order": 7})
    ),
    "api:unit_children": ObjectProbe(
        "unit", "clerk", lambda pk, t: api("get", f"/units/{pk}/children")
    ),
    "api:unit_create": ObjectProbe(
        "unit", "clerk", lambda pk, t: api("post", "/units", _new_unit(pk))
    ),
    "api:unit_move": ObjectProbe(
        "leaf",
        "clerk",
        lambda pk, t: api("post", f"/units/{pk}/move", {"new_parent_id": t["b"], "version": 1}),
    ),
    "api:unit_deactivate": ObjectProbe(
        "leaf", "clerk", lambda pk, t: api("post", f"/units/{pk}/deactivate")
    ),
    "api:unit_restore": ObjectProbe(
        "leaf", "clerk", lambda pk, t: api("post", f"/units/{pk}/restore")
    ),
    "api:quota_list": ObjectProbe("unit", "clerk", lambda pk, t: api("get", f"/units/{pk}/quotas")),
    "api:quota_set": ObjectProbe(
        "unit",
        "clerk",
        lambda pk, t: api("put", f"/units/{pk}/quotas", {"rank_level": "141", "quota": 1}),
    ),
    "api:cadre_detail": ObjectProbe(
        "cadre", "liaison_a", lambda pk, t: api("get", f"/cadres/{pk}")
    ),
    "api:cadre_update": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: api("patch", f"/cadres/{pk}", {"version": t["version"], "health": "良好"}),
    ),
    "api:cadre_status": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: api(
            "post", f"/cadres/{pk}/status", {"status": "retired", "on": "2025-01-01", "version": 1}
        ),
    ),
    "api:position_start": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: api(
            "post",
            f"/cadres/{pk}/positions",
            {
                "unit_name": "测试县委组织部",
                "title": "副部长",
                "start_date": "2020-01-01",
                "version": 1,
            },
        ),
    ),
    "api:position_end": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: api(
            "post",
            f"/cadres/{pk}/positions/{t['position']}/end",
            {"end_date": "2024-12-01", "version": 1},
        ),
    ),
    "api:assessment_set": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: api(
            "put", f"/cadres/{pk}/assessments", {"year": 2023, "grade": "competent", "version": 1}
        ),
    ),
    "api:lrmx_export": ObjectProbe(
        "cadre", "clerk", lambda pk, t: api("get", f"/cadres/{pk}/lrmx")
    ),
    "api:approval_form": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: api("get", f"/cadres/{pk}/approval-form?proposed=%E4%B8%BB%E4%BB%BB"),
    ),
    "api:cadre_create": ObjectProbe(
        "unit",
        "clerk",
        lambda pk, t: api(
            "post",
            "/cadres",
            {"unit_id": pk, "name": "探测干部", "sex": "1", "birth_date": "1980-01-01"},
        ),
    ),
    # team structure -------------------------------------------------------------------
    "analysis:team": ObjectProbe(
        "unit",
        "clerk",
        lambda pk, t: [
            get(reverse("analysis:team", args=[pk])),
            get(reverse("analysis:team", args=[pk]) + "?export=xlsx"),
        ],
    ),
    "analysis:structure": ObjectProbe(
        "unit", "liaison_a", lambda pk, t: get(reverse("analysis:structure", args=[pk]))
    ),
    "api:unit_team": ObjectProbe(
        "unit", "liaison_a", lambda pk, t: api("get", f"/units/{pk}/team")
    ),
    "api:unit_structure": ObjectProbe(
        "unit", "liaison_a", lambda pk, t: api("get", f"/units/{pk}/structure")
    ),
    # alerts --------------------------------------------------------------------------
    "alerts:handle": ObjectProbe(
        "alert",
        "clerk",
        lambda pk, t: post(
            reverse("alerts:handle", args=[pk]), {"do": "acknowledge", "note": "探测"}
        ),
    ),
    "alerts:compute_cadre": ObjectProbe(
        "cadre", "clerk", lambda pk, t: post(reverse("alerts:compute_cadre", args=[pk]))
    ),
    "alerts:rule_edit": ObjectProbe(
        "rule", "sysadmin", lambda pk, t: get(reverse("alerts:rule_edit", args=[pk]))
    ),
    "api:alert_status": ObjectProbe(
        "alert",
        "clerk",
        lambda pk, t: api("post", f"/alerts/{pk}/status", {"status": "acknowledged"}),
    ),
    "api:cadre_alerts": ObjectProbe(
        "cadre",
        "clerk",  # ?fresh=true recomputes, which needs alerts.handle
        lambda pk, t: [
            api("get", f"/cadres/{pk}/alerts"),
            api("get", f"/cadres/{pk}/alerts?fresh=true"),
        ],
    ),
    "api:alert_rule_update": ObjectProbe(
        "rule",
        "sysadmin",
        lambda pk, t: api("patch", f"/alert-rules/{pk}", {"enabled": True, "version": 1}),
    ),
    # Multipart uploads into unit A: refused like an upload into a unit that does not exist.
    "api:lrmx_import": ObjectProbe(
        "unit",
        "clerk",
        lambda pk, t: post("/api/v1/cadres/import/lrmx", {"unit_id": pk, "file": _lrmx_file(t)}),
    ),
    "api:excel_import": ObjectProbe(
        "unit",
        "clerk",
        lambda pk, t: post("/api/v1/cadres/import/excel", {"unit_id": pk, "file": _excel_file()}),
    ),
}

LIST_PROBES: dict[str, Callable[[dict[str, int]], list[Req]]] = {
    "home:dashboard": lambda t: [get("/")],
    "home:calendar": lambda t: [get("/calendar/"), get("/calendar/?year=2027")],
    "alerts:list": lambda t: [
        get(reverse("alerts:list") + "?status=all&resolved=on"),
        # Pages echo the filter typed, so they are probed with the root and a partial name;
        # the exports (no echo) with unit A's own code and the cadre's full name.
        get(reverse("alerts:list") + "?unit=T000&status=all"),
        get(reverse("alerts:list") + "?q=甲&status=all"),
        get(reverse("alerts:list") + "?export=xlsx&status=all&resolved=on"),
        get(reverse("alerts:list") + "?export=xlsx&unit=TA00&status=all"),
        get(reverse("alerts:list") + f"?export=xlsx&q={CADRE_NAME}&status=all"),
    ],
    "alerts:compute": lambda t: [post(reverse("alerts:compute"))],
    "alerts:handle_many": lambda t: [
        post(
            reverse("alerts:handle_many"),
            {"ids": [t["alert"]], "do": "acknowledge", "note": "探测"},
        )
    ],
    "alerts:rules": lambda t: [get(reverse("alerts:rules"))],
    "api:alert_list": lambda t: [
        api("get", "/alerts?status=all&include_resolved=true"),
        api("get", "/alerts?unit=TA00"),
        api("get", f"/alerts?q={CADRE_NAME}"),
    ],
    "api:alert_compute": lambda t: [api("post", "/alerts/compute", {})],
    "api:alert_rule_list": lambda t: [api("get", "/alert-rules")],
    "accounts:login": lambda t: [get(reverse("accounts:login"))],
    "accounts:totp": lambda t: [get(reverse("accounts:totp"))],
    "accounts:logout": lambda t: [post(reverse("accounts:logout"))],
    "accounts:password_change": lambda t: [get(reverse("accounts:password_change"))],
    "accounts:user_list": lambda t: [get(reverse("accounts:user_list") + "?q=liaison_a")],
    "accounts:user_create": lambda t: [get(reverse("accounts:user_create"))],
    "accounts:grant_list": lambda t: [get(reverse("accounts:grant_list"))],
    "accounts:handover": lambda t: [get(reverse("accounts:handover"))],
    "accounts:token_list": lambda t: [get(reverse("accounts:token_list"))],
    "accounts:unit_options": lambda t: [get(reverse("accounts:unit_options") + "?unit=甲")],
    "accounts:user_options": lambda t: [get(reverse("accounts:user_options") + "?user=liaison")],
    "orgs:tree": lambda t: [get(reverse("orgs:tree")), get(reverse("orgs:tree") + "?q=甲")],
    "orgs:list": lambda t: [
        get(reverse("orgs:list") + "?size=100&inactive=1"),
        get(reverse("orgs:list") + "?q=jz"),
        get(reverse("orgs:list") + "?q=ta00"),  # the box echoes the query
        get(reverse("orgs:list") + "?export=xlsx&inactive=1"),
    ],
    "orgs:search": lambda t: [
        get(reverse("orgs:search") + "?q=甲"),
        get(reverse("orgs:search") + "?new_parent=TA0"),
    ],
    "orgs:import_template": lambda t: [get(reverse("orgs:import_template"))],
    # A staged unit import is bound to its uploader (core/staging.py) and their session: a
    # made-up token is a 404 for everyone.
    "orgs:import_preview": lambda t: [
        get(reverse("orgs:import_preview", args=["bogus-token"])),
        post(reverse("orgs:import_preview", args=["bogus-token"]), {}),
    ],
    "audit:event_list": lambda t: [get(reverse("audit:event_list") + "?q=甲")],
    "audit:verify": lambda t: [get(reverse("audit:verify"))],
    "api:api-root": lambda t: [api("get", "/")],
    "api:openapi-json": lambda t: [api("get", "/openapi.json")],
    "api:openapi-view": lambda t: [api("get", "/docs")],
    "api:me": lambda t: [api("get", "/me")],
    "api:unit_list": lambda t: [
        api("get", "/units?include_inactive=true"),
        api("get", "/units?q=甲"),
        api("get", f"/units?parent={t['unit']}"),
    ],
    # The roster page echoes its filter boxes, so queries that name unit A's code or the
    # cadre's full name are compared with queries naming nothing, in a test of their own.
    "cadres:roster": lambda t: [
        get(reverse("cadres:roster") + "?status=all&size=100"),
        get(reverse("cadres:roster") + "?q=甲&status=all"),
        get(reverse("cadres:roster") + "?q=jjw"),
        get(reverse("cadres:roster") + "?unit=T000&status=all&sort=-name"),
        get(reverse("cadres:roster") + "?export=xlsx&status=all"),
        get(reverse("cadres:roster") + "?export=xlsx&unit=TA00"),
        get(reverse("cadres:roster") + f"?export=xlsx&q={CADRE_NAME}"),
        get(reverse("cadres:roster") + "?export=xlsx&q=jjw&columns=name&columns=id_number"),
    ],
    "cadres:id_conflicts": lambda t: [get(reverse("cadres:id_conflicts"))],
    "cadres:search": lambda t: [
        get(reverse("cadres:search") + "?q=甲"),
        hx(reverse("cadres:search") + "?q=甲"),
        hx(reverse("cadres:search") + "?q=jjw"),
    ],
    "cadres:unit_options": lambda t: [
        get(reverse("cadres:unit_options") + "?unit=甲"),
        get(reverse("cadres:unit_options") + "?for=view&q=jz"),
        get(reverse("cadres:unit_options") + "?to_unit=ta"),
    ],
    "cadres:column_set_save": lambda t: [
        post(
            reverse("cadres:column_set_save"),
            {"name": "探测列组合", "columns": ["name", "unit"], "back": "unit=T000"},
        )
    ],
    "cadres:create": lambda t: [get(reverse("cadres:create"))],
    "cadres:batch": lambda t: [
        get(reverse("cadres:batch") + f"?ids={t['cadre']}"),
        post(reverse("cadres:batch"), {"ids": [t["cadre"]], "order": "1", **APPROVAL_FORM}),
        post(
            reverse("cadres:batch"),
            {"ids": [t["cadre"]], "order": "1", "what": "lrmx", **APPROVAL_FORM},
        ),
    ],
    "cadres:import_template": lambda t: [get(reverse("cadres:import_template"))],
    "cadres:import_excel": lambda t: [get(reverse("cadres:import_excel"))],
    "cadres:import_lrmx": lambda t: [get(reverse("cadres:import_lrmx"))],
    # import/excel/ and import/lrmx/ are their own patterns (above): this one only answers
    # the other kinds, every one of them a 404.
    "cadres:import": lambda t: [get(reverse("cadres:import", args=["xml"]))],
    # A staged upload is bound to its uploader's session: a token is nobody else's object,
    # so a made-up one is a 404 for everyone (see the staged-import test below).
    "cadres:import_preview": lambda t: [
        get(reverse("cadres:import_preview", args=["excel", "bogus-token"])),
        post(reverse("cadres:import_preview", args=["lrmx", "bogus-token"]), {"confirm": "1"}),
    ],
    "api:cadre_list": lambda t: [
        api("get", "/cadres?status=all"),
        api("get", "/cadres?q=甲&status=all"),
        api("get", "/cadres?unit=TA00"),
        api("get", f"/cadres?q={CADRE_NAME}"),
    ],
    "api:roster_export": lambda t: [
        api("get", "/cadres-export?status=all"),
        api("get", "/cadres-export?unit=TA00"),
        api("get", f"/cadres-export?q={CADRE_NAME}&columns=name,unit,id_number"),
    ],
}


def prog_url(name: str, pk: int) -> str:
    return reverse(f"development:{name}", args=[pk])


PROG_OBJECT_PROBES: dict[str, ObjectProbe] = {
    "development:programme_detail": ObjectProbe(
        "programme",
        "leader",
        lambda pk, t: [
            get(prog_url("programme_detail", pk)),
            get(prog_url("programme_detail", pk) + "?status=planned"),
        ],
    ),
    "development:programme_edit": ObjectProbe(
        "programme",
        "clerk",
        lambda pk, t: [
            get(prog_url("programme_edit", pk)),
            post(
                prog_url("programme_edit", pk),
                {
                    "kind": "secondment",
                    "name": "探测培养项目",
                    "start_date": "2024-01-01",
                    "version": 1,
                },
            ),
        ],
    ),
    "development:assignment_add": ObjectProbe(
        "programme",
        "clerk",
        lambda pk, t: [
            get(prog_url("assignment_add", pk) + "?q=jjw"),
            get(prog_url("assignment_add", pk) + f"?cadre={t['cadre']}"),
            post(
                prog_url("assignment_add", pk),
                {
                    "cadre": t["cadre"],
                    "host_name": "探测镇",
                    "post_title": "探测职务",
                    "start_date": "2025-01-01",
                    "end_date": "2025-06-01",
                },
            ),
        ],
    ),
    "development:assignment_detail": ObjectProbe(
        "assignment", "leader", lambda pk, t: get(prog_url("assignment_detail", pk))
    ),
    "development:assignment_edit": ObjectProbe(
        "assignment",
        "clerk",
        lambda pk, t: [
            get(prog_url("assignment_edit", pk)),
            post(
                prog_url("assignment_edit", pk),
                {
                    "host_name": "探测镇",
                    "post_title": "探测职务",
                    "start_date": "2024-03-01",
                    "end_date": "2025-03-01",
                    "version": 1,
                },
            ),
        ],
    ),
    # The export needs the cadre export right as well: the clerk holds it, the leader not.
    "development:programme_export": ObjectProbe(
        "programme",
        "clerk",
        lambda pk, t: [
            get(prog_url("programme_export", pk)),
            get(prog_url("programme_export", pk) + "?status=planned"),
        ],
    ),
    "development:assignment_start": ObjectProbe(
        "assignment", "clerk", lambda pk, t: post(prog_url("assignment_start", pk))
    ),
    "development:assignment_evaluate": ObjectProbe(
        "assignment",
        "clerk",
        lambda pk, t: post(
            prog_url("assignment_evaluate", pk),
            {"stage": "mid", "text": "探测", "evaluated_on": "2024-09-01"},
        ),
    ),
    "development:assignment_end": ObjectProbe(
        "assignment",
        "clerk",
        lambda pk, t: post(prog_url("assignment_end", pk), {"ended_on": "2025-01-01"}),
    ),
    "development:assignment_cancel": ObjectProbe(
        "assignment",
        "clerk",
        lambda pk, t: post(prog_url("assignment_cancel", pk), {"cancel_reason": "探测"}),
    ),
    "api:programme_assignments": ObjectProbe(
        "programme",
        "leader",
        lambda pk, t: [
            api("get", f"/programmes/{pk}/assignments"),
            api("get", f"/programmes/{pk}/assignments?status=planned"),
        ],
    ),
    "api:assignment_create": ObjectProbe(
        "programme",
        "clerk",
        lambda pk, t: api(
            "post",
            f"/programmes/{pk}/assignments",
            {
                "cadre_id": t["cadre"],
                "host_name": "探测镇",
                "post_title": "探测职务",
                "start_date": "2025-01-01",
                "end_date": "2025-06-01",
            },
        ),
    ),
    "api:assignment_detail": ObjectProbe(
        "assignment", "leader", lambda pk, t: api("get", f"/assignments/{pk}")
    ),
    "api:assignment_update": ObjectProbe(
        "assignment",
        "clerk",
        lambda pk, t: api("patch", f"/assignments/{pk}", {"version": 1, "post_title": "探测职务"}),
    ),
    "api:assignment_start": ObjectProbe(
        "assignment", "clerk", lambda pk, t: api("post", f"/assignments/{pk}/start", {"version": 1})
    ),
    "api:assignment_evaluate": ObjectProbe(
        "assignment",
        "clerk",
        lambda pk, t: api(
            "post",
            f"/assignments/{pk}/evaluate",
            {"stage": "mid", "text": "探测", "evaluated_on": "2024-09-01", "version": 1},
        ),
    ),
    "api:assignment_end": ObjectProbe(
        "assignment",
        "clerk",
        lambda pk, t: api(
            "post", f"/assignments/{pk}/end", {"ended_on": "2025-01-01", "version": 1}
        ),
    ),
    "api:assignment_cancel": ObjectProbe(
        "assignment",
        "clerk",
        lambda pk, t: api("post", f"/assignments/{pk}/cancel", {"reason": "探测", "version": 1}),
    ),
}

PROG_LIST_PROBES: dict[str, Callable[[dict[str, int]], list[Req]]] = {
    "development:programme_list": lambda t: [
        get(reverse("development:programme_list")),
        get(reverse("development:programme_list") + "?q=甲&inactive=1"),
    ],
    "development:programme_create": lambda t: [get(reverse("development:programme_create"))],
    "api:programme_list": lambda t: [
        api("get", "/programmes?include_inactive=true"),
        api("get", "/programmes?q=甲"),
    ],
    # Creating a programme names its unit by id: unit A's id must answer like a missing one
    # (both 404 "对象不存在"); the body never names unit A.
    "api:programme_create": lambda t: [
        api(
            "post",
            "/programmes",
            {
                "unit_id": t["unit"],
                "kind": "secondment",
                "name": "探测培养项目",
                "start_date": "2025-01-01",
            },
        )
    ],
}


PROBE_PDF = tiny_pdf()


def sel_url(name: str, pk: int, *args: Any) -> str:
    return reverse(f"selection:{name}", args=[pk, *args])


SELECTION_OBJECT_PROBES: dict[str, Any] = {
    "selection:attachment_add": ObjectProbe(
        "selection_case",
        "clerk",
        lambda pk, t: post(
            sel_url("attachment_add", pk),
            {"stage": "proposal", "file": SimpleUploadedFile("探测.pdf", PROBE_PDF)},
        ),
    ),
    "selection:attachment_download": ObjectProbe(
        "selection_attachment",
        "leader",
        lambda pk, t: get(reverse("selection:attachment_download", args=[pk])),
    ),
    "selection:attachment_delete": ObjectProbe(
        "selection_attachment",
        "clerk",
        lambda pk, t: post(reverse("selection:attachment_delete", args=[pk])),
    ),
    "selection:case_detail": ObjectProbe(
        "selection_case", "leader", lambda pk, t: get(sel_url("case_detail", pk))
    ),
    "selection:case_record_pdf": ObjectProbe(
        "selection_case", "leader", lambda pk, t: get(sel_url("case_record_pdf", pk))
    ),
    "selection:case_advance": ObjectProbe(
        "selection_case",
        "clerk",
        lambda pk, t: [
            post(sel_url("case_advance", pk), {"to_stage": "candidates", "on": "2026-01-19"}),
            post(sel_url("case_advance", pk), {"to_stage": "proposal", "reason": "探测"}),
        ],
    ),
    "selection:stage_record": ObjectProbe(
        "selection_case",
        "clerk",
        lambda pk, t: post(
            sel_url("stage_record", pk, "proposal"),
            {"stage-proposal-date": "2026-01-05", "stage-proposal-outcome": "探测"},
        ),
    ),
    "selection:candidate_add": ObjectProbe(
        "selection_case",
        "clerk",
        lambda pk, t: post(
            sel_url("candidate_add", pk), {"cadre": t["cadre"], "recommendation_votes": "9"}
        ),
    ),
    "selection:candidate_options": ObjectProbe(
        "selection_case",
        "clerk",
        lambda pk, t: [
            get(sel_url("candidate_options", pk) + "?cadre=jjw"),
            get(sel_url("candidate_options", pk) + f"?cadre={CADRE_NAME}"),
        ],
    ),
    "selection:decision_record": ObjectProbe(
        "selection_case",
        "clerk",
        lambda pk, t: post(
            sel_url("decision_record", pk),
            {"date": "2026-02-24", "members_due": "9", "members_present": "9"},
        ),
    ),
    "selection:notice_set": ObjectProbe(
        "selection_case",
        "clerk",
        lambda pk, t: post(
            sel_url("notice_set", pk), {"start_date": "2026-03-02", "working_days": "5"}
        ),
    ),
    "selection:checklist_set": ObjectProbe(
        "selection_candidate",
        "clerk",
        lambda pk, t: post(
            sel_url("checklist_set", pk),
            {f"c{pk}-file_review": "on", f"c{pk}-file_review_date": "2026-01-28"},
        ),
    ),
    "api:selection_case_record": ObjectProbe(
        "selection_case", "leader", lambda pk, t: api("get", f"/selection/cases/{pk}")
    ),
    "api:selection_case_advance": ObjectProbe(
        "selection_case",
        "clerk",
        lambda pk, t: [
            api("post", f"/selection/cases/{pk}/advance", {"to_stage": "candidates", "version": 1}),
            api(
                "post",
                f"/selection/cases/{pk}/advance",
                {"to_stage": "proposal", "reason": "探测", "version": 1},
            ),
        ],
    ),
    "api:selection_stage_record_set": ObjectProbe(
        "selection_case",
        "clerk",
        lambda pk, t: api(
            "put",
            f"/selection/cases/{pk}/stages/proposal",
            {"date": "2026-01-05", "outcome": "探测", "version": 1},
        ),
    ),
    "api:selection_candidate_add": ObjectProbe(
        "selection_case",
        "clerk",
        lambda pk, t: api(
            "post", f"/selection/cases/{pk}/candidates", {"cadre_id": t["cadre"], "version": 1}
        ),
    ),
    "api:selection_decision_record": ObjectProbe(
        "selection_case",
        "clerk",
        lambda pk, t: api(
            "post",
            f"/selection/cases/{pk}/decision",
            {
                "date": "2026-02-24",
                "members_due": 9,
                "members_present": 9,
                "votes": [],
                "version": 1,
            },
        ),
    ),
    "api:selection_notice_set": ObjectProbe(
        "selection_case",
        "clerk",
        lambda pk, t: api(
            "put", f"/selection/cases/{pk}/notice", {"start_date": "2026-03-02", "version": 1}
        ),
    ),
    "api:selection_attachments": ObjectProbe(
        "selection_case", "leader", lambda pk, t: api("get", f"/selection/cases/{pk}/attachments")
    ),
    "api:selection_candidate_withdraw": ObjectProbe(
        "selection_candidate",
        "clerk",
        lambda pk, t: api(
            "post", f"/selection/candidates/{pk}/withdraw", {"reason": "探测", "version": 1}
        ),
    ),
    "api:selection_checklist_set": ObjectProbe(
        "selection_candidate",
        "clerk",
        lambda pk, t: api(
            "put",
            f"/selection/candidates/{pk}/checklist",
            {"file_review": True, "file_review_date": "2026-01-28", "version": 1},
        ),
    ),
    "selection:candidate_withdraw": ObjectProbe(
        "selection_candidate",
        "clerk",
        lambda pk, t: post(sel_url("candidate_withdraw", pk), {"reason": "探测"}),
    ),
}

SELECTION_LIST_PROBES: dict[str, Any] = {
    "selection:case_list": lambda t: [
        get(reverse("selection:case_list")),
        get(reverse("selection:case_list") + "?stage=recommendation"),
    ],
    "api:selection_case_list": lambda t: [
        api("get", "/selection/cases"),
        api("get", "/selection/cases?stage=recommendation"),
    ],
    "selection:case_create": lambda t: [
        # GET only: a POST naming unit A's code would echo "TA00" back in the refused form.
        get(reverse("selection:case_create")),
    ],
}


def sup_url(name: str, pk: int) -> str:
    return reverse(f"supervision:{name}", args=[pk])


SUP_CONDUCT = {
    "polarity": "positive",
    "date": "2025-05-01",
    "source": "探测",
    "evidence": "探测",
}


def _indicator_pk() -> int:
    from supervision.models import Indicator

    return Indicator.objects.get(name="政治担当").pk


SUP_OBJECT_PROBES: dict[str, ObjectProbe] = {
    "supervision:cadre_profile": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: [
            get(sup_url("cadre_profile", pk)),
            post(sup_url("cadre_profile", pk), {**SUP_CONDUCT, "indicator": _indicator_pk()}),
        ],
    ),
    "supervision:conduct_delete": ObjectProbe(
        "conduct", "clerk", lambda pk, t: post(sup_url("conduct_delete", pk))
    ),
    "supervision:report_year_export": ObjectProbe(
        "report_year",
        "clerk",
        lambda pk, t: [
            get(sup_url("report_year_export", pk)),
            get(sup_url("report_year_export", pk) + "?state=no"),
        ],
    ),
    "supervision:report_year_detail": ObjectProbe(
        "report_year",
        "leader",
        lambda pk, t: [
            get(sup_url("report_year_detail", pk)),
            get(sup_url("report_year_detail", pk) + "?state=no"),
            get(sup_url("report_year_detail", pk) + "?state=yes"),
        ],
    ),
    "supervision:spot_check_draw": ObjectProbe(
        "report_year",
        "clerk",
        lambda pk, t: post(sup_url("spot_check_draw", pk), {"percentage": 10, "seed": 5}),
    ),
    "api:supervision_profile": ObjectProbe(
        "cadre", "leader", lambda pk, t: api("get", f"/supervision/cadres/{pk}/profile")
    ),
    "api:supervision_conduct_add": ObjectProbe(
        "cadre",
        "clerk",
        lambda pk, t: api(
            "post",
            f"/supervision/cadres/{pk}/conduct",
            {
                "polarity": "positive",
                "date": "2025-05-01",
                "indicator_id": _indicator_pk(),
                "source": "探测",
                "evidence": "探测",
            },
        ),
    ),
    "api:supervision_spot_check": ObjectProbe(
        "report_year",
        "leader",
        lambda pk, t: api("get", f"/supervision/report-years/{pk}/spot-check"),
    ),
    "api:supervision_report_year_detail": ObjectProbe(
        "report_year", "leader", lambda pk, t: api("get", f"/supervision/report-years/{pk}")
    ),
    "api:supervision_reports": ObjectProbe(
        "report_year",
        "leader",
        lambda pk, t: [
            api("get", f"/supervision/report-years/{pk}/reports"),
            api("get", f"/supervision/report-years/{pk}/reports?submitted=true&q=jjw"),
        ],
    ),
    "api:supervision_checks": ObjectProbe(
        "report_year",
        "leader",
        lambda pk, t: [
            api("get", f"/supervision/report-years/{pk}/checks"),
            api("get", f"/supervision/report-years/{pk}/checks?kind=random"),
        ],
    ),
    "api:supervision_targeted_check_add": ObjectProbe(
        "report_year",
        "clerk",
        lambda pk, t: api(
            "post",
            f"/supervision/report-years/{pk}/checks",
            {"cadre_id": t["cadre"], "reason": "探测"},
        ),
    ),
    "api:supervision_report_detail": ObjectProbe(
        "report", "leader", lambda pk, t: api("get", f"/supervision/reports/{pk}")
    ),
    "api:supervision_report_submit": ObjectProbe(
        "report",
        "clerk",
        lambda pk, t: api(
            "post", f"/supervision/reports/{pk}/submit", {"submitted_on": "2026-01-12"}
        ),
    ),
    "api:supervision_report_unsubmit": ObjectProbe(
        "report",
        "clerk",
        lambda pk, t: api("post", f"/supervision/reports/{pk}/unsubmit", {"reason": "登记有误"}),
    ),
    "api:supervision_report_item_add": ObjectProbe(
        "report",
        "clerk",
        lambda pk, t: api(
            "post", f"/supervision/reports/{pk}/items", {"category": "passport", "content": "探测"}
        ),
    ),
    "api:supervision_report_item_delete": ObjectProbe(
        "report_item", "clerk", lambda pk, t: api("delete", f"/supervision/reports/items/{pk}")
    ),
    "api:supervision_finding_add": ObjectProbe(
        "report",
        "clerk",
        lambda pk, t: api(
            "post",
            f"/supervision/reports/{pk}/findings",
            {
                "kind": "omission",
                "subkind": "om_other",
                "description": "探测",
                "consequence": "探测",
            },
        ),
    ),
    "api:supervision_key_unit_unmark": ObjectProbe(
        "key_unit", "clerk", lambda pk, t: api("delete", f"/supervision/key-units/{pk}")
    ),
    "supervision:targeted_check_add": ObjectProbe(
        "report_year",
        "clerk",
        lambda pk, t: post(
            sup_url("targeted_check_add", pk), {"report": t["report"], "reason": "探测"}
        ),
    ),
    "supervision:report_detail": ObjectProbe(
        "report", "leader", lambda pk, t: get(sup_url("report_detail", pk))
    ),
    "supervision:report_submit": ObjectProbe(
        "report",
        "clerk",
        lambda pk, t: post(sup_url("report_submit", pk), {"submitted_on": "2026-01-12"}),
    ),
    "supervision:report_unsubmit": ObjectProbe(
        "report",
        "clerk",
        lambda pk, t: post(sup_url("report_unsubmit", pk), {"reason": "登记有误"}),
    ),
    "supervision:report_item_add": ObjectProbe(
        "report",
        "clerk",
        lambda pk, t: post(
            sup_url("report_item_add", pk), {"category": "passport", "content": "探测"}
        ),
    ),
    "supervision:report_item_delete": ObjectProbe(
        "report_item", "clerk", lambda pk, t: post(sup_url("report_item_delete", pk))
    ),
    "supervision:finding_add": ObjectProbe(
        "report",
        "clerk",
        lambda pk, t: post(
            sup_url("finding_add", pk),
            {
                "kind": "omission",
                "subkind": "om_other",
                "description": "探测",
                "consequence": "探测",
            },
        ),
    ),
    "supervision:key_unit_unmark": ObjectProbe(
        "key_unit", "clerk", lambda pk, t: post(sup_url("key_unit_unmark", pk))
    ),
    "supervision:key_post_edit": ObjectProbe(
        "key_post",
        "clerk",
        lambda pk, t: [
            get(sup_url("key_post_edit", pk)),
            post(
                sup_url("key_post_edit", pk),
                {"title": "探测岗位", "match": "exact", "rotation_years": 3},
            ),
        ],
    ),
    "supervision:key_post_delete": ObjectProbe(
        "key_post", "clerk", lambda pk, t: post(sup_url("key_post_delete", pk))
    ),
    # The indicator catalogue has no unit: only its keeper (系统管理员) may change it, and
    # everyone else gets the 404 of a missing indicator or trait.
    "supervision:indicator_edit": ObjectProbe(
        "indicator",
        "sysadmin",
        lambda pk, t: [
            get(sup_url("indicator_edit", pk)),
            post(sup_url("indicator_edit", pk), {"name": "探测指标", "order": 1}),
        ],
    ),
    "supervision:trait_add": ObjectProbe(
        "indicator",
        "sysadmin",
        lambda pk, t: [
            get(sup_url("trait_add", pk)),
            post(sup_url("trait_add", pk), {"text": "探测特征", "order": 1}),
        ],
    ),
    "supervision:trait_edit": ObjectProbe(
        "trait",
        "sysadmin",
        lambda pk, t: [
            get(sup_url("trait_edit", pk)),
            post(sup_url("trait_edit", pk), {"text": "探测特征", "order": 1}),
        ],
    ),
    "supervision:trait_delete": ObjectProbe(
        "trait", "sysadmin", lambda pk, t: post(sup_url("trait_delete", pk))
    ),
}

SUP_LIST_PROBES: dict[str, Callable[[dict[str, int]], list[Req]]] = {
    "supervision:report_year_list": lambda t: [get(reverse("supervision:report_year_list"))],
    "supervision:report_year_create": lambda t: [get(reverse("supervision:report_year_create"))],
    "supervision:key_list": lambda t: [get(reverse("supervision:key_list"))],
    # GET only: a POST naming TA00 re-renders the code the outsider typed (not a leak, but
    # A_SECRETS would flag it); the refusal is covered in supervision/tests/test_pages.py.
    "supervision:key_post_create": lambda t: [get(reverse("supervision:key_post_create"))],
    "api:supervision_key_posts": lambda t: [api("get", "/supervision/key-posts")],
    "api:supervision_report_year_list": lambda t: [api("get", "/supervision/report-years")],
    "api:supervision_key_units": lambda t: [api("get", "/supervision/key-units")],
    # Marking names the unit by id: unit A's id answers like a missing one (404 "对象不存在").
    "api:supervision_key_unit_mark": lambda t: [
        api("post", "/supervision/key-units", {"unit_id": t["unit"], "reason": "power"})
    ],
    "api:supervision_indicators": lambda t: [
        api("get", "/supervision/indicators"),
        api("get", "/supervision/indicators?include_inactive=true"),
    ],
    # A refused mark re-renders the key list: it must hold unit B's rows only. (A POST naming
    # TA00 would echo the typed code; its refusal is covered in supervision/tests.)
    "supervision:key_unit_mark": lambda t: [
        post(reverse("supervision:key_unit_mark"), {"unit": "", "reason": "power"})
    ],
    "supervision:indicator_list": lambda t: [get(reverse("supervision:indicator_list"))],
    "supervision:indicator_create": lambda t: [
        get(reverse("supervision:indicator_create")),
        post(reverse("supervision:indicator_create"), {"name": "探测指标", "order": 1}),
    ],
}

OBJECT_PROBES.update(DEV_OBJECT_PROBES)
LIST_PROBES.update(DEV_LIST_PROBES)
OBJECT_PROBES.update(PROG_OBJECT_PROBES)
LIST_PROBES.update(PROG_LIST_PROBES)
OBJECT_PROBES.update(SELECTION_OBJECT_PROBES)
LIST_PROBES.update(SELECTION_LIST_PROBES)
OBJECT_PROBES.update(SUP_OBJECT_PROBES)
LIST_PROBES.update(SUP_LIST_PROBES)


def url_pattern_names() -> set[str]:
    """Every pattern of the project, ``namespace:name`` (the ninja API's routes included)."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                names.add(f"{namespace}{p.name}" if p.name else f"<unnamed {prefix}{p.pattern}>")

    walk(get_resolver().url_patterns, "", "")
    return names


def url_routes() -> list[tuple[str, str]]:
    """``(namespace:name, full route)`` of every named pattern, in resolution order."""
    routes: list[tuple[str, str]] = []

    def walk(patterns: list[Any], namespace: str, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                routes.append((f"{namespace}{p.name}", prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return routes


def pattern_of(req: Req) -> str:
    """The pattern that answers ``req``, by django.urls.resolve. The ninja API gives each
    operation of a path its own pattern, all with one view that picks the operation by the
    method: there the pattern is the one of the operation that takes ``req.method``."""
    match = resolve(urlsplit(req.path).path)
    func = match.func
    path_view = (
        inspect.getclosurevars(func).nonlocals.get("self") if inspect.isfunction(func) else None
    )
    if not isinstance(path_view, PathView):
        return match.view_name
    names = [name for name, route in url_routes() if route == match.route]
    for name, operation in zip(names, path_view.operations, strict=True):
        if req.method.upper() in operation.methods:
            return name
    return f"no operation of {match.route} for {req.method.upper()}"


def probe_table_problems(
    object_probes: dict[str, ObjectProbe],
    list_probes: dict[str, Callable[[dict[str, int]], list[Req]]],
    targets: dict[str, int],
) -> list[str]:
    """What is wrong with the probe tables: a row without a request, or a request that does
    not resolve to the pattern of the row it is listed under."""
    problems: list[str] = []

    def check(name: str, reqs: list[Req], label: str) -> None:
        if not reqs:
            problems.append(f"{name} ({label}): no request")
        for req in reqs:
            try:
                found = pattern_of(req)
            except Resolver404:
                problems.append(f"{name} ({label}): {req.method} {req.path} resolves to nothing")
                continue
            if found != name:
                problems.append(f"{name} ({label}): {req.method} {req.path} is {found}")

    for name, probe in object_probes.items():
        check(name, probe.requests(targets[probe.obj], targets), "object of unit A")
        check(name, probe.requests(MISSING, targets), "missing object")
    for name, build in list_probes.items():
        check(name, build(targets), "list")
    return problems


def send(client: Client, req: Req):
    call = getattr(client, req.method)
    extra = {"headers": req.headers} if req.headers else {}
    if req.json:
        body = json.dumps(req.data) if req.data is not None else ""
        return call(req.path, body, content_type="application/json", **extra)
    return call(req.path, req.data, **extra) if req.method == "post" else call(req.path, **extra)


def visible_text(response) -> str:
    """What the user receives, as text: the cells of an Excel export, else the body."""
    if response.get("Content-Type") == XLSX:
        data = b"".join(response.streaming_content) if response.streaming else response.content
        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            str(v) for row in book.active.iter_rows(values_only=True) for v in row if v is not None
        )
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    if response.get("Content-Type", "").startswith("application/json"):
        # JSON escapes non-ASCII (甲 → \u7532): compare the text a client would decode.
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def comparable(response) -> tuple[int, str, str]:
    # The masked CSRF token differs on every render (BREACH protection); nothing else may.
    body = CSRF_INPUT.sub('name="csrfmiddlewaretoken" value="…"', visible_text(response))
    return response.status_code, response.get("Content-Type", ""), body


class UnitAFixture(PersonaTestCase):
    """Unit A with one object of every kind (``targets``); also the bad-input fuzz test's."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # A second outsider who *can* change and export — inside unit B only — so the write
        # and export paths are checked against scope, not merely against a missing right.
        cls.clerk_b = make_user("clerk_b", Role.CADRE_CLERK, cls.units["b"])
        token, _ = api_token_create(acting_user=cls.liaison_a, name="甲镇对接")
        user_reset_password(acting_user=cls.sysadmin, user=cls.nobody)
        a, clerk = cls.units["a"], cls.clerk
        cadre = cadres.cadre_create(
            acting_user=clerk,
            unit=a,
            name=CADRE_NAME,
            id_number=CADRE_ID,
            ethnicity="01",
            political_status="01",
        )
        position = cadres.position_start(
            acting_user=clerk,
            cadre=cadre,
            unit=a,
            title="党委书记",
            rank_level="141",
            start_date=dt.date(2019, 1, 1),
        )
        education = cadres.education_add(
            acting_user=clerk,
            cadre=cadre,
            kind=EducationKind.FULL_TIME,
            education_level="21",
            degree="402",
            school="测试大学",
            major="经济学专业",
            start_date=dt.date(1996, 9, 1),
            end_date=dt.date(2000, 7, 1),
        )
        assessment = cadres.assessment_set(
            acting_user=clerk, cadre=cadre, year=2024, grade=AssessmentGrade.EXCELLENT
        )
        record = cadres.record_add(
            acting_user=clerk,
            cadre=cadre,
            kind=RecordKind.REWARD,
            name="优秀共产党员",
            date=dt.date(2021, 7, 1),
        )
        kin = cadres.family_add(
            acting_user=clerk,
            cadre=cadre,
            relation="妻子",
            name=KIN_NAME,
            political_status="群众",
            work_unit_post="测试县第一中学教师",
        )
        cadres.photo_set(acting_user=clerk, cadre=cadre, data=_png())
        column_set = cadres.column_set_save(
            acting_user=clerk, name="甲镇任免名单", columns=["name", "unit"]
        )
        # A second cadre of unit A whose ID number unit B's clerk entered without seeing
        # it: a 身份证号核实 only those who may change unit A's cadre can decide.
        held = cadres.cadre_create(
            acting_user=clerk,
            unit=a,
            name="甲二",
            id_number=build_id_number("433101", dt.date(1981, 5, 2), 311).value,
        )
        cadres.cadre_create(
            acting_user=cls.clerk_b,
            unit=cls.units["b"],
            name="钱丙文",
            id_number=held.id_number,
        )
        id_conflict = IdNumberConflict.objects.get(holder=held)
        # Unit B's own cadre, for the outsider clerk's legitimate writes.
        cls.cadre_b = cadres.cadre_create(
            acting_user=clerk,
            unit=cls.units["b"],
            name="钱乙武",
            sex="1",
            birth_date=dt.date(1985, 2, 1),
        )
        alert = _alert_of(cadre)
        from development import services as development

        pool = development.pool_create(
            acting_user=clerk, unit=a, kind="young", name="甲镇年轻干部库", criteria={}
        )
        entry = development.pool_entry_add(
            acting_user=clerk, pool=pool, cadre=cadre, reason="组织推荐"
        )
        evidence = development.pool_evidence_add(
            acting_user=clerk, entry=entry, tag="done", text="牵头完成全镇土地确权"
        )
        programme = development.programme_create(
            acting_user=clerk,
            unit=a,
            kind="secondment",
            name="甲镇挂职锻炼",
            start_date=dt.date(2024, 1, 1),
        )
        assignment = development.assignment_create(
            acting_user=clerk,
            programme=programme,
            cadre=cadre,
            host_name="临江县石桥镇",
            post_title="党委副书记",
            start_date=dt.date(2024, 3, 1),
            end_date=dt.date(2025, 3, 1),
        )
        from selection import services as selection

        sel_case = selection.case_create(
            acting_user=clerk,
            unit=a,
            title="甲镇镇长选拔任用",
            posts=[{"unit": a, "title": "镇长", "rank_level": "141"}],
            opened_on=dt.date(2026, 1, 5),
        )
        sel_case = selection.case_advance(
            clerk, sel_case, "recommendation", on=dt.date(2026, 1, 12)
        )
        sel_candidate = selection.candidate_add(
            acting_user=clerk, case=sel_case, cadre=cadre, post=sel_case.posts.get()
        )
        sel_attachment = selection.attachment_add(
            acting_user=clerk,
            case=sel_case,
            stage="proposal",
            name="甲镇动议材料.pdf",
            data=PROBE_PDF,
        )
        from supervision import services as supervision
        from supervision.models import Indicator

        conduct = supervision.conduct_add(
            acting_user=clerk,
            cadre=cadre,
            polarity="negative",
            date=dt.date(2025, 3, 1),
            indicator=Indicator.objects.get(name="政治担当"),
            source="巡察反馈",
            evidence="防汛期间擅离岗位",
        )
        report_year = supervision.report_year_create(
            acting_user=clerk, unit=a, year=2025, rank_levels=["141"]
        )
        report = report_year.reports.get(cadre=cadre)
        supervision.report_submit(
            acting_user=clerk, report=report, submitted_on=dt.date(2026, 1, 10)
        )
        supervision.spot_check_draw(acting_user=clerk, report_year=report_year, seed=1)
        key_unit = supervision.key_unit_mark(acting_user=clerk, unit=a, reason="resources")
        key_post = supervision.key_post_add(acting_user=clerk, unit=a, title="甲镇财政所所长")
        report_item = supervision.report_item_add(
            acting_user=clerk, report=report, category="housing", content="住房一套"
        )
        indicator = Indicator.objects.get(name="政治担当")
        cls.targets = {
            "unit": cls.units["a"].pk,
            "leaf": cls.units["a_village"].pk,
            "user": cls.liaison_a.pk,
            "grant": RoleGrant.objects.get(user=cls.liaison_a).pk,
            # A reset of the account without grants, awaiting the 安全管理员's confirmation.
            "reset": PasswordReset.objects.get(user=cls.nobody).pk,
            "token": token.pk,
            "b": cls.units["b"].pk,
            "cadre": cadre.pk,
            "version": Cadre.objects.get(pk=cadre.pk).version,
            "position": position.pk,
            "education": education.pk,
            "assessment": assessment.pk,
            "record": record.pk,
            "family": kin.pk,
            "column_set": column_set.pk,
            "id_conflict": id_conflict.pk,
            "alert": alert.pk,
            "rule": alert.rule_id,
            "pool": pool.pk,
            "entry": entry.pk,
            "evidence": evidence.pk,
            "programme": programme.pk,
            "assignment": assignment.pk,
            "selection_case": sel_case.pk,
            "selection_candidate": sel_candidate.pk,
            "selection_attachment": sel_attachment.pk,
            "conduct": conduct.pk,
            "report_year": report_year.pk,
            "report": report.pk,
            "report_item": report_item.pk,
            "key_unit": key_unit.pk,
            "key_post": key_post.pk,
            "indicator": indicator.pk,
            "trait": indicator.traits.order_by("id").values_list("pk", flat=True)[0],
        }


class OutsiderMatrixTests(UnitAFixture):
    def outsiders(self) -> dict[str, Any]:
        return {"outsider_b": self.outsider_b, "clerk_b": self.clerk_b}

    def test_it_lists_every_url_pattern(self):
        found = url_pattern_names()
        listed = set(OBJECT_PROBES) | set(LIST_PROBES)
        assert not set(OBJECT_PROBES) & set(LIST_PROBES)
        assert found - listed == set(), (
            "URL patterns without an outsider probe — add them to OBJECT_PROBES or LIST_PROBES"
        )
        assert listed - found == set(), "probes for URL patterns that no longer exist"

    def test_it_requests_every_pattern_under_its_own_row(self):
        # A row with no request, or with requests of another pattern, would pass every test.
        assert probe_table_problems(OBJECT_PROBES, LIST_PROBES, self.targets) == []

    def test_it_gives_outsiders_the_missing_object_404_for_objects_of_unit_a(self):
        for name, probe in OBJECT_PROBES.items():
            for who, user in self.outsiders().items():
                pairs = zip(
                    probe.requests(self.targets[probe.obj], self.targets),
                    probe.requests(MISSING, self.targets),
                    strict=True,
                )
                for req, missing_req in pairs:
                    with self.subTest(pattern=name, outsider=who, req=f"{req.method} {req.path}"):
                        a_obj = send(self.client_for(user), req)
                        missing = send(self.client_for(user), missing_req)
                        assert a_obj.status_code == 404
                        assert comparable(a_obj) == comparable(missing)
                        assert not any(s in visible_text(a_obj) for s in A_SECRETS)

    def test_it_leaves_unit_a_untouched_after_the_probes(self):
        for probe in OBJECT_PROBES.values():
            for user in self.outsiders().values():
                for req in probe.requests(self.targets[probe.obj], self.targets):
                    send(self.client_for(user), req)
        a, village = Unit.objects.get(code="TA00"), Unit.objects.get(code="TA01")
        assert (a.version, a.order, village.is_active, village.parent_id) == (1, 0, True, a.pk)
        assert not a.quotas.exists()
        assert not Unit.objects.filter(code="PROBE1").exists()
        liaison = self.refresh_user(self.liaison_a)
        assert liaison.is_active
        assert liaison.grants.count() == 1
        assert liaison.api_tokens.filter(revoked_at__isnull=True).count() == 1
        cadre = Cadre.objects.get(pk=self.targets["cadre"])
        assert (cadre.version, cadre.name, cadre.unit_id, cadre.status) == (
            self.targets["version"],
            CADRE_NAME,
            a.pk,
            "active",
        )
        counts = [
            cadre.positions.filter(end_date__isnull=True).count(),
            cadre.educations.count(),
            cadre.assessments.count(),
            cadre.records.count(),
            cadre.family.count(),
            CadrePhoto.objects.filter(cadre=cadre).count(),
        ]
        assert counts == [1, 1, 1, 1, 1, 1]
        assert RosterColumnSet.objects.filter(pk=self.targets["column_set"]).exists()
        assert IdNumberConflict.objects.get(pk=self.targets["id_conflict"]).status == "open"
        assert not Cadre.objects.filter(name="探测干部").exists()
        from development.models import Pool, PoolEntry, PoolEvidence

        assert Pool.objects.get(pk=self.targets["pool"]).version == 1
        assert PoolEntry.objects.get(pk=self.targets["entry"]).status == "in"
        assert PoolEvidence.objects.filter(pk=self.targets["evidence"]).exists()
        assert not Pool.objects.filter(name="探测干部库").exists()
        from development.models import Assignment, Programme

        assert Programme.objects.get(pk=self.targets["programme"]).version == 1
        probed = Assignment.objects.get(pk=self.targets["assignment"])
        assert (probed.status, probed.version, probed.mid_evaluation) == ("planned", 1, "")
        assert not Assignment.objects.filter(post_title="探测职务").exists()
        assert not Programme.objects.filter(name="探测培养项目").exists()
        from selection.models import Candidate, SelectionCase
        from supervision.models import ConductEntry, SpotCheck

        assert (
            SelectionCase.objects.get(pk=self.targets["selection_case"]).stage == "recommendation"
        )
        assert Candidate.objects.get(pk=self.targets["selection_candidate"]).status == "nominated"
        from selection.models import Attachment

        assert list(Attachment.objects.values_list("name", flat=True)) == ["甲镇动议材料.pdf"]
        assert ConductEntry.objects.filter(pk=self.targets["conduct"]).exists()
        assert ConductEntry.objects.filter(cadre_id=self.targets["cadre"]).count() == 1
        assert SpotCheck.objects.filter(report_year_id=self.targets["report_year"]).count() == 1
        from supervision.models import (
            BehaviourTrait,
            CheckFinding,
            Indicator,
            KeyPost,
            KeyUnit,
            PersonalReport,
        )

        report = PersonalReport.objects.get(pk=self.targets["report"])
        assert report.submitted_on == dt.date(2026, 1, 10)
        assert list(report.items.values_list("content", flat=True)) == ["住房一套"]
        assert list(report.checks.values_list("kind", flat=True)) == ["random"]
        assert not CheckFinding.objects.exists()
        assert KeyUnit.objects.filter(pk=self.targets["key_unit"]).exists()
        key_post = KeyPost.objects.get(pk=self.targets["key_post"])
        assert (key_post.title, key_post.rotation_years) == ("甲镇财政所所长", 5)
        assert Indicator.objects.get(pk=self.targets["indicator"]).name == "政治担当"
        assert BehaviourTrait.objects.filter(pk=self.targets["trait"]).exists()
        assert not Indicator.objects.filter(name="探测指标").exists()

    def test_it_probes_requests_that_insiders_can_make(self):
        # Without this, a probe with a wrong URL or payload would 404 for everyone and pass.
        for name, probe in OBJECT_PROBES.items():
            insider = getattr(self, probe.insider)
            for req in probe.requests(self.targets[probe.obj], self.targets):
                with (
                    self.subTest(pattern=name, req=f"{req.method} {req.path}"),
                    transaction.atomic(),
                ):
                    response = send(self.client_for(insider), req)
                    assert response.status_code not in (404, 405), response.status_code
                    assert response.status_code < 500
                    transaction.set_rollback(True)

    def test_it_shows_outsiders_nothing_of_unit_a_in_lists(self):
        for name, build in LIST_PROBES.items():
            for who, user in self.outsiders().items():
                for req in build(self.targets):
                    with self.subTest(pattern=name, outsider=who, path=req.path):
                        response = send(self.client_for(user), req)
                        assert response.status_code < 500
                        body = visible_text(response)
                        leaked = [s for s in A_SECRETS if s in body]
                        assert leaked == []

    def test_it_lets_list_probes_find_unit_a_for_an_insider(self):
        # The list probes do reach unit A's data when the user may see it.
        c = self.client_for(self.clerk)
        for req in (
            *LIST_PROBES["orgs:list"](self.targets),
            *LIST_PROBES["api:unit_list"](self.targets),
        ):
            with self.subTest(path=req.path):
                assert "甲" in visible_text(send(c, req))
        for req in (
            *LIST_PROBES["cadres:roster"](self.targets),
            *LIST_PROBES["api:cadre_list"](self.targets),
            *LIST_PROBES["api:roster_export"](self.targets),
            LIST_PROBES["cadres:batch"](self.targets)[0],
            *LIST_PROBES["alerts:list"](self.targets),
            *LIST_PROBES["api:alert_list"](self.targets),
        ):
            with self.subTest(path=req.path):
                assert CADRE_NAME in visible_text(send(c, req))

    def test_it_answers_a_move_target_of_unit_a_like_an_unknown_code(self):
        c = self.client_for(self.clerk_b)
        url = reverse("orgs:move", args=[self.units["b_village"].pk])
        into_a = c.post(url, {"new_parent": "TA00"}).context["form"].errors["new_parent"]
        unknown = c.post(url, {"new_parent": "NOPE99"}).context["form"].errors["new_parent"]
        assert into_a == unknown == ["找不到该单位，或您无权在其下调整"]
        api_a = send(
            c,
            api(
                "post",
                f"/units/{self.units['b_village'].pk}/move",
                {"new_parent_id": self.units["a"].pk, "version": 1},
            ),
        )
        api_missing = send(
            c,
            api(
                "post",
                f"/units/{self.units['b_village'].pk}/move",
                {"new_parent_id": MISSING, "version": 1},
            ),
        )
        assert api_a.status_code == 404
        assert comparable(api_a) == comparable(api_missing)
        assert Unit.objects.get(pk=self.units["b_village"].pk).parent_id == self.units["b"].pk

    def test_it_exports_only_unit_b_for_an_outsider_clerk(self):
        response = self.client_for(self.clerk_b).get(reverse("orgs:list"), {"export": "xlsx"})
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        names = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
        assert names == ["乙镇", "乙村"]

    def test_it_exports_only_unit_b_cadres_for_an_outsider_clerk(self):
        c = self.client_for(self.clerk_b)
        for req in (
            get(reverse("cadres:roster") + "?export=xlsx&status=all&columns=name"),
            api("get", "/cadres-export?status=all&columns=name"),
        ):
            with self.subTest(path=req.path):
                response = send(c, req)
                book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
                names = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
                assert names == ["钱丙文", "钱乙武"]  # unit B's two cadres (one 待核实)

    def test_it_answers_queries_naming_unit_a_like_queries_naming_nothing(self):
        # Pages echo what was typed (the filter box, the form field), so "no leak" here means:
        # the answer to a query naming unit A's code or cadre is, echo aside, the answer to
        # the same query naming something that does not exist.
        b_cadre = self.cadre_b.pk
        roster, search = reverse("cadres:roster"), reverse("cadres:search")
        new_cadre = {
            "name": "探测干部",
            "sex": "1",
            "birth_date": "1980.01",
            "management_level": "04",
        }
        cases: list[tuple[str, str, Callable[[str], Req]]] = [
            ("TA00", "ZZ99", lambda v: get(f"{roster}?unit={v}")),
            ("TA00", "ZZ99", lambda v: get(f"{roster}?unit={v}&status=all&q=jjw")),
            (CADRE_NAME, "郝无名", lambda v: get(f"{roster}?q={v}&status=all")),
            (CADRE_NAME, "郝无名", lambda v: get(f"{search}?q={v}")),
            (CADRE_NAME, "郝无名", lambda v: hx(f"{search}?q={v}")),
            ("TA00", "ZZ99", lambda v: post(reverse("cadres:create"), {**new_cadre, "unit": v})),
            ("TA00", "ZZ99", lambda v: get(reverse("alerts:list") + f"?unit={v}&status=all")),
            (CADRE_NAME, "郝无名", lambda v: get(reverse("alerts:list") + f"?q={v}&status=all")),
            (
                "TA00",
                "ZZ99",
                lambda v: post(
                    reverse("development:pool_create"),
                    {"unit": v, "kind": "young", "name": "探测干部库"},
                ),
            ),
            (
                "TA00",
                "ZZ99",
                lambda v: post(reverse("cadres:import_excel"), {"unit": v, "file": _excel_file()}),
            ),
            (
                "TA00",
                "ZZ99",
                lambda v: post(cadre_url("transfer", b_cadre), {"to_unit": v, "version": 1}),
            ),
            (
                "TA00",
                "ZZ99",
                lambda v: post(
                    cadre_url("child_add", b_cadre, "position"),
                    {"unit": v, "title": "副书记", "start_date": "2020.01", "version": 1},
                ),
            ),
            (
                str(self.units["a"].pk),
                str(MISSING),
                lambda v: api(
                    "post",
                    f"/cadres/{b_cadre}/positions",
                    {"unit_id": int(v), "title": "副书记", "start_date": "2020-01-01"},
                ),
            ),
        ]
        for who, user in self.outsiders().items():
            for real, decoy, build in cases:
                req = build(real)
                label = f"{req.method} {req.path}{' (htmx)' if req.headers else ''}"
                with self.subTest(outsider=who, req=label):
                    a_answer = send(self.client_for(user), req)
                    none_answer = send(self.client_for(user), build(decoy))
                    assert a_answer.status_code < 500
                    assert echo_masked(a_answer, real, decoy) == echo_masked(none_answer)
        b = Cadre.objects.get(pk=b_cadre)
        assert (b.unit_id, b.version, b.positions.count()) == (self.units["b"].pk, 1, 0)
        assert not Cadre.objects.filter(name="探测干部").exists()

    def test_it_keeps_an_import_staged_for_unit_a_from_outsiders(self):
        # The token lives in the uploader's session and the staged file is bound to the
        # uploader: an outsider holding both the token and its session entry still gets the
        # 404 of a token that does not exist, on the preview and on the confirmation.
        uploader = self.client_for(self.clerk)
        upload = uploader.post(
            reverse("cadres:import_excel"), {"unit": "TA00", "file": _excel_file()}
        )
        assert upload.status_code == 302
        preview = upload["Location"]
        token = preview.rstrip("/").rsplit("/", 1)[-1]
        entry = uploader.session["imports"][token]
        bogus = reverse("cadres:import_preview", args=["excel", "bogus-token"])

        def holding_the_token(user: Any) -> Client:
            c = self.client_for(user)
            session = c.session
            session["imports"] = {token: entry, "bogus-token": entry}
            session.save()
            return c

        # Control: the uploader, in another session holding the same entry, sees the preview.
        assert "甲镇" in holding_the_token(self.clerk).get(preview).content.decode()
        for who, user in self.outsiders().items():
            with self.subTest(outsider=who):
                c = holding_the_token(user)
                staged, missing = c.get(preview), c.get(bogus)
                assert staged.status_code == 404
                assert comparable(staged) == comparable(missing)
                confirm, confirm_missing = c.post(preview, {}), c.post(bogus, {})
                assert confirm.status_code == 404
                assert comparable(confirm) == comparable(confirm_missing)
        assert Cadre.objects.filter(unit=self.units["a"]).count() == 2  # 贾甲文 and 甲二


def echo_masked(response, real: str = "", decoy: str = "") -> tuple[int, str, str, str]:
    """``comparable`` and the redirect target, with ``real`` (as typed or URL-encoded) written
    as ``decoy``."""
    status, content_type, body = comparable(response)

    def mask(text: str) -> str:
        if not real:
            return text
        return text.replace(real, decoy).replace(quote(real), quote(decoy))

    return status, content_type, mask(body), mask(response.get("Location", ""))


class ProbeTableCheckerTests(SimpleTestCase):
    """The checker behind test_it_requests_every_pattern_under_its_own_row finds the faults
    it is there for, in deliberately wrong tables."""

    targets = {"unit": 5, "cadre": 7}

    def test_it_accepts_rows_whose_requests_resolve_to_their_own_pattern(self):
        good = {
            "orgs:detail": ObjectProbe(
                "unit", "clerk", lambda pk, t: get(reverse("orgs:detail", args=[pk]))
            ),
            "cadres:detail": ObjectProbe(
                "cadre",
                "clerk",
                lambda pk, t: [get(cadre_url("detail", pk) + f"?tab={tab}") for tab in TABS],
            ),
        }
        lists = {"orgs:list": lambda t: [get(reverse("orgs:list") + "?q=甲")]}
        assert probe_table_problems(good, lists, self.targets) == []

    def test_it_finds_an_object_row_without_a_request(self):
        empty = {"orgs:detail": ObjectProbe("unit", "clerk", lambda pk, t: [])}
        assert probe_table_problems(empty, {}, self.targets) == [
            "orgs:detail (object of unit A): no request",
            "orgs:detail (missing object): no request",
        ]

    def test_it_finds_a_list_row_without_a_request(self):
        assert probe_table_problems({}, {"orgs:list": lambda t: []}, self.targets) == [
            "orgs:list (list): no request"
        ]

    def test_it_finds_a_request_of_another_pattern(self):
        borrowed = {
            "orgs:edit": ObjectProbe(
                "unit",
                "clerk",
                lambda pk, t: [
                    get(reverse("orgs:edit", args=[pk])),
                    get(reverse("orgs:detail", args=[pk])),
                ],
            )
        }
        lists = {"cadres:roster": lambda t: [get(reverse("orgs:list"))]}
        assert probe_table_problems(borrowed, lists, self.targets) == [
            f"orgs:edit (object of unit A): get {reverse('orgs:detail', args=[5])} is orgs:detail",
            f"orgs:edit (missing object): get {reverse('orgs:detail', args=[MISSING])} "
            "is orgs:detail",
            f"cadres:roster (list): get {reverse('orgs:list')} is orgs:list",
        ]

    def test_it_tells_api_operations_of_one_path_apart_by_the_method(self):
        unit = {
            "api:unit_detail": ObjectProbe(
                "unit", "leader", lambda pk, t: api("get", f"/units/{pk}")
            ),
            "api:unit_update": ObjectProbe(
                "unit", "clerk", lambda pk, t: api("get", f"/units/{pk}", {"name": "探测"})
            ),
        }
        assert probe_table_problems(unit, {}, self.targets) == [
            "api:unit_update (object of unit A): get /api/v1/units/5 is api:unit_detail",
            f"api:unit_update (missing object): get /api/v1/units/{MISSING} is api:unit_detail",
        ]
        fixed = {
            **unit,
            "api:unit_update": ObjectProbe(
                "unit", "clerk", lambda pk, t: api("patch", f"/units/{pk}", {"name": "探测"})
            ),
        }
        assert probe_table_problems(fixed, {}, self.targets) == []
        wrong_method = {"api:unit_list": lambda t: [api("put", "/units")]}
        assert probe_table_problems({}, wrong_method, self.targets) == [
            "api:unit_list (list): put /api/v1/units is no operation of api/v1/units for PUT"
        ]

    def test_it_finds_a_request_that_resolves_to_nothing(self):
        lists = {"orgs:list": lambda t: [get("/no-such-page/"), api("get", "/no-such-route")]}
        assert probe_table_problems({}, lists, self.targets) == [
            "orgs:list (list): get /no-such-page/ resolves to nothing",
            "orgs:list (list): get /api/v1/no-such-route resolves to nothing",
        ]

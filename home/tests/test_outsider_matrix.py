"""THE outsider guarantee (SECURITY.md "Separation of duties"): a user of unit B asking for any
object of unit A gets the same 404 as for an object that does not exist — pages, API, exports.

Every URL pattern of the project must appear in exactly one of the two tables below:

* ``OBJECT_PROBES``: patterns that address one object. Each is requested by the outsiders
  against an object of unit A and against a missing id; both must be 404 with the same body.
  An insider must *not* get a 404 from the same request, so a probe with a wrong URL or
  payload cannot pass silently.
* ``LIST_PROBES``: patterns without an object (lists, search, dashboard, documents). The
  outsiders' responses must not contain any name or code of unit A.

``test_it_lists_every_url_pattern`` fails when a pattern is added without a row here.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from accounts.choices import Role
from accounts.models import RoleGrant
from accounts.services import api_token_create
from core.testing import PersonaTestCase, make_user
from orgs.choices import UnitKind, UnitLevel
from orgs.models import Unit

MISSING = 987_654_321
A_SECRETS = ("甲镇", "甲村", "TA00", "TA01")  # what must never reach an outsider
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@dataclass(frozen=True, slots=True)
class Req:
    method: str
    path: str
    data: dict[str, Any] | None = None
    json: bool = False


@dataclass(frozen=True, slots=True)
class ObjectProbe:
    """How to ask for one object: ``obj`` names which of unit A's objects (see ``targets``)."""

    obj: str
    insider: str  # a persona for whom the request must not be a 404
    build: Callable[[int, dict[str, int]], Req]


def get(path: str) -> Req:
    return Req("get", path)


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
    "accounts:token_revoke": ObjectProbe(
        "token", "liaison_a", lambda pk, t: post(reverse("accounts:token_revoke", args=[pk]))
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
        lambda pk, t: api("post", f"/units/{pk}/move", {"new_parent_id": t["b"]}),
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
}

LIST_PROBES: dict[str, Callable[[dict[str, int]], list[Req]]] = {
    "home:dashboard": lambda t: [get("/")],
    "accounts:login": lambda t: [get(reverse("accounts:login"))],
    "accounts:totp": lambda t: [get(reverse("accounts:totp"))],
    "accounts:logout": lambda t: [post(reverse("accounts:logout"))],
    "accounts:password_change": lambda t: [get(reverse("accounts:password_change"))],
    "accounts:user_list": lambda t: [get(reverse("accounts:user_list") + "?q=liaison_a")],
    "accounts:user_create": lambda t: [get(reverse("accounts:user_create"))],
    "accounts:grant_list": lambda t: [get(reverse("accounts:grant_list"))],
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
}


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


def send(client: Client, req: Req):
    call = getattr(client, req.method)
    if req.json:
        body = json.dumps(req.data) if req.data is not None else ""
        return call(req.path, body, content_type="application/json")
    return call(req.path, req.data) if req.method == "post" else call(req.path)


def visible_text(response) -> str:
    """What the user receives, as text: the cells of an Excel export, else the body."""
    if response.get("Content-Type") == XLSX:
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
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


class OutsiderMatrixTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # A second outsider who *can* change and export — inside unit B only — so the write
        # and export paths are checked against scope, not merely against a missing right.
        cls.clerk_b = make_user("clerk_b", Role.CADRE_CLERK, cls.units["b"])
        token, _ = api_token_create(acting_user=cls.liaison_a, name="甲镇对接")
        cls.targets = {
            "unit": cls.units["a"].pk,
            "leaf": cls.units["a_village"].pk,
            "user": cls.liaison_a.pk,
            "grant": RoleGrant.objects.get(user=cls.liaison_a).pk,
            "token": token.pk,
            "b": cls.units["b"].pk,
        }

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

    def test_it_gives_outsiders_the_missing_object_404_for_objects_of_unit_a(self):
        for name, probe in OBJECT_PROBES.items():
            for who, user in self.outsiders().items():
                with self.subTest(pattern=name, outsider=who):
                    a_obj = send(
                        self.client_for(user), probe.build(self.targets[probe.obj], self.targets)
                    )
                    missing = send(self.client_for(user), probe.build(MISSING, self.targets))
                    assert a_obj.status_code == 404
                    assert comparable(a_obj) == comparable(missing)
                    assert not any(s in visible_text(a_obj) for s in A_SECRETS)

    def test_it_leaves_unit_a_untouched_after_the_probes(self):
        for probe in OBJECT_PROBES.values():
            for user in self.outsiders().values():
                send(self.client_for(user), probe.build(self.targets[probe.obj], self.targets))
        a, village = Unit.objects.get(code="TA00"), Unit.objects.get(code="TA01")
        assert (a.version, a.order, village.is_active, village.parent_id) == (1, 0, True, a.pk)
        assert not a.quotas.exists()
        assert not Unit.objects.filter(code="PROBE1").exists()
        liaison = self.refresh_user(self.liaison_a)
        assert liaison.is_active
        assert liaison.grants.count() == 1
        assert liaison.api_tokens.filter(revoked_at__isnull=True).count() == 1

    def test_it_probes_requests_that_insiders_can_make(self):
        # Without this, a probe with a wrong URL or payload would 404 for everyone and pass.
        for name, probe in OBJECT_PROBES.items():
            with self.subTest(pattern=name), transaction.atomic():
                insider = getattr(self, probe.insider)
                response = send(
                    self.client_for(insider), probe.build(self.targets[probe.obj], self.targets)
                )
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
                {"new_parent_id": self.units["a"].pk},
            ),
        )
        api_missing = send(
            c, api("post", f"/units/{self.units['b_village'].pk}/move", {"new_parent_id": MISSING})
        )
        assert api_a.status_code == 404
        assert comparable(api_a) == comparable(api_missing)
        assert Unit.objects.get(pk=self.units["b_village"].pk).parent_id == self.units["b"].pk

    def test_it_exports_only_unit_b_for_an_outsider_clerk(self):
        response = self.client_for(self.clerk_b).get(reverse("orgs:list"), {"export": "xlsx"})
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        names = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
        assert names == ["乙镇", "乙村"]

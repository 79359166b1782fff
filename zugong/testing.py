"""Shared test base: persona users built through the real services (docs/architecture.md, "Tests").

Tree::

    测试县委 (root, 县处级)
    ├── 测试县委组织部
    ├── 甲镇 (unit A) ── 甲村
    └── 乙镇 (unit B) ── 乙村

Personas: ``sysadmin``, ``secadmin``, ``auditor`` (三员, unscoped); ``clerk`` (干部科 on the
root); ``org_clerk`` (组织科 on the root); ``liaison_a`` (单位联络员 of 甲镇); ``outsider_b``
(单位联络员 of 乙镇 — an outsider to everything of 甲镇); ``leader`` (领导, read-only, root).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client, TestCase

from accounts.models import User
from accounts.services import system_user_create
from core.permissions import Role
from orgs.choices import UnitKind, UnitLevel
from orgs.models import Unit
from orgs.services import unit_create, unit_create_root

PASSWORD = "Persona#2026"  # noqa: S105 (test fixture)


def tiny_pdf(text: str = "") -> bytes:
    """A real one-page PDF (attachments are read by a PDF parser), ``text`` in its metadata
    so that two files can differ."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def travel_to(day: dt.date, *, tick: bool = False) -> Any:
    """The clock at 10:00 Beijing time on ``day``, as a context manager or decorator
    (time-machine; docs/testing.md, "Dates in tests")."""
    import time_machine  # a test dependency: this module is imported by tests only

    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=tick
    )


def make_user(username: str, role: str | None, scope: Unit | None, **extra: Any) -> User:
    """A ready-to-use account (password changed already) with one grant."""
    roles = [(role, scope)] if role else []
    return system_user_create(
        username=username,
        full_name=extra.pop("full_name", username),
        password=PASSWORD,
        unit=scope,
        roles=roles,
        must_change_password=extra.pop("must_change_password", False),
    )


class PersonaTestCase(TestCase):
    """Base for page, API and service tests: the tree and one user per persona."""

    units: dict[str, Unit]
    sysadmin: User
    secadmin: User
    auditor: User
    clerk: User
    org_clerk: User
    liaison_a: User
    outsider_b: User
    leader: User
    nobody: User

    @classmethod
    def setUpTestData(cls) -> None:
        root = unit_create_root(
            name="测试县委",
            code="T000",
            kind=UnitKind.PARTY_COMMITTEE,
            level=UnitLevel.COUNTY,
            region_code="130101",
        )
        cls.clerk = make_user("clerk", Role.CADRE_CLERK, root)
        cls.units = build_tree(cls.clerk, root)
        u = cls.units
        cls.sysadmin = make_user("sysadmin", Role.SYSADMIN, None)
        cls.secadmin = make_user("secadmin", Role.SECADMIN, None)
        cls.auditor = make_user("auditor", Role.AUDITOR, None)
        cls.org_clerk = make_user("org_clerk", Role.ORG_CLERK, u["root"])
        cls.liaison_a = make_user("liaison_a", Role.LIAISON, u["a"])
        cls.outsider_b = make_user("outsider_b", Role.LIAISON, u["b"])
        cls.leader = make_user("leader", Role.LEADER, u["root"])
        cls.nobody = make_user("nobody", None, None)

    def client_for(self, user: User) -> Client:
        """A test client signed in as ``user`` (fresh session)."""
        client = Client()
        client.force_login(user)
        return client

    def refresh_user(self, user: User) -> User:
        return User.objects.get(pk=user.pk)


# key, parent key, name, code, kind, level
TREE: list[tuple[str, str, str, str, str, str]] = [
    ("dept", "root", "测试县委组织部", "T001", UnitKind.PARTY_DEPT, UnitLevel.TOWNSHIP),
    ("a", "root", "甲镇", "TA00", UnitKind.TOWNSHIP, UnitLevel.TOWNSHIP),
    ("a_village", "a", "甲村", "TA01", UnitKind.VILLAGE, UnitLevel.NONE),
    ("b", "root", "乙镇", "TB00", UnitKind.TOWNSHIP, UnitLevel.TOWNSHIP),
    ("b_village", "b", "乙村", "TB01", UnitKind.VILLAGE, UnitLevel.NONE),
]


def build_tree(acting_user: User, root: Unit) -> dict[str, Unit]:
    """The persona tree under ``root``, created through ``orgs.services``."""
    units = {"root": root}
    for key, parent, name, code, kind, level in TREE:
        units[key] = unit_create(
            acting_user=acting_user,
            parent=units[parent],
            name=name,
            code=code,
            kind=kind,
            level=level,
        )
    return units


def office_for_browser() -> tuple[Unit, User, dict[str, Unit]]:
    """The persona tree and its 干部科 clerk for a transactional (browser) test, with the code
    tables loaded again: a transactional test empties every table afterwards, the code tables
    (loaded by a data migration) included."""
    from core.codes import load_code_tables
    from core.models import Code

    if not Code.objects.exists():
        load_code_tables(Code)
    root = unit_create_root(
        name="测试县委", code="T000", kind=UnitKind.PARTY_COMMITTEE, level=UnitLevel.COUNTY
    )
    clerk = make_user("clerk", Role.CADRE_CLERK, root, full_name="干部科科员")
    return root, clerk, build_tree(clerk, root)

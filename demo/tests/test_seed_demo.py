"""manage.py seed_demo: deterministic demo data, working demo accounts, empty databases only."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import RoleGrant, User
from audit.models import AuditEvent
from core.permissions import Role
from demo.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, build_tree
from orgs.choices import UnitKind
from orgs.models import PostQuota, Unit
from zugong.testing import PersonaTestCase, travel_to


def names_and_codes(tier: str, seed: int) -> list[tuple[str, str, str | None]]:
    return [(n.name, n.code, n.parent.code if n.parent else None) for n in build_tree(tier, seed)]


class BuildTreeTests(PersonaTestCase):
    def test_it_builds_the_same_tree_for_the_same_seed(self):
        first = names_and_codes("county", 1)
        assert first == names_and_codes("county", 1)
        assert len(first) > 200

    def test_it_builds_another_tree_for_another_seed(self):
        assert names_and_codes("county", 1) != names_and_codes("county", 2)

    def test_it_builds_a_county_with_unique_codes(self):
        nodes = build_tree("county", 1)
        assert nodes[0].name == "中共清河县委员会"
        assert nodes[0].parent is None
        assert len({n.code for n in nodes}) == len(nodes)
        assert all(n.parent is None or nodes.index(n.parent) < nodes.index(n) for n in nodes[:50])
        kinds = {n.kind for n in nodes}
        assert {UnitKind.TOWNSHIP, UnitKind.VILLAGE, UnitKind.GOV_DEPT} <= kinds

    def test_it_refuses_an_unknown_tier(self):
        with pytest.raises(ValueError, match="unknown tier"):
            build_tree("planet", 1)


class SeedDemoTests(TestCase):
    # Not a PersonaTestCase: seed_demo runs on an empty database only.

    @classmethod
    def setUpTestData(cls) -> None:
        out = io.StringIO()
        call_command("seed_demo", tier="county", seed=1, stdout=out)
        cls.output = out.getvalue()

    def test_it_inserts_the_generated_tree(self):
        expected = names_and_codes("county", 1)
        stored = [
            (u.name, u.code, u.parent.code if u.parent else None)
            for u in Unit.objects.select_related("parent").order_by("id")
        ]
        assert stored == expected
        assert f"单位 {len(expected)}" in self.output

    def test_it_stores_consistent_paths(self):
        units = {u.pk: u for u in Unit.objects.all()}
        for unit in units.values():
            parent = units.get(unit.parent_id)
            assert unit.depth == (parent.depth + 1 if parent else 0)
            assert unit.path.startswith(parent.path if parent else "")
        root = Unit.objects.get(parent__isnull=True)
        assert Unit.objects.subtree_of(root).count() == len(units)
        assert all(u.pinyin_initials for u in units.values())

    def test_it_creates_quotas_and_audit_events(self):
        assert PostQuota.objects.filter(unit__parent__isnull=True, rank_level="131").exists()
        assert AuditEvent.objects.filter(object_type="orgs.Unit").count() == Unit.objects.count()

    def test_it_fills_the_selection_supervision_and_programme_pages(self):
        from django.utils import timezone

        from core.workdays import is_workday
        from demo.demo_work import notice_window
        from development.models import Assignment
        from selection.choices import Stage
        from selection.models import SelectionCase
        from supervision.models import CheckedReport, ConductEntry, KeyUnit, ReportYear, SpotCheck

        today = timezone.localdate()
        # The 公示 is running (started before today, not over, so 任职 is refused) unless the
        # holiday table cannot count one running now: then it has ended (SeedOnAnyDayTests).
        notice = SelectionCase.objects.get(stage=Stage.PUBLIC_NOTICE).notice
        assert (notice.start_date, notice.end_date) == notice_window(today, notice.working_days)
        running = notice.start_date < today <= notice.end_date
        assert running or notice.end_date < today
        assert is_workday(notice.start_date)
        assert SelectionCase.objects.filter(stage=Stage.RECOMMENDATION).exists()
        # 凡提必查: entering 考察 filed the candidate's report for a targeted check.
        assert CheckedReport.objects.filter(kind="targeted").count() == 1
        year = ReportYear.objects.get()
        assert year.year == today.year - 1
        submitted = year.reports.filter(submitted_on__isnull=False).count()
        assert 0 < submitted < year.reports.count()
        if year.due_date <= today:
            assert SpotCheck.objects.filter(report_year=year).exists()
        assert set(ConductEntry.objects.values_list("polarity", flat=True)) == {
            "positive",
            "negative",
        }
        assert KeyUnit.objects.count() == 3
        statuses = set(Assignment.objects.values_list("status", flat=True))
        assert {"ended", "active", "planned"} <= statuses
        ended = Assignment.objects.get(status="ended")
        assert "挂职任党委副书记" in ended.cadre.resume_extra
        assert "选拔任用：2 件" in self.output
        # The clerk sees the running 公示 on the case list.
        self.client.force_login(User.objects.get(username="ganbu"))
        listing = self.client.get(reverse("selection:case_list")).content.decode()
        assert listing.count('data-testid="notice-running"') == (1 if running else 0)

    def test_it_creates_the_eight_demo_accounts_with_their_roles(self):
        assert len(DEMO_ACCOUNTS) == 8
        root = Unit.objects.get(parent__isnull=True)
        for username, full_name, role, scope in DEMO_ACCOUNTS:
            user = User.objects.get(username=username)
            assert user.full_name == full_name
            grants = list(RoleGrant.objects.filter(user=user).select_related("unit"))
            assert [g.role for g in grants] == [role]
            if scope is None:
                assert grants[0].unit is None
            elif scope == "root":
                assert grants[0].unit == root
            else:
                assert grants[0].unit.kind in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)
            # A person's name (printed as 填表人), not the role (issue 14, item 13).
            assert not re.search(r"科员|管理员|联络员|领导", user.full_name), user.full_name
            assert f"{username:<8} " in self.output
            assert user.full_name in self.output
        roles = {u: r for u, _, r, _ in DEMO_ACCOUNTS}
        assert roles["xitong"] == Role.SYSADMIN
        assert roles["ganbu"] == Role.CADRE_CLERK
        assert roles["lianluo"] == Role.LIAISON
        assert roles["lingdao"] == Role.LEADER

    def test_it_prints_the_password_that_signs_every_demo_account_in(self):
        printed = re.search(r"密码均为 (\S+?)）", self.output)
        assert printed
        assert printed.group(1) == DEMO_PASSWORD
        for username, *_ in DEMO_ACCOUNTS:
            with self.subTest(username=username):
                client = self.client_class()
                response = client.post(
                    reverse("accounts:login"),
                    {"username": username, "password": printed.group(1)},
                )
                assert response.status_code == 302
                assert response["Location"] == reverse("home:dashboard")
                # No forced password change: the dashboard opens.
                dashboard = client.get(reverse("home:dashboard"))
                assert dashboard.status_code == 200

    def test_it_scopes_the_demo_liaison_to_one_township(self):
        liaison = User.objects.get(username="lianluo")
        township = RoleGrant.objects.get(user=liaison).unit
        visible = Unit.objects.restrict(liaison, "orgs.view")
        assert visible.count() == Unit.objects.subtree_of(township).count()
        assert visible.count() < Unit.objects.count()

    def test_it_refuses_to_run_twice(self):
        with pytest.raises(CommandError, match="已有单位数据"):
            call_command("seed_demo", tier="county", seed=1, stdout=io.StringIO())


class SeedDemoGuardTests(PersonaTestCase):
    def test_it_refuses_a_non_empty_database(self):
        before = Unit.objects.count()
        with pytest.raises(CommandError, match="seed_demo 只用于空数据库"):
            call_command("seed_demo", tier="county", seed=1, stdout=io.StringIO())
        assert Unit.objects.count() == before
        assert not User.objects.filter(username="ganbu").exists()

    def test_it_skips_with_if_empty(self):
        before = (Unit.objects.count(), User.objects.count(), AuditEvent.objects.count())
        out = io.StringIO()
        call_command("seed_demo", tier="county", seed=1, if_empty=True, stdout=out)
        assert "跳过" in out.getvalue()
        assert (Unit.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before


class SeedOnAnyDayTests(TestCase):
    """The demo loads whatever today is, and still shows every state: a case in its 任前公示,
    one at 民主推荐, last year's reports, a 挂职 round ended, one under way and one planned."""

    def assert_demo_holds(self, today: dt.date, *, seed: int) -> str:
        from core.workdays import CalendarYearMissing, is_workday, notice_end
        from demo.demo_work import _last_workday_before
        from demo.models import DemoSeed
        from development.models import Assignment, Programme
        from selection.choices import Stage
        from selection.models import SelectionCase
        from supervision.models import ReportYear

        out = io.StringIO()
        with travel_to(today):
            call_command("seed_demo", tier="county", seed=seed, stdout=out)
        assert DemoSeed.objects.get().seeded_on == today
        stages = sorted(SelectionCase.objects.values_list("stage", flat=True))
        assert stages == [Stage.PUBLIC_NOTICE, Stage.RECOMMENDATION]
        notice = SelectionCase.objects.get(stage=Stage.PUBLIC_NOTICE).notice
        assert is_workday(notice.start_date)
        assert notice.end_date == notice_end(notice.start_date, notice.working_days)
        try:  # a 公示 running today can be counted only when the table knows its days
            running_start = _last_workday_before(today, 2)
            notice_end(running_start, notice.working_days)
            countable = True
        except CalendarYearMissing:
            countable = False
        if countable:
            assert notice.start_date < today <= notice.end_date
        else:
            assert notice.end_date < today
            assert "尚未配置：演示的任前公示放在" in out.getvalue()
        assert ReportYear.objects.get().year == today.year - 1
        statuses = set(Assignment.objects.values_list("status", flat=True))
        assert {"ended", "active", "planned"} <= statuses
        for assignment in Assignment.objects.select_related("programme"):
            programme = assignment.programme
            assert programme.start_date <= assignment.start_date
            assert programme.end_date is None or assignment.end_date <= programme.end_date
        assert Programme.objects.count() == 2
        return out.getvalue()

    def test_it_loads_on_7_december_when_the_next_year_is_unknown(self):
        # The day the first report came in: the planned 挂职 ran past the programme's end.
        self.assert_demo_holds(dt.date(2026, 12, 7), seed=1)

    def test_it_loads_on_31_december(self):
        self.assert_demo_holds(dt.date(2026, 12, 31), seed=2)

    def test_it_loads_on_1_january_of_a_year_no_table_knows(self):
        self.assert_demo_holds(dt.date(2027, 1, 1), seed=3)

    def test_it_loads_on_29_february(self):
        self.assert_demo_holds(dt.date(2028, 2, 29), seed=4)

    def test_it_seeds_the_work_records_early_in_the_year(self):
        """Run on 10 January, last year's reports are still being handed in and the 公示 began
        in the old year's last weeks."""
        from supervision.models import ReportYear, SpotCheck

        self.assert_demo_holds(dt.date(2026, 1, 10), seed=5)
        year = ReportYear.objects.get()
        submitted = year.reports.exclude(submitted_on__isnull=True)
        assert submitted.exists()
        assert all(r.submitted_on.year == 2026 for r in submitted)
        assert not SpotCheck.objects.exists()  # the reports are not all in before 31 January


class SeedAllOrNothingTests(TestCase):
    """A load that fails half-way leaves nothing behind, and the next run loads it all."""

    def counts(self) -> tuple[int, ...]:
        from cadres.models import Cadre
        from demo.models import DemoSeed
        from selection.models import SelectionCase

        return (
            Unit.objects.count(),
            User.objects.count(),
            Cadre.objects.count(),
            SelectionCase.objects.count(),
            AuditEvent.objects.count(),
            DemoSeed.objects.count(),
        )

    def test_a_failure_in_the_last_step_leaves_an_empty_database(self):
        from unittest import mock

        assert self.counts() == (0, 0, 0, 0, 0, 0)
        failure = RuntimeError("注入的失败")
        with (
            mock.patch("demo.demo._demo_pools", side_effect=failure),
            pytest.raises(CommandError, match=r"演示数据生成失败，已全部撤销.*注入的失败"),
        ):
            call_command("seed_demo", tier="county", seed=1, stdout=io.StringIO())
        assert self.counts() == (0, 0, 0, 0, 0, 0)
        # make run afterwards (seed_demo --if-empty) seeds it fully.
        call_command("seed_demo", tier="county", seed=1, if_empty=True, stdout=io.StringIO())
        units, users, cadres, cases, events, finished = self.counts()
        assert (units > 200, users > 8, cadres > 1000, cases, events > units) == (
            True,
            True,
            True,
            2,
            True,
        )
        assert finished == 1

    def test_if_empty_refuses_a_partial_demo_and_flush_starts_again(self):
        from core.models import Code
        from supervision.models import Indicator

        codes, indicators = Code.objects.count(), Indicator.objects.count()
        assert codes > 0
        assert indicators > 0
        # What an earlier version left after failing half-way: units and accounts, no record.
        Unit.objects.create(name="中共清河县委员会", code="001", kind=UnitKind.PARTY_COMMITTEE)
        for username, full_name, *_ in DEMO_ACCOUNTS:
            User.objects.create(username=username, full_name=full_name)
        with pytest.raises(CommandError, match=r"上次演示数据生成未完成.*seed_demo --flush"):
            call_command("seed_demo", tier="county", seed=1, if_empty=True, stdout=io.StringIO())
        if connection.vendor == "postgresql":
            # Check this test's foreign keys now: PostgreSQL will not TRUNCATE a table with
            # checks still pending in the transaction (a real run has none).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        out = io.StringIO()
        call_command("seed_demo", tier="county", seed=1, flush=True, stdout=out)
        assert "已清空数据库" in out.getvalue()
        assert "演示数据已生成" in out.getvalue()
        # What the migrations load came back with the flush.
        assert (Code.objects.count(), Indicator.objects.count()) == (codes, indicators)
        assert Unit.objects.filter(parent__isnull=True).get().name == "中共清河县委员会"

    def test_if_empty_skips_a_finished_demo_and_real_data_alike(self):
        from demo.models import DemoSeed

        Unit.objects.create(name="中共某县委员会", code="001", kind=UnitKind.PARTY_COMMITTEE)
        out = io.StringIO()
        call_command("seed_demo", tier="county", seed=1, if_empty=True, stdout=out)
        assert "不是演示数据" in out.getvalue()
        # A real install (make run on a bootstrapped database) is not told the demo password
        # (issue 14, item 14).
        assert DEMO_PASSWORD not in out.getvalue()
        assert "演示账户" not in out.getvalue()
        DemoSeed.objects.create(tier="county", seed=1, seeded_on=dt.date(2026, 6, 1))
        out = io.StringIO()
        call_command("seed_demo", tier="county", seed=1, if_empty=True, stdout=out)
        assert "已有演示数据（2026-06-01 生成）" in out.getvalue()
        assert f"演示账户（密码均为 {DEMO_PASSWORD}）" in out.getvalue()

    @override_settings(ZUGONG_ENV="production")
    def test_flush_is_refused_in_production(self):
        Unit.objects.create(name="中共某县委员会", code="001", kind=UnitKind.PARTY_COMMITTEE)
        with pytest.raises(CommandError, match="只能在开发环境"):
            call_command("seed_demo", flush=True, stdout=io.StringIO())
        assert Unit.objects.count() == 1

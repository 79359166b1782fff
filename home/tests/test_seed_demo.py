"""manage.py seed_demo: deterministic demo data, working demo accounts, empty databases only."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from accounts.choices import Role
from accounts.models import RoleGrant, User
from audit.models import AuditEvent
from core.testing import PersonaTestCase
from home.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, build_tree
from orgs.choices import UnitKind
from orgs.models import PostQuota, Unit


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

        from core.workdays import CalendarYearMissing, is_workday
        from development.models import Assignment
        from selection.choices import Stage
        from selection.models import SelectionCase
        from supervision.models import CheckedReport, ConductEntry, KeyUnit, ReportYear, SpotCheck

        today = timezone.localdate()
        counted = True
        try:
            is_workday(today)
        except CalendarYearMissing:  # a year chinesecalendar does not know yet: no 公示
            counted = False
        if counted:
            notice_case = SelectionCase.objects.get(stage=Stage.PUBLIC_NOTICE)
            # The 公示 is running: started before today and not over, so 任职 is refused.
            assert notice_case.notice.start_date < today <= notice_case.notice.end_date
            assert is_workday(notice_case.notice.start_date)
        else:
            assert SelectionCase.objects.filter(stage=Stage.DECISION).exists()
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
        assert listing.count('data-testid="notice-running"') == (1 if counted else 0)

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


class SeedInJanuaryTests(TestCase):
    """Run on 10 January, last year's reports are still being handed in and the 公示 began
    in the old year's last weeks: the demo must still load."""

    def test_it_seeds_the_work_records_early_in_the_year(self):
        import datetime as dt
        from unittest import mock

        from selection.models import SelectionCase
        from supervision.models import ReportYear, SpotCheck

        day = dt.date(2026, 1, 10)
        with mock.patch("django.utils.timezone.localdate", return_value=day):
            call_command("seed_demo", tier="county", seed=2, stdout=io.StringIO())
        year = ReportYear.objects.get()
        assert year.year == 2025
        submitted = year.reports.exclude(submitted_on__isnull=True)
        assert submitted.exists()
        assert all(r.submitted_on.year == 2026 for r in submitted)
        assert not SpotCheck.objects.exists()  # the reports are not all in before 31 January
        assert SelectionCase.objects.filter(stage="public_notice").count() == 1

    def test_it_still_loads_when_the_holiday_table_lacks_the_year(self):
        """A new year before chinesecalendar knows its holidays: the 公示 cannot be counted,
        so the demo case waits at 讨论决定 and everything else loads."""
        from unittest import mock

        from core.workdays import CalendarYearMissing
        from selection.models import SelectionCase

        missing = CalendarYearMissing(2027)
        with mock.patch("home.demo_work._last_workday_before", side_effect=missing):
            call_command("seed_demo", tier="county", seed=3, stdout=io.StringIO())
        stages = sorted(SelectionCase.objects.values_list("stage", flat=True))
        assert stages == ["decision", "recommendation"]

"""工作日历: each year's source, a year month by month, and the notice of a missing year."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from django.urls import reverse

from zugong.testing import PersonaTestCase, travel_to


class CalendarPageTests(PersonaTestCase):
    def login(self, user) -> None:
        """Sign in on the travelled-to day (a password set months earlier has expired)."""
        from django.utils import timezone

        user.password_changed_at = timezone.now()
        user.save(update_fields=["password_changed_at"])
        self.client.force_login(user)

    def test_it_names_each_years_source_and_draws_the_year(self):
        self.login(self.liaison_a)
        with travel_to(dt.date(2026, 6, 10)):
            page = self.client.get(reverse("home:calendar")).content.decode()
        assert "chinesecalendar" in page
        assert page.count('class="badge text-bg-success">已配置') == 2  # 2025, 2026
        assert page.count('class="badge text-bg-warning">未配置') == 2  # 2027, 2028
        assert 'title="2026-10-01 放假"' in page
        assert 'title="2026-10-10 调休上班"' in page
        assert 'data-testid="calendar-missing"' not in page  # 2027 starts in more than a month

    def test_it_warns_a_month_before_a_year_without_a_table(self):
        with travel_to(dt.date(2026, 12, 7)):
            self.login(self.clerk)
            page = self.client.get(reverse("home:calendar")).content.decode()
            dashboard = self.client.get(reverse("home:dashboard")).content.decode()
            year = self.client.get(reverse("home:calendar"), {"year": "2027"}).content.decode()
        assert "2027 年节假日安排尚未配置" in page
        assert "2027 年节假日安排尚未配置" in dashboard
        assert 'data-testid="calendar-year-missing"' in year

    def test_the_dashboard_notice_is_for_those_it_concerns(self):
        with travel_to(dt.date(2026, 12, 7)):
            self.login(self.liaison_a)
            dashboard = self.client.get(reverse("home:dashboard")).content.decode()
        assert '<h1 class="h4 mb-3">首页</h1>' in dashboard
        assert 'data-testid="calendar-missing"' not in dashboard

    def test_a_year_from_the_file_is_shown_with_the_file(self):
        path = self.tmp_calendar()
        with override_settings(ZUGONG_CALENDAR_FILE=path), travel_to(dt.date(2026, 12, 7)):
            self.login(self.sysadmin)
            page = self.client.get(reverse("home:calendar"), {"year": "2027"}).content.decode()
            dashboard = self.client.get(reverse("home:dashboard")).content.decode()
        assert '<h1 class="h4 mb-3">首页</h1>' in dashboard
        assert "本地补充文件 ZUGONG_CALENDAR_FILE（zugong-2027-test.toml）" in page
        assert 'title="2027-01-01 放假"' in page
        assert 'data-testid="calendar-missing"' not in page
        assert 'data-testid="calendar-missing"' not in dashboard

    def test_a_bad_year_parameter_shows_this_year(self):
        self.login(self.liaison_a)
        with travel_to(dt.date(2026, 6, 10)):
            page = self.client.get(reverse("home:calendar"), {"year": "abc"})
        assert page.status_code == 200
        assert '<option value="2026" selected>' in page.content.decode()

    def tmp_calendar(self) -> str:
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp(prefix="zugong-cal-"))
        path = folder / "zugong-2027-test.toml"
        # A test table, not the State Council's 2027 arrangement.
        path.write_text('[2027]\nholidays = ["2027-01-01"]\nworkdays = []\n', encoding="utf-8")
        return str(path)

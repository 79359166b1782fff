"""Real-browser journey: a 选拔任用 case from 任前公示 to 任职. The clerk sets the notice, sees its
end date computed over the holidays, is refused 任职 while the notice runs, then appoints the
candidate: the new post is written and the old one ended. Playwright drives Debian's chromium."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from cadres import services as cadres
from cadres.choices import AssessmentGrade
from cadres.models import Position
from core.dates import add_months
from selection import services
from selection.choices import CHECKLIST_ITEMS, CandidateStatus, Stage
from selection.models import Candidate, SelectionCase
from tests.test_browser import SCREENSHOTS, TIMEOUT_MS, browser, sign_in
from zugong.testing import office_for_browser, travel_to

__all__ = ["browser"]  # the fixture, imported for pytest

pytestmark = pytest.mark.browser

DAY = dt.date(2026, 3, 9)


@pytest.fixture
def notice_day() -> Iterator[None]:
    """The journey is about "today": a notice starting today still runs, the one that ran
    9.29–10.10 has ended. A fixed Monday after it keeps both true on any day the suite runs
    (set up on that day too, so the clerk's password is not months old when she signs in)."""
    with travel_to(dt.date(2026, 11, 16), tick=True):
        yield


@pytest.fixture
def office(transactional_db: None) -> dict[str, Any]:
    """A case at 任前公示, built through the services: one candidate, checked and voted."""
    _, clerk, units = office_for_browser()
    cadre = cadres.cadre_create(
        acting_user=clerk, unit=units["a"], name="张建华", sex="1", birth_date=dt.date(1985, 5, 1)
    )
    cadres.position_start(
        acting_user=clerk,
        cadre=cadre,
        unit=units["a"],
        title="副镇长",
        rank_level="142",
        is_leading=True,
        start_date=dt.date(2020, 3, 1),
    )
    cadres.assessment_set(
        acting_user=clerk, cadre=cadre, year=2025, grade=AssessmentGrade.EXCELLENT
    )
    case = services.case_create(
        acting_user=clerk,
        unit=units["a"],
        title="甲镇镇长选拔任用",
        posts=[{"unit": units["a"], "title": "镇长", "rank_level": "141", "is_head": True}],
        opened_on=dt.date(2026, 1, 5),
    )

    def advance(stage: str, on: dt.date) -> None:
        services.case_advance(clerk, case, stage, on=on, today=DAY)

    advance(Stage.RECOMMENDATION, dt.date(2026, 1, 12))
    candidate = services.candidate_add(
        acting_user=clerk,
        case=SelectionCase.objects.get(pk=case.pk),
        cadre=cadre,
        post=case.posts.get(),
        recommendation_votes=28,
        positions_to_end=list(Position.objects.filter(cadre=cadre)),
    )
    advance(Stage.CANDIDATES, dt.date(2026, 1, 19))
    advance(Stage.INSPECTION, dt.date(2026, 1, 26))
    checked = dt.date(2026, 1, 28)
    services.checklist_set(
        acting_user=clerk,
        candidate=Candidate.objects.get(pk=candidate.pk),
        **dict.fromkeys(CHECKLIST_ITEMS, True),
        **{f"{k}_date": checked for k in CHECKLIST_ITEMS},
    )
    advance(Stage.DECISION, dt.date(2026, 2, 24))
    services.decision_record(
        acting_user=clerk,
        case=SelectionCase.objects.get(pk=case.pk),
        date=dt.date(2026, 2, 24),
        members_due=9,
        members_present=9,
        votes={candidate.pk: (8, 1, 0)},
    )
    advance(Stage.PUBLIC_NOTICE, dt.date(2026, 9, 29))
    return {"case": case, "cadre": cadre, "candidate": candidate}


def test_clerk_runs_a_case_from_the_notice_to_appointment(
    notice_day: None, office: dict[str, Any], live_server: Any, browser: Any
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    sign_in(page, base, "clerk")

    page.goto(f"{base}/selection/")
    page.get_by_role("link", name="甲镇镇长选拔任用").click()
    expect(page.get_by_test_id("current-stage")).to_have_text("任前公示")
    expect(page.locator("tbody tr", has_text="张建华")).to_contain_text("8/1/0")

    # A notice that starts today is still running: 任职 is refused with the end date.
    today = timezone.localdate()
    assert today == dt.date(2026, 11, 16)  # a Monday (notice_day)
    # Five working days from Monday 11.16: 16, 17, 18, 19, 20. November 2026 has no public
    # holiday and no 调休 working day (国庆 and its Saturday 10.10 are over), so: Friday 11.20.
    running_end = dt.date(2026, 11, 20)
    page.get_by_label("公示开始").fill(today.isoformat())
    page.get_by_role("button", name="保存公示").click()
    expect(page.get_by_test_id("notice")).to_contain_text(f"至 {running_end:%Y.%m.%d} 结束")
    page.get_by_role("button", name="转入“任职”").click()
    expect(page.locator(".alert-danger")).to_contain_text(
        f"公示期至 {running_end:%Y.%m.%d} 结束，公示期满后方可任职"
    )
    assert not Position.objects.filter(title="镇长").exists()

    # The notice that really ran: from 9.29 over 国庆 to the 调休 Saturday 10.10.
    page.get_by_label("公示开始").fill("2026-09-29")
    page.get_by_role("button", name="保存公示").click()
    expect(page.get_by_test_id("notice")).to_contain_text("至 2026.10.10 结束")
    page.screenshot(path=str(SCREENSHOTS / "selection-notice.png"), full_page=True)

    page.get_by_role("button", name="转入“任职”").click()
    expect(page.locator(".alert-success")).to_contain_text("已转到“任职”环节")
    expect(page.get_by_test_id("current-stage")).to_have_text("任职")
    expect(page.locator("tbody tr", has_text="张建华")).to_contain_text("新任：甲镇镇长")
    page.screenshot(path=str(SCREENSHOTS / "selection-appointed.png"), full_page=True)

    new = Position.objects.get(cadre=office["cadre"], end_date__isnull=True)
    assert (new.title, new.rank_level, new.start_date) == ("镇长", "141", today)
    assert new.probation_end == add_months(today, 12)  # 提拔: 试用期一年
    old = Position.objects.get(cadre=office["cadre"], title="副镇长")
    assert old.end_date == today
    assert Candidate.objects.get().status == CandidateStatus.APPOINTED
    assert errors == []

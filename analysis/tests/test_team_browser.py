"""Real-browser journey 6 (docs/journeys.md: look at a leadership team): the team page with its
charts, a member's alert badge, then the structure of the whole county. Playwright drives
Debian's chromium against the live server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cadres import services
from cadres.choices import EducationKind
from orgs.services import quota_set
from tests.test_browser import SCREENSHOTS, TIMEOUT_MS, browser, sign_in
from zugong.testing import office_for_browser

__all__ = ["browser"]  # the fixture, imported for pytest

pytestmark = pytest.mark.browser

CHARTS = ("#chart-age-box", "#chart-sex-box", "#chart-education-box", "#chart-quota-box")


@pytest.fixture
def county(transactional_db: None) -> dict[str, Any]:
    _root, clerk, units = office_for_browser()
    team = [
        ("王建国", "1", dt.date(1975, 6, 12), "党委书记", "141", True, "11"),
        ("李秀兰", "2", dt.date(1988, 3, 2), "镇长", "141", True, "21"),
        ("赵刚", "1", dt.date(1980, 11, 20), "党委副书记", "142", False, "21"),
        ("孙丽", "2", dt.date(1992, 1, 8), "副镇长", "142", False, "31"),
    ]
    for order, (name, sex, birth, title, level, head, edu) in enumerate(team, start=1):
        cadre = services.cadre_create(
            acting_user=clerk,
            unit=units["a"],
            name=name,
            sex=sex,
            birth_date=birth,
            ethnicity="01",
            political_status="01",
            expertise="农村经济、基层党建",
        )
        services.education_add(
            acting_user=clerk, cadre=cadre, kind=EducationKind.FULL_TIME, education_level=edu
        )
        cadre.refresh_from_db()
        services.position_start(
            acting_user=clerk,
            cadre=cadre,
            unit=units["a"],
            title=title,
            rank_level=level,
            is_leading=True,
            is_head=head,
            order=order,
            start_date=dt.date(2023, 3, 1),
        )
    quota_set(acting_user=clerk, unit=units["a"], rank_level="141", quota=2)
    quota_set(acting_user=clerk, unit=units["a"], rank_level="142", quota=3)
    return {"units": units, "clerk": clerk}


def _drawn(page: Any, selector: str) -> dict[str, float]:
    """Size of the canvas (or svg) ECharts drew inside the chart container."""
    return page.eval_on_selector(
        selector,
        """el => { const c = el.querySelector('canvas, svg');
                   if (!c) { return {width: 0, height: 0}; }
                   const r = c.getBoundingClientRect();
                   return {width: r.width, height: r.height}; }""",
    )


def test_clerk_looks_at_a_team_and_its_charts_render(county, live_server, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    sign_in(page, base, "clerk")

    # From the dashboard's 干部队伍 section to the county's structure, then 甲镇's team.
    page.get_by_role("link", name="测试县委 结构分析").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("结构分析")
    expect(page.locator("#children-table")).to_contain_text("甲镇")
    page.locator("#children-table").get_by_role("link", name="甲镇").click()
    page.get_by_role("link", name="本单位班子").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("甲镇 · 领导班子")

    rows = page.locator("#team-table tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("王建国")
    expect(rows.first).to_contain_text("正职")
    expect(page.locator("#team-figures")).to_contain_text("班子成员")
    # 乡科级副职: 2 holders of 3 approved posts.
    expect(page.locator("#quota-table")).to_contain_text("空缺 1")
    for selector in CHARTS:
        expect(page.locator(selector)).to_have_attribute("data-chart-ready", "1")
        size = _drawn(page, selector)
        assert size["width"] > 100, (selector, size)
        assert size["height"] > 100, (selector, size)
    page.screenshot(path=str(SCREENSHOTS / "cadres-team.png"), full_page=True)

    # Sort by age: the youngest first.
    page.locator("#team-table thead").get_by_role("link", name="出生年月（年龄）").click()
    expect(rows.first).to_contain_text("孙丽")

    # The member's name opens the cadre page.
    page.locator("#team-table").get_by_role("link", name="李秀兰").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("李秀兰")
    assert errors == []

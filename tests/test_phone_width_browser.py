"""Real-browser checks at phone width, 390 × 844 (issue 14, item 4; docs/journeys.md, "Layout every
page shares"): no page scrolls sideways, the navigation folds behind the 菜单 button, the top
search stays usable, and journeys 1 (find a cadre), 5 (the alert centre), 6 (a leadership team)
and 9 (a unit liaison) work on a phone. Playwright drives Debian's chromium."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from alerts.engine import compute
from alerts.models import Alert
from alerts.registry import Scope
from cadres import services
from cadres.choices import EducationKind
from core.idnumber import build_id_number
from core.permissions import Role
from orgs.services import quota_set
from tests.test_browser import SCREENSHOTS, TIMEOUT_MS, browser, sign_in
from zugong.testing import make_user, office_for_browser

__all__ = ["browser"]  # the fixture, imported for pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# name, sex, birth, title, rank level, head, education level, start of the post
TEAM = [
    ("王建国", "1", dt.date(1966, 6, 12), "党委书记", "141", True, "11", dt.date(2012, 3, 1)),
    ("李秀兰", "2", dt.date(1988, 3, 2), "镇长", "141", True, "21", dt.date(2021, 3, 1)),
    ("赵刚", "1", dt.date(1980, 11, 20), "党委副书记", "142", False, "21", dt.date(2023, 3, 1)),
    ("孙丽", "2", dt.date(1992, 1, 8), "副镇长", "142", False, "31", dt.date(2023, 3, 1)),
    ("周海涛", "1", dt.date(1985, 4, 18), "组织委员", "142", False, "21", dt.date(2022, 5, 1)),
]


@pytest.fixture
def township(transactional_db: None) -> dict[str, Any]:
    """甲镇 with a five-member team (quotas set), the alerts computed, and its liaison."""
    root, clerk, units = office_for_browser()
    cadres = {}
    for order, (name, sex, birth, title, level, head, edu, start) in enumerate(TEAM, start=1):
        cadre = services.cadre_create(
            acting_user=clerk,
            unit=units["a"],
            name=name,
            sex=sex,
            birth_date=birth,
            id_number=build_id_number("130101", birth, 30 + order * 2 + (sex == "1")).value,
            ethnicity="01",
            political_status="01",
            expertise="农村经济、基层党建、乡村振兴和城乡规划建设管理",
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
            start_date=start,
        )
        cadres[name] = cadre
    quota_set(acting_user=clerk, unit=units["a"], rank_level="141", quota=2)
    quota_set(acting_user=clerk, unit=units["a"], rank_level="142", quota=4)
    compute(Scope(path=root.path, today=dt.date.today()))
    assert Alert.objects.filter(cadre=cadres["王建国"], rule__code="same_post").exists()
    make_user("liaison_a", Role.LIAISON, units["a"], full_name="甲镇联络员")
    return {"root": root, "units": units, "clerk": clerk, "cadres": cadres}


def _phone(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1, locale="zh-CN"
    )
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def _sideways(page: Any) -> int:
    """How far the page scrolls sideways (0: it fits the phone)."""
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width - PHONE["width"]


def _charts_fit(page: Any) -> list[str]:
    """Every drawn chart is wider than 100 px and no wider than its card."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-chart-ready]')).flatMap(el => {
             const c = el.querySelector('canvas, svg');
             const w = c ? c.getBoundingClientRect().width : 0;
             const room = el.parentElement.getBoundingClientRect().width;
             return (w > 100 && w <= room + 1 && el.getBoundingClientRect().right <= innerWidth)
               ? [] : [(el.id || el.getAttribute('data-chart') || '?') + ' ' + w + '/' + room];
           })"""
    )


def _visit_all(page: Any, base: str, pages: list[tuple[str, str]], who: str) -> None:
    too_wide, unfit = [], []
    for name, path in pages:
        page.goto(base + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # the charts draw after DOMContentLoaded
        if (extra := _sideways(page)) > 0:
            too_wide.append(f"{name} ({path}) scrolls {extra} px sideways")
        unfit += [f"{name}: chart {c}" for c in _charts_fit(page)]
        page.screenshot(path=str(SCREENSHOTS / f"phone-{who}-{name}.png"), full_page=True)
    assert too_wide == [], too_wide
    assert unfit == [], unfit


def test_no_page_of_the_clerk_scrolls_sideways_on_a_phone(township, live_server, browser):
    page, errors = _phone(browser)
    base = live_server.url
    sign_in(page, base, "clerk")
    units, cadre = township["units"], township["cadres"]["王建国"]
    _visit_all(
        page,
        base,
        [
            ("dashboard", "/"),
            ("roster", "/cadres/"),
            ("cadre", f"/cadres/{cadre.pk}/"),
            ("cadre-positions", f"/cadres/{cadre.pk}/?tab=positions"),
            ("team", f"/cadres/team/{units['a'].pk}/"),
            ("structure", f"/cadres/structure/{township['root'].pk}/"),
            ("alerts", "/alerts/"),
            ("unit", f"/orgs/{units['a'].pk}/"),
            ("unit-tree", "/orgs/"),
        ],
        "clerk",
    )
    assert errors == []


def test_the_menu_button_opens_the_navigation_and_the_search_finds_a_cadre(
    township, live_server, browser
):
    """Journeys 1 and 5 on a phone: 菜单 → 预警中心, acknowledge an alert with a note; then the
    top search with pinyin initials opens the cadre page."""
    from playwright.sync_api import expect

    page, errors = _phone(browser)
    base = live_server.url
    sign_in(page, base, "clerk")

    nav = page.locator("#zg-nav")  # the sidebar; open, Bootstrap makes it a dialog "导航"
    expect(nav).to_be_hidden()  # folded away: the page has the whole width
    page.get_by_role("button", name="菜单").click()
    expect(page.get_by_role("dialog", name="导航")).to_be_visible()
    expect(nav).to_have_class(re.compile(r"\bshow\b"))
    expect(nav).not_to_have_class(re.compile(r"\bshowing\b"))
    # Bootstrap drops "showing" on a timer; on a slow machine the slide itself can still be
    # running then. Wait for the CSS transition to finish before measuring where it stopped.
    page.wait_for_function("() => document.querySelector('#zg-nav').getAnimations().length === 0")
    box = nav.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path=str(SCREENSHOTS / "phone-menu-open.png"))
    nav.get_by_role("link", name="预警中心").click()
    page.wait_for_url(f"{base}/alerts/")
    expect(nav).to_be_hidden()
    assert _sideways(page) <= 0

    # Journey 5: the alert with its reason in view (no sideways scrolling to read it), then
    # 知悉 with a note.
    row = page.locator("tbody tr", has_text="任现职（甲镇党委书记）2012.03 至今")
    expect(row).to_contain_text("同一职位任职年限")
    reason = row.get_by_text(re.compile(r"任现职（甲镇党委书记）2012\.03 至今"))
    expect(reason).to_be_visible()
    reason_box = reason.bounding_box()
    assert reason_box is not None
    assert reason_box["x"] + reason_box["width"] <= PHONE["width"]
    row.get_by_role("button", name="知悉").click()
    note = row.get_by_label("处理情况")
    expect(note).to_be_visible()
    note_box = note.bounding_box()
    assert note_box is not None
    assert note_box["x"] + note_box["width"] <= PHONE["width"]
    note.fill("已列入本年度交流计划")
    row.get_by_role("button", name="确认知悉").click()
    expect(page.locator(".alert-success")).to_be_visible()
    alert = Alert.objects.get(rule__code="same_post", cadre=township["cadres"]["王建国"])
    assert alert.handled_note == "已列入本年度交流计划"

    # Journey 1: the top search is on screen without opening anything.
    search = page.get_by_label("搜索干部")
    expect(search).to_be_in_viewport()
    search.fill("wjg")
    search.press("Enter")
    page.wait_for_url(f"{base}/cadres/{township['cadres']['王建国'].pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("王建国")
    assert _sideways(page) <= 0
    assert errors == []


def test_a_team_reads_on_a_phone(township, live_server, browser):
    """Journey 6 on a phone: the team table scrolls inside its card with every cell on one
    line; the charts fit."""
    from playwright.sync_api import expect

    page, errors = _phone(browser)
    base = live_server.url
    sign_in(page, base, "clerk")
    page.goto(f"{base}/cadres/team/{township['units']['a'].pk}/")
    rows = page.locator("#team-table tbody tr")
    expect(rows).to_have_count(len(TEAM))
    expect(page.locator("#chart-age-box")).to_have_attribute("data-chart-ready", "1")
    assert _sideways(page) <= 0
    # The table is wider than the phone and scrolls inside its card instead.
    scroller = page.locator(".table-responsive", has=page.locator("#team-table"))
    sizes = scroller.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] > sizes[1], sizes
    # No cell squeezed to one character per line: each row is one line of text high.
    heights = rows.evaluate_all("rs => rs.map(r => r.getBoundingClientRect().height)")
    assert max(heights) < 50, heights
    assert _charts_fit(page) == []
    page.locator("#team-table").get_by_role("link", name="李秀兰").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("李秀兰")
    assert errors == []


def test_a_liaison_uses_their_unit_on_a_phone(township, live_server, browser):
    """Journey 9 on a phone: the liaison's pages fit; the roster holds 甲镇's cadres only."""
    from playwright.sync_api import expect

    page, errors = _phone(browser)
    base = live_server.url
    sign_in(page, base, "liaison_a")
    units = township["units"]
    _visit_all(
        page,
        base,
        [("dashboard", "/"), ("roster", "/cadres/"), ("unit", f"/orgs/{units['a'].pk}/")],
        "liaison",
    )
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("dialog", name="导航").get_by_role("link", name="干部名册").click()
    page.wait_for_url(f"{base}/cadres/")
    expect(page.locator("#roster-table tbody tr")).to_have_count(len(TEAM))
    assert errors == []


def test_the_desktop_keeps_its_sidebar(township, live_server, browser):
    """At 1440 px nothing changed: the sidebar stands beside the page, no menu button."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    base = live_server.url
    sign_in(page, base, "clerk")
    nav = page.get_by_role("complementary", name="导航")  # inline: no dialog role
    expect(nav).to_be_visible()
    expect(page.get_by_role("button", name="菜单")).to_be_hidden()
    expect(page.get_by_label("搜索干部")).to_be_visible()
    box = nav.bounding_box()
    main = page.locator("main").bounding_box()
    assert box is not None
    assert main is not None
    assert box["x"] == 0
    assert box["width"] == 208
    assert main["x"] >= box["width"]

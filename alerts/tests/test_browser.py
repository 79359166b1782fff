"""Real-browser journey 5 (docs/journeys.md): the Monday check of the alert centre — see the new
alerts with their reasons and rules, dismiss one with a reason, recompute; then the cadre page
shows the handled alert. Playwright drives Debian's chromium against the live server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alerts.choices import AlertStatus
from alerts.engine import compute
from alerts.models import Alert
from alerts.registry import Scope
from cadres import services
from core.idnumber import build_id_number
from tests.test_browser import SCREENSHOTS, TIMEOUT_MS, browser, sign_in
from zugong.testing import office_for_browser

__all__ = ["browser"]  # the fixture, imported for pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def office(transactional_db: None) -> dict[str, Any]:
    root, clerk, units = office_for_browser()
    cadre = services.cadre_create(
        acting_user=clerk,
        unit=units["a"],
        name="王建国",
        id_number=build_id_number("130101", dt.date(1975, 6, 12), 31).value,
        ethnicity="01",
        political_status="01",
    )
    services.position_start(
        acting_user=clerk,
        cadre=cadre,
        unit=units["a"],
        title="党委书记",
        rank_level="141",
        is_leading=True,
        is_head=True,
        start_date=dt.date(2012, 3, 1),
    )
    compute(Scope(path=root.path, today=dt.date.today()))
    return {"units": units, "clerk": clerk, "cadre": cadre}


def test_clerk_checks_the_alert_centre_and_dismisses_an_alert_with_a_reason(
    office: dict[str, Any], live_server: Any, browser: Any
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    sign_in(page, base, "clerk")

    # From the navigation to the alert centre: the tenure alert with its facts and source.
    page.get_by_role("link", name="预警中心").click()
    row = page.locator("tbody tr", has_text="同一职位任职年限")
    expect(row).to_contain_text("王建国")
    expect(row).to_contain_text("任现职（甲镇党委书记）2012.03 至今")
    expect(row).to_contain_text("必须交流")
    expect(page.get_by_role("link", name="预警规则及依据")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "alerts-centre.png"), full_page=True)

    # 排除 without a reason is refused by the browser (required); with one it is saved.
    row.get_by_role("button", name="排除").click()
    reason = row.get_by_label("排除理由")
    expect(reason).to_be_visible()
    reason.fill("已列入本年度交流计划")
    row.get_by_role("button", name="确认排除").click()
    expect(page.locator(".alert-success")).to_contain_text("已排除")
    alert = Alert.objects.get(rule__code="same_post", cadre=office["cadre"])
    assert alert.status == AlertStatus.DISMISSED
    assert alert.handled_note == "已列入本年度交流计划"
    expect(page.locator("tbody")).not_to_contain_text("任现职（甲镇党委书记）")

    # Recomputing keeps it dismissed (the facts did not change); 全部 shows it with the reason.
    page.get_by_role("button", name="重新计算").click()
    expect(page.locator(".alert-success")).to_contain_text("已重新计算")
    page.get_by_label("处理状态").select_option("all")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("tbody")).to_contain_text("已排除：已列入本年度交流计划")

    # The cadre page lists the alert with its handling.
    page.get_by_role("link", name="王建国").first.click()
    panel = page.locator("#cadre-alerts")
    expect(panel).to_contain_text("同一职位任职年限")
    expect(panel).to_contain_text("已排除：已列入本年度交流计划")
    page.screenshot(path=str(SCREENSHOTS / "alerts-cadre-page.png"), full_page=True)
    assert errors == []


def test_clerk_acknowledges_several_alerts_with_one_note(
    office: dict[str, Any], live_server: Any, browser: Any
) -> None:
    """Issue 14, item 9: tick several, 批量知悉 with one note; the unit shows under the name."""
    from playwright.sync_api import expect

    clerk, units = office["clerk"], office["units"]
    second = services.cadre_create(
        acting_user=clerk,
        unit=units["b"],
        name="李振华",
        id_number=build_id_number("130101", dt.date(1976, 2, 3), 33).value,
        ethnicity="01",
        political_status="01",
    )
    services.position_start(
        acting_user=clerk,
        cadre=second,
        unit=units["b"],
        title="党委书记",
        rank_level="141",
        is_leading=True,
        is_head=True,
        start_date=dt.date(2013, 5, 1),
    )
    compute(Scope(path=units["root"].path, today=dt.date.today()))
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    sign_in(page, base, "clerk")
    page.goto(f"{base}/alerts/")
    rows = page.locator("tbody tr", has_text="同一职位任职年限")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="李振华").locator(".zg-subject-unit")).to_have_text("乙镇")
    # 知悉 alone now asks for its note too.
    first = rows.filter(has_text="王建国")
    first.get_by_role("button", name="知悉").click()
    expect(first.get_by_label("处理情况")).to_be_visible()
    # Tick both and acknowledge them with one note.
    for name in ("王建国", "李振华"):
        rows.filter(has_text=name).get_by_label("选择此条预警").check()
    page.get_by_label("批量处理说明").fill("已列入本年度交流计划")
    page.get_by_role("button", name="批量知悉").click()
    expect(page.locator(".alert-success")).to_contain_text("2 条预警已标记为“已知悉”")
    notes = set(Alert.objects.filter(rule__code="same_post").values_list("status", "handled_note"))
    assert notes == {(AlertStatus.ACKNOWLEDGED, "已列入本年度交流计划")}
    page.screenshot(path=str(SCREENSHOTS / "alerts-bulk.png"), full_page=True)
    assert errors == []

"""Real-browser journey: a 挂职锻炼 from the programme to the cadre's 简历. The clerk creates the
programme, sends a cadre to another town with a mentor, starts the assignment, records the
mid evaluation, ends it and records the final one; the cadre page then shows the assignment
in its 培养锻炼 panel and the （其间：…挂职任…） line in the 简历. Playwright drives Debian's
chromium."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cadres import services as cadres
from cadres.models import Cadre
from development.choices import AssignmentStatus, EvaluationGrade
from development.models import Assignment
from tests.test_browser import SCREENSHOTS, TIMEOUT_MS, browser, sign_in
from zugong.testing import office_for_browser

__all__ = ["browser"]  # the fixture, imported for pytest

pytestmark = pytest.mark.browser

NOTE = "（其间：2025.03--2026.03 在乙镇挂职任党委副书记）"


@pytest.fixture
def office(transactional_db: None) -> dict[str, Any]:
    """The persona tree and one 甲镇 deputy head, made through the services."""
    _root, clerk, units = office_for_browser()
    cadre = cadres.cadre_create(
        acting_user=clerk, unit=units["a"], name="张建华", sex="1", birth_date=dt.date(1988, 5, 1)
    )
    cadres.position_start(
        acting_user=clerk,
        cadre=cadre,
        unit=units["a"],
        title="副镇长",
        rank_level="142",
        is_leading=True,
        start_date=dt.date(2021, 3, 1),
    )
    return {"units": units, "clerk": clerk, "cadre": cadre}


def test_clerk_runs_a_secondment_into_the_cadre_page(
    office: dict[str, Any], live_server: Any, browser: Any
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    sign_in(page, base, "clerk")

    # The programme: the county's 挂职锻炼 of 2025 (the form proposes the clerk's county).
    page.goto(f"{base}/development/programmes/")
    page.get_by_role("link", name="新建培养项目").click()
    expect(page.get_by_label("类别")).to_have_value("secondment")
    page.get_by_label("名称", exact=True).fill("2025年乡镇干部交流挂职")
    page.get_by_label("开始日期").fill("2025-01-01")
    page.get_by_label("结束日期").fill("2026-06-30")
    page.get_by_label("目标").fill("到兄弟乡镇一线岗位墩实历练")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已建立“2025年乡镇干部交流挂职”")
    expect(page.locator("h1")).to_contain_text("2025年乡镇干部交流挂职")
    # The edit form shows the dates it was given (a date box takes only ISO values).
    page.get_by_role("link", name="编辑").click()
    expect(page.get_by_label("开始日期")).to_have_value("2025-01-01")
    expect(page.get_by_label("结束日期")).to_have_value("2026-06-30")
    page.get_by_role("link", name="取消").click()

    # The assignment: find the cadre, send him to 乙镇 (picked from the unit tree) with a mentor.
    page.get_by_role("link", name="添加培养安排").click()
    page.get_by_label("干部姓名或拼音首字母").fill("zjh")
    page.get_by_role("button", name="查找").click()
    page.locator("li", has_text="张建华").get_by_role("link", name="选择").click()
    host = page.get_by_label("接收单位（本系统中的单位", exact=False)
    host.fill("乙镇")
    expect(page.locator("#unit-picks option[value='TB00']")).to_have_count(1)
    host.fill("TB00")
    # The box holds the code; the chosen unit is named under it.
    expect(page.locator(".zg-picked")).to_have_text("已选：乙镇（测试县委）")
    page.get_by_label("挂任职务").fill("党委副书记")
    page.get_by_label("导师").fill("李国强")
    page.get_by_label("开始日期").fill("2025-03-01")
    page.get_by_label("计划结束日期").fill("2026-03-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已为张建华安排“2025年乡镇干部交流挂职”")
    assignment_url = page.url
    expect(page.locator("h1 .badge")).to_have_text("计划中")

    # 到岗 on the planned day, then the mid evaluation.
    page.get_by_role("button", name="确认到岗").click()
    expect(page.locator(".alert-success")).to_contain_text("已到岗，培养安排进行中")
    expect(page.locator("h1 .badge")).to_have_text("进行中")
    expect(page.get_by_label("评价日期")).to_have_value(timezone.localdate().isoformat())
    page.get_by_label("评价", exact=True).select_option("mid")
    page.get_by_label("评价内容").fill("深入村组走访，牵头化解两起信访积案，进入角色快")
    page.get_by_label("评价日期").fill("2025-09-01")
    page.get_by_role("button", name="保存评价").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存评价")
    expect(page.locator("dd", has_text="深入村组走访")).to_contain_text("2025.09.01")

    # 期满: the end, then the final evaluation with its grade.
    page.get_by_label("实际结束日期").fill("2026-03-01")
    page.get_by_role("button", name="确认结束").click()
    expect(page.locator(".alert-success")).to_contain_text("培养安排已结束")
    expect(page.locator("h1 .badge")).to_have_text("已结束")
    expect(page.get_by_label("评价", exact=True)).to_have_value("final")
    page.get_by_label("评价内容").fill("圆满完成挂职任务，群众认可度高")
    page.get_by_label("评价日期").fill("2026-03-05")
    page.get_by_label("等次（期满评价）").select_option(EvaluationGrade.EXCELLENT)
    page.get_by_role("button", name="保存评价").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存评价")
    expect(page.locator("dd", has_text="圆满完成挂职任务")).to_contain_text("（优秀）")
    expect(page.locator("dd", has_text="其间")).to_have_text(NOTE)
    expect(page.locator("td", has_text="接收单位：乙镇")).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "development-assignment.png"), full_page=True)

    page.get_by_role("link", name="2025年乡镇干部交流挂职").click()
    row = page.locator("tbody tr", has_text="张建华")
    expect(row).to_contain_text("乙镇")
    expect(row).to_contain_text("李国强")
    expect(row).to_contain_text("2025.03.01—2026.03.01")
    expect(row).to_contain_text("优秀")
    page.screenshot(path=str(SCREENSHOTS / "development-programme.png"), full_page=True)

    # The cadre page: the 培养锻炼 panel names the ended assignment and links back to it.
    page.goto(assignment_url)
    page.locator("h1").get_by_role("link", name="张建华").click()
    panel = page.locator("#cadre-development")
    expect(panel).to_contain_text("培养锻炼：培养安排 1 项")
    line = panel.locator("tbody tr")
    expect(line).to_have_count(1)
    for text in ("2025年乡镇干部交流挂职", "挂职锻炼", "乙镇", "党委副书记", "李国强"):
        expect(line).to_contain_text(text)
    expect(line).to_contain_text("2025.03.01—2026.03.01")
    expect(line).to_contain_text("已结束")
    page.screenshot(path=str(SCREENSHOTS / "development-cadre-panel.png"), full_page=True)

    # ... and the 简历 carries the （其间：…） line under the post he held.
    page.get_by_role("link", name="简历").click()
    expect(page.locator("pre.zg-resume")).to_contain_text(NOTE)
    page.screenshot(path=str(SCREENSHOTS / "development-cadre-resume.png"), full_page=True)
    panel.get_by_role("link", name="2025年乡镇干部交流挂职").click()
    expect(page).to_have_url(assignment_url)

    stored = Assignment.objects.get()
    assert (stored.status, stored.ended_on, stored.final_grade) == (
        AssignmentStatus.ENDED,
        dt.date(2026, 3, 1),
        EvaluationGrade.EXCELLENT,
    )
    assert stored.host_unit == office["units"]["b"]
    assert NOTE in Cadre.objects.get(pk=office["cadre"].pk).resume
    assert errors == []

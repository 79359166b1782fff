"""Real-browser journey: the clerk corrects a planned 挂职 assignment (a typo in the post, the
wrong host) through its edit form, then downloads the programme's assignments as Excel from
the programme page, filtered as the page shows them. Playwright drives Debian's chromium."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from audit.choices import AuditAction
from audit.models import AuditEvent
from cadres import services as cadres
from development import services
from development.models import Assignment
from tests.test_browser import SCREENSHOTS, TIMEOUT_MS, browser, sign_in
from zugong.testing import office_for_browser

__all__ = ["browser"]  # the fixture, imported for pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def office(transactional_db: None) -> dict[str, Any]:
    """The persona tree, one 甲镇 deputy head and a planned assignment with a typo in it."""
    _root, clerk, units = office_for_browser()
    cadre = cadres.cadre_create(
        acting_user=clerk, unit=units["a"], name="张建华", sex="1", birth_date=dt.date(1988, 5, 1)
    )
    programme = services.programme_create(
        acting_user=clerk,
        unit=units["root"],
        kind="secondment",
        name="2025年乡镇干部交流挂职",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2026, 6, 30),
    )
    assignment = services.assignment_create(
        acting_user=clerk,
        programme=programme,
        cadre=cadre,
        host_name="临江县石挢镇",
        post_title="党委付书记",
        mentor_name="李国强",
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2026, 3, 1),
    )
    return {"units": units, "assignment": assignment, "programme": programme}


def test_clerk_corrects_an_assignment_and_exports_the_programme(
    office: dict[str, Any], live_server: Any, browser: Any
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    sign_in(page, base, "clerk")
    assignment = office["assignment"]

    page.goto(f"{base}/development/assignments/{assignment.pk}/")
    page.get_by_role("link", name="编辑").click()
    expect(page.locator("h1")).to_contain_text("编辑培养安排")
    expect(page.get_by_label("挂任职务")).to_have_value("党委付书记")
    expect(page.get_by_label("导师")).to_have_value("李国强")
    expect(page.get_by_label("开始日期")).to_have_value("2025-03-01")
    expect(page.get_by_label("计划结束日期")).to_have_value("2026-03-01")

    # The host is 乙镇 of the unit tree, not a typed name; the end date is mistyped first.
    page.get_by_label("或：接收单位名称", exact=False).fill("")
    host = page.get_by_label("接收单位（本系统中的单位", exact=False)
    host.fill("乙镇")
    expect(page.locator("#unit-picks option[value='TB00']")).to_have_count(1)
    host.fill("TB00")
    page.get_by_label("挂任职务").fill("党委副书记")
    page.get_by_label("计划结束日期").fill("2025-02-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback")).to_have_text("计划结束日期应晚于开始日期")
    expect(page.get_by_label("挂任职务")).to_have_value("党委副书记")
    # The form drawn again holds the code; the page looks the unit up to name it.
    expect(page.locator(".zg-picked")).to_have_text("已选：乙镇（测试县委）")
    page.screenshot(path=str(SCREENSHOTS / "development-assignment-edit.png"), full_page=True)

    page.get_by_label("计划结束日期").fill("2026-03-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存对培养安排的修改")
    expect(page.locator("dd", has_text="党委副书记")).to_have_count(1)
    expect(page.locator("td", has_text="挂任职务：党委付书记 → 党委副书记")).to_have_count(1)
    stored = Assignment.objects.get(pk=assignment.pk)
    assert (stored.host_unit, stored.host_name, stored.post_title, stored.version) == (
        office["units"]["b"],
        "",
        "党委副书记",
        2,
    )

    # The programme page, filtered to planned assignments, exports what it shows.
    page.get_by_role("link", name="2025年乡镇干部交流挂职").click()
    page.get_by_label("状态").select_option("planned")
    page.get_by_role("button", name="查询").click()
    export = page.get_by_role("link", name="导出 Excel")
    expect(export).to_have_attribute(
        "href", f"/development/programmes/{office['programme'].pk}/export.xlsx?status=planned"
    )
    page.screenshot(path=str(SCREENSHOTS / "development-programme-export.png"), full_page=True)
    with page.expect_download() as info:
        export.click()
    sheet = load_workbook(io.BytesIO(info.value.path().read_bytes()), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("姓名", "本单位", "现任职务", "接收单位", "挂任职务")
    assert [r[:5] for r in rows[1:]] == [("张建华", "甲镇", None, "乙镇", "党委副书记")]
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.sensitive) == (AuditAction.EXPORT, True)
    assert errors == []

"""Real-browser journey of the unit-tree import (issue 14): from the tree page, upload a file
with an error (确认导入 disabled), then the corrected file, confirm, and see the units in the
tree. Playwright drives Debian's chromium against the live server."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from orgs.models import Unit
from tests.test_browser import TIMEOUT_MS, browser, sign_in
from zugong.testing import office_for_browser

__all__ = ["browser"]  # the fixture, imported for pytest

pytestmark = pytest.mark.browser

ROWS = [  # children before their parents: the import orders them itself
    ("JZ-NFB-1", "农技站", "JZ-NFB", "事业单位", "不定级"),
    ("JZ-NFB", "甲镇农业服务中心", "TA00", "事业单位", "股级及以下"),
    ("JZ-DZB", "甲镇党政办", "TA00", "政府工作部门", "股级及以下"),
]


def _workbook(path: Path, rows: Sequence[tuple[str, ...]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "单位"
    sheet.append(["单位代码*", "单位名称*", "上级单位代码*", "单位类别", "单位级别"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
def office(transactional_db: None) -> dict[str, Any]:
    _root, clerk, units = office_for_browser()
    return {"units": units, "clerk": clerk}


def test_clerk_imports_units_from_the_tree_page(office, live_server, browser, tmp_path):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    sign_in(page, base, "clerk")
    target = office["units"]["a"]

    page.goto(f"{base}/orgs/")
    page.get_by_role("link", name="导入单位（Excel）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("导入单位（Excel）")
    expect(page.locator("#id_unit")).to_have_value("T000")  # the top unit in scope
    page.locator("#id_unit").fill("TA00")

    # A file with an unknown parent code: the preview says why and 确认导入 is disabled.
    bad = _workbook(tmp_path / "单位-错误.xlsx", [*ROWS, ("JZ-X", "某办", "NOPE", "", "")])
    page.get_by_label("文件（.xlsx）").set_input_files(str(bad))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-rows")).to_contain_text(
        "上级单位代码“NOPE”不存在或不在您的管理范围内"
    )
    expect(page.locator("#import-counts")).to_contain_text("错误 1")
    expect(page.get_by_role("button", name="确认导入")).to_be_disabled()
    page.get_by_role("button", name="取消").click()
    expect(page.locator(".alert-info")).to_contain_text("已取消导入")
    assert not Unit.objects.filter(code__startswith="JZ-").exists()

    # The corrected file: preview, confirm, and the units are in the tree.
    page.locator("#id_unit").fill("TA00")
    good = _workbook(tmp_path / "单位.xlsx", ROWS)
    page.get_by_label("文件（.xlsx）").set_input_files(str(good))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-counts")).to_contain_text("新增 3")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("导入完成：新增 3 个")
    tree = page.locator("#unit-tree")
    expect(tree).to_contain_text("甲镇")
    town = page.locator("#unit-tree li").filter(
        has=page.get_by_role("link", name="甲镇", exact=True)
    )
    expect(town.last).to_contain_text("3 个下级")
    town.last.locator(".zg-toggle").first.click()
    expect(tree).to_contain_text("甲镇农业服务中心")
    expect(tree).to_contain_text("甲镇党政办")
    assert Unit.objects.get(code="JZ-NFB-1").parent == Unit.objects.get(code="JZ-NFB")
    assert Unit.objects.get(code="JZ-NFB").parent_id == target.pk
    assert errors == []

"""Real-browser journeys of the 干部科 clerk (docs/journeys.md, journeys 1–3): find a cadre, edit
with a
validation error, import an Excel roster (with errors, then clean), import and export LRMX,
download the 任免审批表 PDF. Playwright drives Debian's chromium against the live server."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from cadres import services
from cadres.models import Cadre
from core.idnumber import build_id_number
from tests.test_browser import SCREENSHOTS, TIMEOUT_MS, browser, sign_in
from zugong.testing import office_for_browser

__all__ = ["browser"]  # the fixture, imported for pytest

pytestmark = pytest.mark.browser
SAMPLE_LRMX = Path(__file__).resolve().parent / "lrmx" / "canonical.lrmx"


@pytest.fixture
def office(transactional_db: None) -> dict[str, Any]:
    _root, clerk, units = office_for_browser()
    cadre = services.cadre_create(
        acting_user=clerk,
        unit=units["a"],
        name="王建国",
        id_number=build_id_number("130101", dt.date(1975, 6, 12), 31).value,
        ethnicity="01",
        political_status="01",
        party_join_date=dt.date(1998, 7, 1),
        work_start_date=dt.date(1997, 8, 1),
    )
    services.position_start(
        acting_user=clerk,
        cadre=cadre,
        unit=units["a"],
        title="党委书记",
        rank_level="141",
        is_leading=True,
        is_head=True,
        start_date=dt.date(2020, 3, 1),
    )
    return {"units": units, "clerk": clerk, "cadre": cadre}


def _page(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def test_clerk_finds_a_cadre_and_edit_refuses_a_wrong_birth_month(office, live_server, browser):
    from playwright.sync_api import expect

    page, errors = _page(browser)
    base = live_server.url
    sign_in(page, base, "clerk")
    cadre = office["cadre"]

    # Top search with pinyin initials: one match opens the cadre page.
    page.get_by_label("搜索干部").fill("wjg")
    page.get_by_label("搜索干部").press("Enter")
    page.wait_for_url(f"{base}/cadres/{cadre.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("王建国")
    expect(page.locator("#id-number")).to_contain_text("130101********")

    # The roster: filter by unit code and level, see the row, open it.
    page.goto(f"{base}/cadres/")
    page.locator("#f-rank").select_option("141")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#roster-table tbody tr")).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "cadres-roster.png"), full_page=True)
    page.get_by_role("link", name="王建国").click()
    page.get_by_role("link", name="任职").click()
    expect(page.locator("main")).to_contain_text("甲镇党委书记")

    # Edit with a birth month that contradicts the ID number: refused, field-level message.
    page.get_by_role("link", name="编辑基本信息").click()
    page.get_by_label("出生年月").fill("1976.06")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("出生年月与身份证号不一致")
    expect(page.get_by_label("出生年月")).to_have_value("1976.06")
    page.screenshot(path=str(SCREENSHOTS / "cadres-edit-error.png"), full_page=True)
    assert Cadre.objects.get(pk=cadre.pk).birth_date == dt.date(1975, 6, 12)

    # Fix it: a valid change is saved.
    page.get_by_label("出生年月").fill("1975.06")
    page.get_by_label("熟悉专业有何专长").fill("熟悉农村经济")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert Cadre.objects.get(pk=cadre.pk).expertise == "熟悉农村经济"
    assert errors == []


def _excel(rows: list[dict[str, str]]) -> bytes:
    """A file made from the downloadable template: its header row, then ``rows``."""
    from cadres.excel_import import template_xlsx

    book = load_workbook(io.BytesIO(template_xlsx()))
    sheet = book.worksheets[0]
    headers = [str(c.value or "") for c in sheet[1]]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        values = []
        for header in headers:
            key = header.rstrip("*＊ ")
            values.append(row.get(key, ""))
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_clerk_imports_excel_with_errors_then_clean(office, live_server, browser, tmp_path):
    from playwright.sync_api import expect

    good_id = build_id_number("130101", dt.date(1988, 2, 3), 44).value  # even: a woman
    bad_id = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    row = {
        "身份证号": good_id,
        "姓名": "赵文静",
        "性别": "女",
        "出生年月": "1988.02",
        "民族": "汉族",
    }
    broken = tmp_path / "名册-有错误.xlsx"
    broken.write_bytes(_excel([row, {**row, "身份证号": bad_id, "姓名": "钱错误"}]))
    clean = tmp_path / "名册.xlsx"
    clean.write_bytes(_excel([row]))

    page, errors = _page(browser)
    base = live_server.url
    sign_in(page, base, "clerk")
    page.goto(f"{base}/cadres/import/excel/")
    page.get_by_label("导入到单位").fill("TA00")
    page.get_by_label("文件").set_input_files(str(broken))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-rows")).to_contain_text("校验位")
    expect(page.get_by_role("button", name="确认导入")).to_be_disabled()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载错误报告").click()
    report = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert any("校验位" in str(c.value) for r in report.worksheets[0].iter_rows() for c in r)
    page.screenshot(path=str(SCREENSHOTS / "cadres-import-errors.png"), full_page=True)
    page.get_by_role("button", name="取消").click()
    assert not Cadre.objects.filter(name="赵文静").exists()

    page.get_by_label("导入到单位").fill("TA00")
    page.get_by_label("文件").set_input_files(str(clean))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-counts")).to_contain_text("新增 1")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("导入完成")
    assert Cadre.objects.filter(name="赵文静").count() == 1

    # The same file again changes nothing.
    page.goto(f"{base}/cadres/import/excel/")
    page.get_by_label("导入到单位").fill("TA00")
    page.get_by_label("文件").set_input_files(str(clean))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-counts")).to_contain_text("未变 1")
    assert errors == []


def test_clerk_imports_lrmx_exports_it_and_downloads_the_pdf(
    office, live_server, browser, tmp_path
):
    from playwright.sync_api import expect

    page, errors = _page(browser)
    base = live_server.url
    sign_in(page, base, "clerk")
    page.goto(f"{base}/cadres/import/lrmx/")
    page.get_by_label("导入到单位").fill("TA00")
    page.get_by_label("文件").set_input_files(str(SAMPLE_LRMX))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-counts")).to_contain_text("新增 1")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("导入完成")
    cadre = Cadre.objects.get(name="张卫东")

    page.goto(f"{base}/cadres/{cadre.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 LRMX").click()
    exported = Path(download.value.path()).read_bytes()
    assert b"<XingMing>\xe5\xbc\xa0\xe5\x8d\xab\xe4\xb8\x9c</XingMing>" in exported

    page.get_by_role("link", name="生成任免审批表").click()
    page.get_by_label("拟任职务").fill("吉首市农业农村局党组书记、局长")
    with page.expect_download() as download:
        page.get_by_role("button", name="生成并下载 PDF").click()
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(Path(download.value.path()).read_bytes())
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(  # noqa: S603 (a fixed program on a file this test wrote)
        ["/usr/bin/pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "张卫东" in text
    assert "农业农村局" in text
    assert errors == []


def test_clerk_saves_applies_and_deletes_a_column_set(office, live_server, browser):
    """Issue 14, item 5: 保存列组合 always failed ("请至少选择一列…") — the column boxes were
    outside the form that saves them."""
    from playwright.sync_api import expect

    from cadres.models import RosterColumnSet

    page, errors = _page(browser)
    base = live_server.url
    sign_in(page, base, "clerk")
    page.goto(f"{base}/cadres/")
    page.get_by_role("button", name="导出 Excel").click()
    panel = page.locator("#export-panel")
    expect(panel).to_be_visible()
    # Keep 姓名 and 现任职务 only.
    for box in panel.locator("input[name=columns]").all():
        box.set_checked(box.get_attribute("value") in ("name", "current_title"))
    panel.get_by_label("列组合名称").fill("任免名单")
    panel.get_by_role("button", name="保存列组合").click()
    expect(page.get_by_text("已保存列组合“任免名单”")).to_be_visible(timeout=TIMEOUT_MS)
    saved = RosterColumnSet.objects.get(name="任免名单")
    assert saved.columns == ["name", "current_title"]

    # Apply it: the export has exactly those two columns.
    page.get_by_role("button", name="导出 Excel").click()
    expect(page.locator("#export-panel")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="按“任免名单”导出").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:2] == ["姓名", "现任职务"]
    assert len([h for h in header if h]) == 2
    names = [row[0].value for row in sheet.iter_rows(min_row=2) if row[0].value]
    assert "王建国" in names

    # Delete it (from a fresh page: the panel is still open after the download).
    page.goto(f"{base}/cadres/")
    page.get_by_role("button", name="导出 Excel").click()
    expect(page.locator("#export-panel")).to_be_visible()
    page.locator("#export-panel").get_by_title("删除").click()
    # A form POST and a redirect: on a loaded machine longer than expect's 5 s default.
    expect(page.get_by_text("已删除列组合“任免名单”")).to_be_visible(timeout=TIMEOUT_MS)
    assert not RosterColumnSet.objects.filter(name="任免名单").exists()
    assert errors == []

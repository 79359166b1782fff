"""LRMX in bulk in a real browser (issue 14, item 8): the clerk picks several files at once,
or a whole folder; the preview lists each file's main fields, what would change for a person
already on record, and names the file that is not XML; the import writes the good ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cadres.lrmx import MSG_NOT_XML, commit_import
from cadres.models import Cadre
from cadres.tests.test_lrmx_bulk import NOT_XML, fixture, moved
from tests.test_browser import SCREENSHOTS, TIMEOUT_MS, browser, sign_in
from zugong.testing import office_for_browser

__all__ = ["browser"]  # the fixture, imported for pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def office(transactional_db: None) -> dict[str, Any]:
    _root, clerk, units = office_for_browser()
    # 张卫东 is on record (籍贯 湖南吉首, one post) before the bulk upload.
    commit_import(
        acting_user=clerk, unit=units["a"], files=[("张卫东.lrmx", fixture("canonical.lrmx"))]
    )
    return {"units": units, "clerk": clerk}


def _page(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())  # the 跳过错误行 confirmation
    return page, errors


def _files(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = {
        "张卫东.lrmx": moved(fixture("canonical.lrmx")),
        "赵敏.lrmx": fixture("minjian.lrmx"),
        "x06-not-xml.lrmx": NOT_XML,
    }
    for name, data in paths.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in paths]


def test_clerk_imports_several_lrmx_files_at_once(office, live_server, browser, tmp_path):
    from playwright.sync_api import expect

    page, errors = _page(browser)
    base = live_server.url
    sign_in(page, base, "clerk")
    page.goto(f"{base}/cadres/import/lrmx/")
    page.get_by_label("导入到单位").fill("TA00")
    page.get_by_label("文件").set_input_files([str(p) for p in _files(tmp_path / "picked")])
    page.get_by_role("button", name="上传并预览").click()

    counts = page.locator("#import-counts")
    for text in ("新增 1", "更新 1", "错误 1"):
        expect(counts).to_contain_text(text)
    rows = page.locator("#import-rows tbody tr")
    expect(rows).to_have_count(3)
    new = rows.filter(has_text="赵敏.lrmx")
    for text in ("赵敏", "女", "1979.06", "测试县财政局副局长", "新增"):
        expect(new).to_contain_text(text)
    update = rows.filter(has_text="张卫东.lrmx")
    for text in (
        "张卫东",
        "男",
        "1978.03",
        "更新",
        "现任职务：吉首市乾州街道党工委书记 → 吉首市乾州街道党工委书记、一级调研员",
        "籍贯：湖南吉首 → 湖南凤凰",
        "任职：1 条 → 2 条",
    ):
        expect(update).to_contain_text(text)
    bad = rows.filter(has_text="x06-not-xml.lrmx")
    expect(bad).to_contain_text(f"文件“x06-not-xml.lrmx”{MSG_NOT_XML}")
    expect(bad).not_to_contain_text("zip")
    page.screenshot(path=str(SCREENSHOTS / "lrmx-bulk-preview.png"), full_page=True)

    page.get_by_role("button", name="跳过错误行，导入其余 2 项").click()
    expect(page.locator(".alert-success")).to_contain_text("导入完成")
    assert Cadre.objects.get(name="张卫东").native_place == "湖南凤凰"
    assert Cadre.objects.filter(name="赵敏").exists()
    assert errors == []


def test_clerk_imports_a_whole_folder(office, live_server, browser, tmp_path):
    from playwright.sync_api import expect

    folder = tmp_path / "任免表"
    _files(folder)
    (folder / "说明.docx").write_bytes(b"PK\x03\x04")
    page, errors = _page(browser)
    base = live_server.url
    sign_in(page, base, "clerk")
    page.goto(f"{base}/cadres/import/lrmx/")
    page.get_by_label("导入到单位").fill("TA00")
    page.get_by_label("或选择整个目录").set_input_files(str(folder))
    page.get_by_role("button", name="上传并预览").click()

    expect(page.locator("#import-rows tbody tr")).to_have_count(3)
    expect(page.get_by_text("已跳过 1 个不是任免审批表的文件")).to_contain_text("说明.docx")
    expect(page.locator("#import-rows")).to_contain_text("籍贯：湖南吉首 → 湖南凤凰")
    assert errors == []

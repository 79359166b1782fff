"""Real-browser journeys (docs/journeys.md, "Platform", journeys 9 and 12): Playwright drives
Debian's chromium
against the live server — sign in, the dashboard with its chart, the unit tree through htmx."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from core.permissions import Role
from orgs.choices import UnitKind, UnitLevel
from orgs.services import unit_create_root
from zugong.testing import PASSWORD, build_tree, make_user

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path("/tmp")  # noqa: S108 (screenshots for a person to look at, never in the repo)
TIMEOUT_MS = 15_000

pytestmark = pytest.mark.browser


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself are synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()
            # Inside sync_playwright() Django sees another context, hence other connection
            # objects: close them here, or a PostgreSQL session outlives the test run and
            # blocks dropping the test database.
            connections.close_all()


@pytest.fixture
def personas(transactional_db: None) -> dict[str, Any]:
    """The persona tree and the two users of these journeys, made through the services."""
    root = unit_create_root(
        name="测试县委", code="T000", kind=UnitKind.PARTY_COMMITTEE, level=UnitLevel.COUNTY
    )
    clerk = make_user("clerk", Role.CADRE_CLERK, root, full_name="干部科科员")
    units = build_tree(clerk, root)
    liaison = make_user("liaison_a", Role.LIAISON, units["a"], full_name="甲镇联络员")
    return {"units": units, "clerk": clerk, "liaison_a": liaison}


def sign_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/")


def test_it_takes_the_clerk_from_login_to_a_unit_page(personas, live_server, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url

    sign_in(page, base, "clerk")
    expect(page.locator("h1")).to_have_text("首页")
    expect(page.locator("#fig-units")).to_have_text("6")
    expect(page.locator('[data-chart="chart-kind"][data-chart-ready="1"]')).to_be_visible()
    assert page.locator('[data-chart="chart-kind"] canvas').count() == 1
    page.wait_for_timeout(1_000)  # let ECharts' entry animation finish for the screenshot
    page.screenshot(path=str(SCREENSHOTS / "zugong-browser-dashboard.png"), full_page=True)

    page.locator("aside").get_by_role("link", name="单位树").click()
    page.wait_for_url(f"{base}/orgs/")
    tree = page.locator("#unit-tree")
    township_link = tree.get_by_role("link", name="甲镇", exact=True)
    expect(township_link).to_be_visible()  # the root's children arrived through htmx
    township = township_link.locator("xpath=..")
    expect(tree.get_by_role("link", name="甲村")).to_have_count(0)

    township.locator(":scope > .zg-toggle").click()
    village = tree.get_by_role("link", name="甲村", exact=True)
    expect(village).to_be_visible()
    expect(tree.get_by_role("link", name="乙村")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "zugong-browser-tree.png"), full_page=True)

    village.click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/orgs/\d+/$"))
    expect(page.locator("h1")).to_have_text("甲村")
    expect(page.locator(".breadcrumb")).to_contain_text("甲镇")
    assert errors == []


def test_it_shows_a_liaison_only_their_township(personas, live_server, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    base = live_server.url

    sign_in(page, base, "liaison_a")
    expect(page.locator("#fig-units")).to_have_text("2")
    page.locator("aside").get_by_role("link", name="单位树").click()
    page.wait_for_url(f"{base}/orgs/")
    tree = page.locator("#unit-tree")
    expect(tree.get_by_role("link", name="甲村", exact=True)).to_be_visible()
    links = tree.get_by_role("link").all_inner_texts()
    assert sorted(links) == ["甲村", "甲镇"]
    page_text = page.locator("body").inner_text()
    for other in ("乙镇", "乙村", "测试县委组织部"):
        assert other not in page_text
    page.screenshot(path=str(SCREENSHOTS / "zugong-browser-liaison.png"), full_page=True)

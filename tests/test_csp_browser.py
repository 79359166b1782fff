"""The Content-Security-Policy in a real browser (docs/security.md item 7): every main page
loads under the policy the server sends with no violation — no inline script or style, no
style attribute, nothing from another origin — and the ECharts charts still draw.

Violations are caught twice: Chromium's console message ("Refused to … because it violates
the following Content Security Policy directive …") and a ``securitypolicyviolation``
listener installed with ``page.add_init_script`` (Playwright's init scripts are exempt from
the page's CSP; the pages themselves get nothing injected)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from cadres import services
from core.idnumber import build_id_number
from core.permissions import Role
from core.security_headers import CONTENT_SECURITY_POLICY
from tests.test_browser import TIMEOUT_MS, browser, sign_in
from zugong.testing import make_user, office_for_browser

__all__ = ["browser"]  # the fixture, imported for pytest

pytestmark = pytest.mark.browser

# Screenshots for a person to compare before/after the policy (never in the repo).
SHOTS = Path("/tmp/csp_shots")  # noqa: S108
SHOT_TAG = os.environ.get("ZUGONG_CSP_SHOT_TAG", "after")

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push({
    directive: e.effectiveDirective || e.violatedDirective,
    uri: e.blockedURI,
    sample: e.sample,
    source: e.sourceFile + ":" + e.lineNumber
  });
});
"""


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
    make_user("xitong", Role.SYSADMIN, None, full_name="系统管理员")
    make_user("shenji", Role.AUDITOR, None, full_name="审计管理员")
    return {"units": units, "clerk": clerk, "cadre": cadre}


class Watcher:
    """One page with both violation listeners; ``visit`` loads a URL and returns what was
    refused on it."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.add_init_script(LISTEN)
        self.console: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.console.append(text)

    def visit(self, path: str) -> tuple[Any, list[str]]:
        self.console.clear()
        response = self.page.goto(self.base + path)
        assert response is not None
        assert response.status == 200, f"{path}: HTTP {response.status}"
        assert response.headers.get("content-security-policy") == CONTENT_SECURITY_POLICY, path
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(300)  # late htmx swaps and chart drawing
        return response, self.violations()

    def violations(self) -> list[str]:
        seen = self.page.evaluate("window.__csp || []")
        found = [
            f"{v['directive']} blocked {v['uri'] or '(inline)'} "
            f"at {v['source']} sample={v['sample']!r}"
            for v in seen
        ]
        return found + [f"console: {text}" for text in self.console]

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_timeout(1_000)  # ECharts' entry animation
        self.page.screenshot(path=str(SHOTS / f"{name}-{SHOT_TAG}.png"), full_page=True)


def _sweep(page: Any, selector: str) -> None:
    """Moves the mouse across a chart, left to right, through its middle."""
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    for step in range(1, 10):
        page.mouse.move(box["x"] + box["width"] * step / 10, box["y"] + box["height"] * 0.6)
        page.wait_for_timeout(150)


def _check(watcher: Watcher, pages: list[tuple[str, str]]) -> None:
    failures = []
    for name, path in pages:
        _response, violations = watcher.visit(path)
        if violations:
            failures.append(f"{name} ({path}):\n    " + "\n    ".join(violations))
    assert not failures, "CSP violations:\n" + "\n".join(failures)
    assert watcher.errors == []


def test_the_clerks_main_pages_load_under_the_policy_with_no_violation(
    office, live_server, browser
):
    from playwright.sync_api import expect

    watcher = Watcher(browser, live_server.url)
    sign_in(watcher.page, live_server.url, "clerk")
    cadre, unit_a = office["cadre"], office["units"]["a"]
    pages = [
        ("首页", reverse("home:dashboard")),
        ("工作日历", reverse("home:calendar")),
        ("单位树", reverse("orgs:tree")),
        ("单位名册", reverse("orgs:list")),
        ("单位", reverse("orgs:detail", args=[unit_a.pk])),
        ("干部名册", reverse("cadres:roster")),
        ("干部", reverse("cadres:detail", args=[cadre.pk])),
        ("编辑干部", reverse("cadres:edit", args=[cadre.pk])),
        ("新增干部", reverse("cadres:create")),
        ("班子", reverse("analysis:team", args=[unit_a.pk])),
        ("结构分析", reverse("analysis:structure", args=[office["units"]["root"].pk])),
        ("Excel 导入", reverse("cadres:import", args=["excel"])),
        ("预警中心", reverse("alerts:list")),
        ("选拔任用", reverse("selection:case_list")),
        ("新建选拔", reverse("selection:case_create")),
        ("个人有关事项", reverse("supervision:report_year_list")),
        ("重点部门和关键岗位", reverse("supervision:key_list")),
        ("干部监督档案", reverse("supervision:cadre_profile", args=[cadre.pk])),
        ("干部库", reverse("development:pool_list")),
        ("新建干部库", reverse("development:pool_create")),
        ("培养项目", reverse("development:programme_list")),
        ("修改密码", reverse("accounts:password_change")),
        ("接口令牌", reverse("accounts:token_list")),
    ]
    _check(watcher, pages)

    # The charts still draw under the policy: a canvas in each, on the dashboard and the
    # team page, and hovering one (ECharts' tooltip) refuses nothing either.
    page = watcher.page
    watcher.visit(reverse("home:dashboard"))
    chart = page.locator('[data-chart="chart-kind"][data-chart-ready="1"]')
    expect(chart).to_be_visible()
    assert chart.locator("canvas").count() == 1
    watcher.shot("dashboard")
    # ECharts' HTML tooltip would write style="…" markup (refused); app.js draws tooltips on
    # the canvas instead. Sweep the pie and the bars so the tooltips show.
    for selector in ('[data-chart="chart-kind"]', '[data-chart="chart-level"]'):
        _sweep(page, selector)
    assert watcher.violations() == [], "dashboard chart tooltips"
    page.locator('[data-chart="chart-level"]').screenshot(path=str(SHOTS / "tooltip.png"))

    watcher.visit(reverse("analysis:team", args=[unit_a.pk]))
    drawn = page.locator("[data-chart-ready='1'] canvas")
    expect(drawn.first).to_be_visible()
    assert drawn.count() >= 2
    watcher.shot("team")
    _sweep(page, '[data-chart="chart-age"]')
    assert watcher.violations() == [], "team page"
    watcher.visit(reverse("analysis:structure", args=[office["units"]["root"].pk]))
    expect(
        page.locator("[data-zg-bars='chart-children'][data-chart-ready='1'] canvas")
    ).to_be_visible()
    _sweep(page, "[data-zg-bars='chart-children']")
    assert watcher.violations() == [], "structure page (grouped bars, axis tooltip)"
    watcher.shot("structure")

    # A dropdown (Bootstrap positions it through the CSSOM) and an htmx swap (the unit
    # picker's options; htmx's own indicator <style> is switched off).
    page.get_by_role("button", name="干部科科员").click()
    expect(page.get_by_role("link", name="修改密码")).to_be_visible()
    watcher.visit(reverse("orgs:tree"))
    tree = page.locator("#unit-tree")
    township = tree.get_by_role("link", name="甲镇", exact=True).locator("xpath=..")
    township.locator(":scope > .zg-toggle").click()
    expect(tree.get_by_role("link", name="甲村", exact=True)).to_be_visible()
    assert watcher.violations() == [], "unit tree"

    # The handlers that were inline attributes still work from app.js: a select sends its
    # form (the calendar's year, the pager's page size), and the alert centre's 重新计算
    # turns its button off while the job runs.
    watcher.visit(reverse("home:calendar"))
    year = page.locator("#year")
    other = year.locator("option").first.get_attribute("value")
    year.select_option(other)
    page.wait_for_url(f"**/calendar/?year={other}")
    watcher.visit(reverse("alerts:list"))
    page.locator("select[name=size]").select_option("50")
    page.wait_for_url("**size=50*")
    # (The test's own listener on window runs after app.js's on document, notes the button
    # and the spinner, and stops the job: the state is what is under test.)
    page.evaluate(
        "window.addEventListener('submit', e => { const f = e.target;"
        " window.__busy = [f.querySelector('button').disabled,"
        " f.querySelector('.spinner-border').classList.contains('d-none')];"
        " e.preventDefault(); })"
    )
    page.get_by_role("button", name="重新计算").click()
    assert page.evaluate("window.__busy") == [True, False]
    assert watcher.violations() == [], "calendar, pager, alert centre"

    # The API's interactive docs (django-ninja's Swagger UI, served from its own static files).
    watcher.visit("/api/v1/docs")
    expect(page.locator(".swagger-ui")).to_be_visible()
    page.wait_for_timeout(1_000)
    assert watcher.violations() == [], "API docs"
    assert watcher.errors == []


def test_the_admin_pages_load_under_the_policy_with_no_violation(office, live_server, browser):
    auditor = Watcher(browser, live_server.url)
    sign_in(auditor.page, live_server.url, "shenji")
    _check(
        auditor,
        [
            ("首页（审计管理员）", reverse("home:dashboard")),
            ("审计日志", reverse("audit:event_list")),
            ("审计链校验", reverse("audit:verify")),
        ],
    )

    sysadmin = Watcher(browser, live_server.url)
    sign_in(sysadmin.page, live_server.url, "xitong")
    _check(
        sysadmin,
        [
            ("首页（系统管理员）", reverse("home:dashboard")),
            ("用户管理", reverse("accounts:user_list")),
            ("新增用户", reverse("accounts:user_create")),
            ("预警规则", reverse("alerts:rules")),
            ("政治素质指标", reverse("supervision:indicator_list")),
        ],
    )
    sysadmin.shot("dashboard-sysadmin")


def test_the_sign_in_page_loads_under_the_policy_with_no_violation(live_server, browser, db):
    watcher = Watcher(browser, live_server.url)
    _check(watcher, [("登录", reverse("accounts:login"))])

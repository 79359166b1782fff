"""Real-browser journeys of 干部监督 (Playwright drives Debian's chromium).

The clerk opens a report year, draws the random spot check, adds a targeted check (凡提必查),
opens the checked report and records a 漏报 finding, and sees it on the report and on the
year's check list. A second journey walks the key list (mark a unit, unmark it after the
confirmation) and the system administrator's indicator catalogue. Screenshots of every page go
to /tmp/shots/h1_*.png for a person to look at."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cadres import services as cadres
from core.permissions import Role
from supervision import services
from supervision.choices import Polarity
from supervision.models import CheckedReport, CheckFinding, Indicator, KeyUnit
from tests.test_browser import SCREENSHOTS, TIMEOUT_MS, browser, sign_in
from zugong.testing import make_user, office_for_browser

__all__ = ["browser"]  # the fixture, imported for pytest

pytestmark = pytest.mark.browser

SHOTS = SCREENSHOTS / "shots"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"h1_{name}.png"), full_page=True)


@pytest.fixture
def office(transactional_db: None) -> dict[str, Any]:
    """A 2025 report year of the county with three 副处 cadres, two of them submitted."""
    root, clerk, units = office_for_browser()
    people = {}
    for name, unit in (("张建华", "a"), ("李卫东", "a"), ("王秀兰", "b")):
        cadre = cadres.cadre_create(
            acting_user=clerk, unit=units[unit], name=name, sex="1", birth_date=dt.date(1978, 5, 1)
        )
        cadres.position_start(
            acting_user=clerk,
            cadre=cadre,
            unit=units[unit],
            title="副书记",
            rank_level="132",
            is_leading=True,
            start_date=dt.date(2020, 3, 1),
        )
        people[name] = cadre
    report_year = services.report_year_create(acting_user=clerk, unit=root, year=2025)
    for name in ("张建华", "王秀兰"):
        services.report_submit(
            acting_user=clerk,
            report=report_year.reports.get(cadre=people[name]),
            submitted_on=dt.date(2026, 1, 15),
        )
    services.report_item_add(
        acting_user=clerk,
        report=report_year.reports.get(cadre=people["李卫东"]),
        category="housing",
        content="本人所有住房一套，坐落测试县城关镇，建筑面积 118㎡",
    )
    return {"clerk": clerk, "units": units, "people": people, "report_year": report_year}


def new_page(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def test_clerk_checks_reports_and_records_an_omission(
    office: dict[str, Any], live_server: Any, browser: Any
) -> None:
    from playwright.sync_api import expect

    page, errors = new_page(browser)
    base = live_server.url
    sign_in(page, base, "clerk")

    page.locator("aside").get_by_role("link", name="个人有关事项").click()
    page.get_by_role("link", name="2025年度").click()
    expect(page.locator("h1")).to_have_text("2025年度个人有关事项报告")
    expect(page.get_by_text("尚无查核名单")).to_be_visible()

    # The random draw: 10% of the 2 submitted reports, rounded up, is 1.
    page.get_by_label("随机种子（可选）").fill("7")
    page.get_by_role("button", name="抽取").click()
    expect(page.locator(".alert-success")).to_contain_text("已抽取 1 份报告，随机种子 7")
    expect(page.get_by_text("按种子重新抽取，结果与记录一致")).to_be_visible()
    drawn = CheckedReport.objects.get(kind="random").report.cadre.name
    assert drawn in ("张建华", "王秀兰")

    # 凡提必查: 李卫东 (who has not reported yet) is proposed for promotion.
    page.get_by_label("干部", exact=True).select_option(label="李卫东（甲镇）")
    page.get_by_label("查核事由").fill("拟提拔为县处级正职人选（凡提必查）")
    page.get_by_role("button", name="列入重点抽查").click()
    expect(page.locator(".alert-success")).to_contain_text("已将李卫东的报告列入重点抽查名单")
    rows = page.get_by_test_id("check-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="李卫东")).to_contain_text("拟提拔为县处级正职人选（凡提必查）")
    shot(page, "report_year")

    # Open the checked report and record what the check found.
    rows.filter(has_text="李卫东").get_by_role("link", name="李卫东").click()
    expect(page.locator("h1")).to_have_text("李卫东 · 2025年度个人有关事项报告")
    expect(page.get_by_test_id("report-status")).to_contain_text("未报告")
    expect(page.get_by_test_id("report-item")).to_contain_text("建筑面积 118㎡")
    page.get_by_label("漏报", exact=True).check()
    page.get_by_label("情形").select_option(label="少报房产面积，或未报告车库、车位、储藏间等")
    page.get_by_label("查核情况").fill("经不动产登记查询，未报告地下车位一个（12㎡）")
    page.get_by_label("处理结果").fill("批评教育，责令补报")
    page.get_by_role("button", name="录入", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已录入查核结果：漏报")
    finding = page.get_by_test_id("finding")
    expect(finding).to_have_count(1)
    expect(finding).to_contain_text("未报告地下车位一个（12㎡）")
    expect(finding).to_contain_text("批评教育，责令补报")
    shot(page, "report_detail")

    saved = CheckFinding.objects.get()
    assert (saved.kind, saved.subkind, saved.report.cadre.name) == (
        "omission",
        "om_housing_area",
        "李卫东",
    )

    # And the year's check list shows it.
    page.get_by_role("link", name="2025年度（测试县委）").click()
    expect(page.get_by_test_id("check-row").filter(has_text="李卫东")).to_contain_text(
        "漏报 少报房产面积，或未报告车库、车位、储藏间等；批评教育，责令补报"
    )
    assert errors == []


def test_clerk_keeps_key_units_and_the_administrator_the_catalogue(
    office: dict[str, Any], live_server: Any, browser: Any
) -> None:
    from playwright.sync_api import expect

    clerk, units = office["clerk"], office["units"]
    services.key_post_add(acting_user=clerk, unit=units["a"], title="财政所所长")
    make_user("sysadmin", Role.SYSADMIN, None, full_name="系统管理员")
    if not Indicator.objects.exists():  # an earlier transactional test emptied the seed
        sysadmin = make_user("catalogue_seed", Role.SYSADMIN, None)
        for order, name in enumerate(("政治忠诚", "政治定力", "政治担当"), start=1):
            indicator = services.indicator_create(acting_user=sysadmin, name=name, order=order)
            services.trait_add(
                acting_user=sysadmin, indicator=indicator, text=f"{name}示例特征", polarity=""
            )
    base = live_server.url

    page, errors = new_page(browser)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base, "clerk")
    page.locator("aside").get_by_role("link", name="重点部门和关键岗位").click()
    expect(page.get_by_text("暂无重点部门")).to_be_visible()
    form = page.locator("#key-unit-form")
    form.get_by_label("单位", exact=True).fill("TB00")
    form.get_by_label("类型").select_option(label="资源富集")
    form.get_by_label("说明").fill("项目资金集中")
    form.get_by_role("button", name="标记").click()
    expect(page.locator(".alert-success")).to_contain_text("已将“乙镇”标记为重点部门")
    expect(page.get_by_test_id("key-unit")).to_contain_text("项目资金集中")
    shot(page, "key_list")
    page.get_by_test_id("key-post").get_by_role("link", name="修改").click()
    expect(page.locator("h1")).to_have_text("修改关键岗位：甲镇 财政所所长")
    shot(page, "key_post_edit")
    page.get_by_role("link", name="取消").click()
    page.get_by_role("button", name="取消标记").click()
    expect(page.locator(".alert-success")).to_contain_text("已取消“乙镇”的重点部门标记")
    assert not KeyUnit.objects.exists()
    assert errors == []

    admin, admin_errors = new_page(browser)
    sign_in(admin, base, "sysadmin")
    admin.locator("aside").get_by_role("link", name="政治素质指标").click()
    expect(admin.locator("h1")).to_have_text("政治素质指标及行为特征")
    first = admin.get_by_test_id("indicator").first
    name = first.locator(".card-header .fw-semibold").inner_text()
    first.get_by_role("link", name="修改 / 停用").click()
    shot(admin, "indicator_edit")
    admin.get_by_label("启用").uncheck()
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator(".alert-success")).to_contain_text(f"已保存指标“{name}”（已停用）")
    greyed = admin.get_by_test_id("indicator").filter(has_text=name)
    expect(greyed).to_contain_text("已停用")
    greyed.get_by_role("link", name="添加行为特征").click()
    admin.get_by_label("行为特征").fill("对党忠诚老实，言行一致")
    admin.get_by_label("适用清单").select_option(label="正面清单")
    shot(admin, "trait_form")
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator(".alert-success")).to_contain_text(f"已为指标“{name}”添加行为特征")
    shot(admin, "indicator_list")
    assert Indicator.objects.get(name=name).is_active is False
    assert admin_errors == []

    # The clerk reads the catalogue (from the political profile) and no longer gets to pick
    # the switched-off indicator on the cadre page.
    cadre = office["people"]["张建华"]
    page.goto(f"{base}/supervision/cadres/{cadre.pk}/")
    page.get_by_role("link", name="指标及行为特征").click()
    expect(page.get_by_text("本页为只读")).to_be_visible()
    expect(page.get_by_role("link", name="添加指标")).to_have_count(0)
    shot(page, "indicator_list_readonly")
    page.goto(f"{base}/cadres/{cadre.pk}/")
    options = page.locator("#conduct-indicator option").all_inner_texts()
    assert name not in options
    assert len(options) > 1
    positive = Polarity.POSITIVE  # the polarity the new trait suits
    assert Indicator.objects.get(name=name).traits.filter(polarity=positive).exists()

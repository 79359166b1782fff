"""The journeys of docs/journeys.md, 1–12, walked end to end in a real browser at 1440 × 900, and
1, 5, 6 and 9 again at phone width, 390 × 844 (issue 14, "Done when"; docs/testing.md,
"Journeys in the browser").

Each test walks one journey as a clerk would — the navigation, the search box, the buttons —
and checks what the clerk sees (the Chinese texts, a downloaded file that really is a PDF, an
xlsx or a zip). One chromium serves the whole module. Every test runs on one fixed day,
2026-06-10 (``day`` below), whatever day the suite is pinned to: the journeys count ages,
tenures and 公示 working days from "today". The final page of each journey is saved to
/tmp/journeys/ for a person to look at."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone
from openpyxl import load_workbook

from alerts.engine import compute
from alerts.models import Alert
from alerts.registry import Scope
from cadres import services
from cadres.choices import EducationKind
from cadres.models import Cadre
from cadres.tests.test_browser import _excel
from core.idnumber import build_id_number
from core.permissions import Role
from orgs.services import quota_set
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from zugong.testing import PASSWORD, make_user, office_for_browser, travel_to

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/journeys")  # noqa: S108 (screenshots for a person to look at)
DAY = dt.date(2026, 6, 10)  # a Wednesday; 端午 is Friday 6.19
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = [pytest.param(DESKTOP, id="1440"), pytest.param(PHONE, id="390")]

# name, unit, sex, birth, title, rank level, head, education level, start of the post
PEOPLE = [
    ("王建国", "a", "1", dt.date(1966, 6, 12), "党委书记", "141", True, "11", dt.date(2012, 3, 1)),
    ("张卫东", "a", "1", dt.date(1985, 4, 18), "镇长", "141", True, "21", dt.date(2021, 3, 1)),
    (
        "李秀兰",
        "a",
        "2",
        dt.date(1988, 3, 2),
        "党委副书记",
        "142",
        False,
        "21",
        dt.date(2023, 3, 1),
    ),
    ("孙丽", "a", "2", dt.date(1992, 1, 8), "副镇长", "142", False, "31", dt.date(2023, 3, 1)),
    ("周海涛", "b", "1", dt.date(1984, 9, 1), "镇长", "141", True, "21", dt.date(2022, 5, 1)),
    ("赵刚", "b", "1", dt.date(1975, 11, 20), "党委书记", "141", True, "21", dt.date(2023, 3, 1)),
    ("钱明", "dept", "1", dt.date(1986, 5, 6), "副部长", "141", False, "21", dt.date(2022, 1, 1)),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One chromium for the module (the shared fixture of tests/test_browser.py starts
    one per test)."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield launched
            finally:
                launched.close()
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def day() -> Iterator[None]:
    """The journeys' "today", set up on that day too (passwords are not months old)."""
    with travel_to(DAY, tick=True):
        yield


def _id(birth: dt.date, seq: int, sex: str) -> str:
    return build_id_number("130101", birth, seq * 2 + (sex == "1")).value


@pytest.fixture
def county(day: None, transactional_db: None) -> dict[str, Any]:
    """The persona tree with seven 县管 cadres in post (quotas for 甲镇), the alerts computed,
    甲镇's liaison, the security administrator and the auditor."""
    root, clerk, units = office_for_browser()
    units["dept"] = root.children.get(name="测试县委组织部")
    cadres, ids = {}, {}
    for seq, (name, unit, sex, birth, title, level, head, edu, start) in enumerate(
        PEOPLE, start=10
    ):
        cadre = services.cadre_create(
            acting_user=clerk,
            unit=units[unit],
            name=name,
            sex=sex,
            birth_date=birth,
            id_number=_id(birth, seq, sex),
            ethnicity="01",
            political_status="01",
            management_level="04",
            party_join_date=dt.date(birth.year + 22, 7, 1),
            work_start_date=dt.date(birth.year + 21, 8, 1),
            expertise="农村经济、基层党建",
        )
        services.education_add(
            acting_user=clerk, cadre=cadre, kind=EducationKind.FULL_TIME, education_level=edu
        )
        cadre.refresh_from_db()
        services.position_start(
            acting_user=clerk,
            cadre=cadre,
            unit=units[unit],
            title=title,
            rank_level=level,
            is_leading=True,
            is_head=head,
            order=seq,
            start_date=start,
        )
        cadres[name] = Cadre.objects.get(pk=cadre.pk)
        ids[name] = _id(birth, seq, sex)
    quota_set(acting_user=clerk, unit=units["a"], rank_level="141", quota=2)
    quota_set(acting_user=clerk, unit=units["a"], rank_level="142", quota=3)
    compute(Scope(path=root.path, today=DAY))
    make_user("liaison_a", Role.LIAISON, units["a"], full_name="甲镇联络员")
    make_user("secadmin", Role.SECADMIN, None, full_name="安全管理员")
    make_user("auditor", Role.AUDITOR, None, full_name="审计管理员")
    return {"root": root, "units": units, "clerk": clerk, "cadres": cadres, "ids": ids}


# --- helpers -----------------------------------------------------------------------------


def _page(browser: Any, viewport: dict[str, int] = DESKTOP) -> tuple[Any, list[str]]:
    phone = viewport == PHONE
    page = browser.new_page(
        viewport=viewport,
        locale="zh-CN",
        accept_downloads=True,
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=1,
    )
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def _is_phone(page: Any) -> bool:
    return page.viewport_size["width"] == PHONE["width"]


def _menu(page: Any, label: str) -> None:
    """Follow a link of the navigation: the sidebar, or behind 菜单 on a phone."""
    if _is_phone(page):
        page.get_by_role("button", name="菜单").click()
        nav = page.get_by_role("dialog", name="导航")
    else:
        nav = page.get_by_role("complementary", name="导航")
    # The link's name starts with its icon's glyph (a CSS ::before): match the words at its end.
    nav.get_by_role("link", name=re.compile(rf"(^|\W){re.escape(label)}$")).click()


def _fits(page: Any) -> None:
    """Nothing scrolls sideways (the phone's journeys)."""
    width: int = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"{page.url} is {width} px wide"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(300)  # charts and collapses settle
    page.screenshot(path=str(SHOTS / f"{name}-{page.viewport_size['width']}.png"), full_page=True)


def _download(page: Any, click: Any) -> bytes:
    with page.expect_download() as download:
        click()
    return Path(download.value.path()).read_bytes()


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "out.pdf"
    pdf.write_bytes(data)
    return subprocess.run(  # noqa: S603 (a fixed program on a file this test wrote)
        ["/usr/bin/pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


# --- 1. Find a cadre ---------------------------------------------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
def test_journey_01_find_a_cadre(county, live_server, browser, viewport):
    """`zwd`, `张卫` or the full ID number in the top search → the person's page."""
    from playwright.sync_api import expect

    page, errors = _page(browser, viewport)
    base = live_server.url
    _sign_in(page, base, "clerk")
    cadre = county["cadres"]["张卫东"]
    for typed in ("zwd", "张卫", county["ids"]["张卫东"]):
        search = page.get_by_label("搜索干部")
        expect(search).to_be_in_viewport()
        search.fill(typed)
        search.press("Enter")
        page.wait_for_url(f"{base}/cadres/{cadre.pk}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("张卫东")
        expect(page.locator("main")).to_contain_text("甲镇镇长")
        if _is_phone(page):
            _fits(page)
        page.goto(f"{base}/")
    page.go_back()
    _shot(page, "j01-find-a-cadre")
    assert errors == []


# --- 2. Prepare an appointment -----------------------------------------------------------


def test_journey_02_prepare_an_appointment(county, live_server, browser, tmp_path):
    """From the cadre page: 生成任免审批表 → 拟任/拟免/任免理由 → the PDF. From the roster:
    several ticked → 批量生成 → one PDF in the chosen order, and a zip of their LRMX files."""
    from playwright.sync_api import expect

    page, errors = _page(browser)
    base = live_server.url
    _sign_in(page, base, "clerk")
    search = page.get_by_label("搜索干部")
    search.fill("zwd")
    search.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("张卫东")
    page.get_by_role("link", name="生成任免审批表").click()
    page.get_by_label("拟任职务").fill("测试县农业农村局党组书记、局长")
    page.get_by_label("拟免职务").fill("甲镇镇长职务")
    page.get_by_label("任免理由").fill("工作需要")
    data = _download(page, page.get_by_role("button", name="生成并下载 PDF").click)
    assert data.startswith(b"%PDF")
    text = _pdf_text(data, tmp_path)
    assert "张卫东" in text
    assert "农业农村局" in text
    assert "甲镇镇长职务" in text

    # The roster: tick three, 批量生成, move 孙丽 up to the top, then the PDF and the zip.
    _menu(page, "干部名册")
    page.wait_for_url(f"{base}/cadres/")
    for name in ("王建国", "张卫东", "孙丽"):
        page.get_by_label(f"选择{name}").check()
    page.get_by_role("button", name=re.compile("批量生成任免材料")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("批量生成任免材料")
    rows = page.locator("#batch-rows tr")
    expect(rows).to_have_count(3)
    order = rows.locator("td:nth-child(2)").all_inner_texts()
    last = rows.filter(has_text="孙丽")
    for _ in range(order.index("孙丽")):
        last.get_by_role("button", name="上移").click()
    expect(rows.first).to_contain_text("孙丽")
    meeting = rows.locator("td:nth-child(2)").all_inner_texts()
    page.get_by_label("孙丽拟任职务").fill("甲镇党委副书记")
    data = _download(page, page.get_by_role("button", name=re.compile("生成任免审批表 PDF")).click)
    assert data.startswith(b"%PDF")
    text = _pdf_text(data, tmp_path)
    at = [text.index(name) for name in meeting]
    assert at == sorted(at), (meeting, at)  # one PDF, in the meeting's order
    assert "甲镇党委副书记" in text
    data = _download(page, page.get_by_role("button", name=re.compile("下载 LRMX")).click)
    assert data.startswith(b"PK\x03\x04")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert len(names) == 3
        texts = [archive.read(n).decode("utf-8") for n in names]
    for name in meeting:
        assert any(f"<XingMing>{name}</XingMing>" in t for t in texts), name
    _shot(page, "j02-appointment-batch")
    assert errors == []


# --- 3. Take in cadres from a unit -------------------------------------------------------


def test_journey_03_take_in_cadres_from_a_unit(county, live_server, browser, tmp_path):
    """Excel upload → preview (new / updated / unchanged / errors per row) → fix → confirm;
    the same file again changes nothing."""
    from playwright.sync_api import expect

    known = county["cadres"]["张卫东"]
    new_id = _id(dt.date(1990, 2, 3), 40, "2")
    bad_id = new_id[:-1] + ("0" if new_id[-1] != "0" else "1")
    new = {
        "身份证号": new_id,
        "姓名": "赵文静",
        "性别": "女",
        "出生年月": "1990.02",
        "民族": "汉族",
    }
    updated = {
        "身份证号": county["ids"]["张卫东"],
        "姓名": "张卫东",
        "性别": "男",
        "出生年月": "1985.04",
        "民族": "汉族",
        "熟悉专业有何专长": "乡村振兴",
    }
    broken = tmp_path / "甲镇干部名册-有错误.xlsx"
    broken.write_bytes(_excel([new, updated, {**new, "身份证号": bad_id, "姓名": "钱错误"}]))
    fixed = tmp_path / "甲镇干部名册.xlsx"
    fixed.write_bytes(_excel([new, updated]))

    page, errors = _page(browser)
    base = live_server.url
    _sign_in(page, base, "clerk")
    _menu(page, "Excel 导入")
    page.get_by_label("导入到单位").fill("TA00")
    page.get_by_label("文件").set_input_files(str(broken))
    page.get_by_role("button", name="上传并预览").click()
    rows = page.locator("#import-rows")
    expect(rows).to_contain_text("校验位")
    expect(rows).to_contain_text("赵文静")
    expect(page.get_by_role("button", name="确认导入")).to_be_disabled()
    page.get_by_role("button", name="取消").click()

    page.get_by_label("导入到单位").fill("TA00")
    page.get_by_label("文件").set_input_files(str(fixed))
    page.get_by_role("button", name="上传并预览").click()
    counts = page.locator("#import-counts")
    expect(counts).to_contain_text("新增 1")
    expect(counts).to_contain_text("更新 1")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("导入完成")
    assert Cadre.objects.get(name="赵文静").unit == county["units"]["a"]
    assert Cadre.objects.get(pk=known.pk).expertise == "乡村振兴"

    _menu(page, "Excel 导入")
    page.get_by_label("导入到单位").fill("TA00")
    page.get_by_label("文件").set_input_files(str(fixed))
    page.get_by_role("button", name="上传并预览").click()
    expect(counts).to_contain_text("未变 2")
    expect(counts).to_contain_text("新增 0")
    _shot(page, "j03-import-unchanged")
    assert Cadre.objects.filter(name="赵文静").count() == 1
    assert errors == []


# --- 4. Answer a leader's question -------------------------------------------------------


def test_journey_04_answer_a_leaders_question(county, live_server, browser):
    """县管正科级干部中 45 岁以下、有乡镇工作经历的有多少? Filters + a saved column set → xlsx."""
    from playwright.sync_api import expect

    page, errors = _page(browser)
    base = live_server.url
    _sign_in(page, base, "clerk")
    _menu(page, "干部名册")
    filters = page.locator("#roster-filters")
    filters.get_by_label("管理类别").select_option(label="县管")
    filters.get_by_label("领导职务层次").select_option("141")
    filters.get_by_label("最大年龄").fill("45")
    filters.get_by_label("工作经历（曾任职单位）").select_option(label="乡镇（街道）")
    filters.get_by_role("button", name="查询").click()
    # 张卫东 (41) and 周海涛 (41) of the towns; not 王建国 or 赵刚 (older), nor 钱明 (no town).
    expect(page.locator("#roster-total")).to_have_text("共 2 人")
    names = page.locator("#roster-table tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(n.split()[0] for n in names) == ["周海涛", "张卫东"]  # then the alert badge

    page.get_by_role("button", name="导出 Excel").click()
    panel = page.locator("#export-panel")
    expect(panel).to_be_visible()
    for box in panel.locator("input[name=columns]").all():
        box.set_checked(box.get_attribute("value") in ("name", "current_title", "birth"))
    panel.get_by_label("列组合名称").fill("领导问询")
    panel.get_by_role("button", name="保存列组合").click()
    expect(page.get_by_text("已保存列组合“领导问询”")).to_be_visible()
    expect(page.locator("#roster-total")).to_have_text("共 2 人")  # the filters are kept
    page.get_by_role("button", name="导出 Excel").click()
    data = _download(page, page.get_by_role("link", name="按“领导问询”导出").click)
    assert data.startswith(b"PK\x03\x04")
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1)) if c.value]
    assert header[0] == "姓名"
    assert len(header) == 3
    exported = sorted(r[0].value for r in sheet.iter_rows(min_row=2) if r[0].value)
    assert exported == ["周海涛", "张卫东"]
    _shot(page, "j04-leaders-question")
    assert errors == []


# --- 5. Check the warnings each Monday ---------------------------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
def test_journey_05_check_the_warnings(county, live_server, browser, viewport):
    """The alert centre shows what is new since the last visit, each alert with its reason
    and its rule; one is marked handled with a note."""
    from playwright.sync_api import expect

    # Last week's visit: a sign-in that opened the alert centre.
    base = live_server.url
    page, errors = _page(browser, viewport)
    _sign_in(page, base, "clerk")
    _menu(page, "预警中心")
    page.wait_for_url(f"{base}/alerts/")
    expect(page.locator("main")).to_contain_text("首次查看")
    expect(
        page.locator("tbody tr", has_text="王建国").filter(has_text="同一职位任职年限")
    ).to_contain_text("任现职（甲镇党委书记）2012.03 至今")
    assert errors == []
    page.close()

    # After it a cadre is recorded whose post in 乙镇 dates back to 2013; the daily run finds it.
    clerk, units = county["clerk"], county["units"]
    visited = timezone.now()
    late = services.cadre_create(
        acting_user=clerk,
        unit=units["b"],
        name="李振华",
        sex="1",
        birth_date=dt.date(1976, 2, 3),
        id_number=_id(dt.date(1976, 2, 3), 50, "1"),
        ethnicity="01",
        political_status="01",
    )
    services.position_start(
        acting_user=clerk,
        cadre=late,
        unit=units["b"],
        title="人大主席",
        rank_level="141",
        is_leading=True,
        start_date=dt.date(2013, 5, 1),
    )
    compute(Scope(path=county["root"].path, today=DAY))

    # Monday: a new sign-in, the alert centre counts what came since the last visit.
    monday = travel_to(DAY + dt.timedelta(days=5), tick=True)
    monday.start()
    try:
        _monday_check(
            browser, base, viewport, late, Alert.objects.filter(first_seen_at__gt=visited)
        )
    finally:
        monday.stop()


def _monday_check(browser: Any, base: str, viewport: dict[str, int], late: Any, since: Any) -> None:
    from playwright.sync_api import expect

    page, errors = _page(browser, viewport)
    _sign_in(page, base, "clerk")
    _menu(page, "预警中心")
    new = since.count()  # 李振华's alerts, and 乙镇's team ones (one more head, fewer women)
    assert new == since.filter(cadre=late).count() + since.filter(cadre=None).count()
    expect(page.locator("main")).to_contain_text(f"此后新增 {new} 条")
    page.get_by_role("link", name=str(new), exact=True).click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(new)
    expect(rows.filter(has_text="李振华")).to_have_count(since.filter(cadre=late).count())
    expect(rows.locator(".badge", has_text="新")).to_have_count(new)
    row = rows.filter(has_text="同一职位任职年限")
    expect(row).to_contain_text("任现职（乙镇人大主席）2013.05 至今")
    expect(row).to_contain_text("必须交流（《党政领导干部交流工作规定》第五条）")
    expect(page.get_by_role("link", name="预警规则及依据")).to_be_visible()
    if _is_phone(page):
        _fits(page)
    row.get_by_role("button", name="知悉").click()
    row.get_by_label("处理情况").fill("已列入本年度交流计划")
    row.get_by_role("button", name="确认知悉").click()
    expect(page.locator(".alert-success")).to_be_visible()
    alert = Alert.objects.get(rule__code="same_post", cadre=late)
    assert alert.handled_note == "已列入本年度交流计划"
    if _is_phone(page):
        _fits(page)
    _shot(page, "j05-alerts")
    assert errors == []


# --- 6. Look at a leadership team --------------------------------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
def test_journey_06_look_at_a_team(county, live_server, browser, viewport):
    """The team page: quota vs actual, ages, sex, education, expertise, the members' alerts."""
    from playwright.sync_api import expect

    page, errors = _page(browser, viewport)
    base = live_server.url
    _sign_in(page, base, "clerk")
    _menu(page, "单位树")
    page.get_by_role("link", name="甲镇", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("甲镇")
    page.get_by_role("link", name=re.compile("班子")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("甲镇 · 领导班子")
    rows = page.locator("#team-table tbody tr")
    expect(rows).to_have_count(4)
    first = rows.filter(has_text="王建国")
    expect(first).to_contain_text("1966.06（60岁）")  # ages count in months (docs/rules.md)
    expect(first.get_by_role("link", name="5")).to_be_visible()  # the member's alerts
    expect(rows.filter(has_text="李秀兰")).to_contain_text("女")
    expect(page.locator("#team-table")).to_contain_text("研究生")
    expect(page.locator("#expertise")).to_contain_text("农村经济")
    quota = page.locator("#quota-table")
    expect(quota).to_contain_text("核定职数")
    expect(quota).to_contain_text("空缺 1")  # 乡科级副职: 2 of 3
    expect(page.locator("#unit-alerts")).to_contain_text("职数配备空缺")
    for chart in ("#chart-age-box", "#chart-sex-box", "#chart-education-box"):
        expect(page.locator(chart)).to_have_attribute("data-chart-ready", "1")
    if _is_phone(page):
        _fits(page)
    _shot(page, "j06-team")
    assert errors == []


# --- 7. Run a selection ------------------------------------------------------------------


def test_journey_07_run_a_selection(county, live_server, browser):
    """动议 → 民主推荐 → 确定考察对象 → 考察 → 讨论决定 → 任前公示 (end date over 劳动节) → 任职:
    each stage one form; the new post is written when the case completes."""
    from playwright.sync_api import expect

    from cadres.models import Position

    page, errors = _page(browser)
    base = live_server.url
    _sign_in(page, base, "clerk")
    _menu(page, "选拔任用")
    page.get_by_role("link", name=re.compile("新建")).first.click()
    page.get_by_label("所属单位代码").fill("TA00")
    page.get_by_label("事项名称").fill("甲镇党委书记选拔任用")
    page.get_by_label("动议时间").fill("2026-03-02")
    page.get_by_label("任职单位代码").fill("TA00")
    page.get_by_label("拟任职务").fill("党委书记")
    page.get_by_label("领导职务层次").select_option("141")
    page.get_by_label("正职").check()
    page.get_by_role("button", name="建立").click()
    stage = page.get_by_test_id("current-stage")
    expect(stage).to_have_text("分析研判和动议")

    def advance(label: str, on: str) -> None:
        page.get_by_label(f"{label}日期").fill(on)
        page.get_by_role("button", name=f"转入“{label}”").click()
        expect(stage).to_have_text(label)

    advance("民主推荐", "2026-03-09")
    picker = page.get_by_label("干部", exact=True)
    picker.fill("zwd")
    option = page.locator("#cadre-picks option", has_text="张卫东")
    expect(option).to_have_count(1)
    picker.fill(option.get_attribute("value"))
    page.get_by_label("推荐票数").fill("28")
    page.get_by_role("button", name="提出人选").click()
    expect(page.locator("tbody tr", has_text="张卫东")).to_be_visible()
    advance("确定考察对象", "2026-03-16")
    advance("考察", "2026-03-23")
    for label in ("干部人事档案审核", "个人有关事项查核", "征求纪检监察机关意见"):
        page.get_by_label(label, exact=True).check()
        page.get_by_label(f"{label}时间").fill("2026-03-25")
    page.get_by_label("经核实无不得列为考察对象的情形", exact=True).check()
    page.get_by_label("经核实无不得列为考察对象的情形时间").fill("2026-03-25")
    page.get_by_role("button", name="保存考察记录").click()
    expect(page.locator(".alert-success")).to_be_visible()
    advance("讨论决定", "2026-04-20")
    page.get_by_label("会议时间").fill("2026-04-20")
    page.get_by_label("应到会成员").fill("9")
    page.get_by_label("实到会成员").fill("9")
    page.get_by_label("同意", exact=True).fill("8")
    page.get_by_label("不同意").fill("1")
    page.get_by_label("弃权").fill("0")
    page.get_by_role("button", name="保存讨论决定").click()
    expect(page.locator("tbody tr", has_text="张卫东")).to_contain_text("8/1/0")
    advance("任前公示", "2026-04-29")
    # Five working days from Wednesday 4.29 over 劳动节 (5.1–5.5 off, Saturday 5.9 worked):
    # 4.29, 4.30, 5.6, 5.7, 5.8.
    page.get_by_label("公示开始").fill("2026-04-29")
    page.get_by_role("button", name="保存公示").click()
    expect(page.get_by_test_id("notice")).to_contain_text("至 2026.05.08 结束")
    page.get_by_label("任职日期").fill("2026-05-11")
    page.get_by_role("button", name="转入“任职”").click()
    expect(stage).to_have_text("任职")
    expect(page.locator("tbody tr", has_text="张卫东")).to_contain_text("新任：甲镇党委书记")
    _shot(page, "j07-selection")

    cadre = county["cadres"]["张卫东"]
    post = Position.objects.get(cadre=cadre, end_date__isnull=True)
    assert (post.title, post.rank_level, post.unit) == ("党委书记", "141", county["units"]["a"])
    assert Position.objects.get(cadre=cadre, title="镇长").end_date is not None
    assert errors == []


# --- 8. Record political-quality evidence ------------------------------------------------


def test_journey_08_record_evidence(county, live_server, browser):
    """From the cadre page, one form: a 负面清单 entry."""
    from playwright.sync_api import expect

    from supervision.models import ConductEntry, Indicator

    Indicator.objects.get_or_create(name="政治忠诚", defaults={"order": 1})
    page, errors = _page(browser)
    base = live_server.url
    _sign_in(page, base, "clerk")
    search = page.get_by_label("搜索干部")
    search.fill("张卫东")
    search.press("Enter")
    panel = page.locator("#cadre-conduct")
    expect(panel).to_contain_text("正面清单 0 条 · 负面清单 0 条")
    panel.get_by_role("button", name="记入正面 / 负面清单").click()
    panel.get_by_label("负面清单").check()
    panel.get_by_label("时间").fill("2026-05-20")
    panel.get_by_label("指标", exact=True).select_option(label="政治忠诚")
    panel.get_by_label("来源").fill("巡察反馈")
    panel.get_by_label("事实依据").fill("落实意识形态工作责任制不到位")
    panel.get_by_role("button", name="记入清单").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("张卫东")
    expect(page.locator("#cadre-conduct")).to_contain_text("负面清单 1 条")
    entry = ConductEntry.objects.get(cadre=county["cadres"]["张卫东"])
    assert (entry.polarity, entry.source) == ("negative", "巡察反馈")
    _shot(page, "j08-evidence")
    assert errors == []


# --- 9. A unit liaison -------------------------------------------------------------------


@pytest.mark.parametrize("viewport", WIDTHS)
def test_journey_09_a_liaison_sees_only_their_unit(county, live_server, browser, viewport):
    """甲镇's liaison: 甲镇's cadres, 甲镇's alerts (the tasks), 甲镇's figures; nothing of 乙镇."""
    from playwright.sync_api import expect

    page, errors = _page(browser, viewport)
    base = live_server.url
    _sign_in(page, base, "liaison_a")
    expect(page.locator("body")).not_to_contain_text("乙镇")
    if _is_phone(page):
        _fits(page)
    _menu(page, "干部名册")
    page.wait_for_url(f"{base}/cadres/")
    expect(page.locator("#roster-total")).to_have_text("共 4 人")
    roster = page.locator("#roster-table")
    for name in ("王建国", "张卫东", "李秀兰", "孙丽"):
        expect(roster).to_contain_text(name)
    for name in ("周海涛", "赵刚", "钱明"):
        expect(roster).not_to_contain_text(name)
    if _is_phone(page):
        _fits(page)
    _menu(page, "预警中心")
    page.wait_for_url(f"{base}/alerts/")
    expect(page.locator("tbody")).to_contain_text("王建国")
    expect(page.locator("main")).not_to_contain_text("乙镇")
    if _is_phone(page):
        _fits(page)
    # Another unit's cadre, typed into the search: not found.
    search = page.get_by_label("搜索干部")
    search.fill("zhg")
    search.press("Enter")
    expect(page.locator("main")).not_to_contain_text("赵刚")
    _menu(page, "单位树")
    expect(page.locator("#unit-tree").get_by_role("link", name="甲镇", exact=True)).to_be_visible()
    expect(page.locator("#unit-tree")).not_to_contain_text("乙镇")
    if _is_phone(page):
        _fits(page)
    _shot(page, "j09-liaison")
    assert errors == []


# --- 10. Who looked at or exported this person's record ----------------------------------


def test_journey_10_who_looked_at_a_record(county, live_server, browser):
    """The clerk opens 张卫东's page and reads his ID number, then exports a roster with him
    in it; the auditor types the name into the audit search once and sees both."""
    from playwright.sync_api import expect

    page, errors = _page(browser)
    base = live_server.url
    _sign_in(page, base, "clerk")
    search = page.get_by_label("搜索干部")
    search.fill("张卫东")
    search.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("张卫东")
    # Opening the page and reading the full ID number on it are both audited sensitive reads
    # (docs/security.md, "Audit").
    page.get_by_role("button", name="查看完整号码").click()
    expect(page.locator("#id-number")).to_have_text(county["ids"]["张卫东"])
    _menu(page, "干部名册")
    page.get_by_label("单位（含下级）").fill("TA00")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#roster-table")).to_contain_text("张卫东")
    page.get_by_role("button", name="导出 Excel").click()
    data = _download(page, page.get_by_role("button", name="导出所选列").click)
    assert data.startswith(b"PK\x03\x04")
    page.close()

    page, errors = _page(browser)
    _sign_in(page, base, "auditor")
    _menu(page, "审计日志")
    page.get_by_label("关键词").fill("张卫东")
    page.get_by_role("button", name="查询").click()
    rows = page.locator("tbody tr")
    _shot(page, "j10-audit")
    clerk = rows.filter(has_text="clerk")
    revealed = clerk.filter(has_text="查看完整身份证号").filter(has_text="张卫东")
    expect(revealed).to_have_count(1)
    looked = clerk.filter(has_text="查看").filter(has_text="张卫东")
    expect(looked).to_have_count(2)  # the page opened, and the number read on it
    exported = clerk.filter(has_text="导出").filter(has_text="干部名册")
    expect(exported).to_have_count(1)
    assert errors == []


# --- 11. A grant changes the clerk's menu ------------------------------------------------


def test_journey_11_a_grant_changes_the_menu(county, live_server, browser):
    """The security administrator grants a new clerk 干部科 on 甲镇; the clerk's menu shows
    the cadre work at the next page load."""
    from playwright.sync_api import expect

    make_user("newclerk", None, None, full_name="新科员")
    base = live_server.url
    clerk_page, clerk_errors = _page(browser)
    _sign_in(clerk_page, base, "newclerk")
    nav = clerk_page.get_by_role("complementary", name="导航")
    expect(nav.get_by_role("link", name="干部名册")).to_have_count(0)

    page, errors = _page(browser)
    _sign_in(page, base, "secadmin")
    _menu(page, "角色授权")
    page.get_by_label("用户").fill("newclerk")
    page.get_by_label("角色").select_option(label="干部科")
    page.get_by_label("授权范围（单位及其下级）").fill("TA00")
    page.get_by_role("button", name="授权", exact=True).click()
    expect(page.locator("tbody tr", has_text="newclerk")).to_contain_text("甲镇")
    _shot(page, "j11-grant")

    clerk_page.reload()
    nav = clerk_page.get_by_role("complementary", name="导航")
    nav.get_by_role("link", name="干部名册").click()
    expect(clerk_page.locator("#roster-total")).to_have_text("共 4 人")
    _shot(clerk_page, "j11-clerk-menu")
    assert errors == []
    assert clerk_errors == []


# --- 12. A new deployment ----------------------------------------------------------------


@pytest.fixture
def deployment(day: None, transactional_db: None) -> dict[str, Any]:
    """A fresh database set up as the README says: ``manage.py bootstrap`` (no demo data),
    then the security administrator's grant of a 干部科 clerk on the root."""
    from django.core.management import call_command

    from core.codes import load_code_tables
    from core.models import Code
    from orgs.models import Unit

    if not Code.objects.exists():
        load_code_tables(Code)
    out = io.StringIO()
    call_command(
        "bootstrap",
        root_name="中共清河县委员会",
        root_code="QH00",
        region_code="130101",
        stdout=out,
    )
    assert "已创建顶级单位" in out.getvalue()
    root = Unit.objects.get(parent__isnull=True)
    make_user("kezhang", Role.CADRE_CLERK, root, full_name="干部科科长")
    return {"root": root}


def test_journey_12_first_import_fills_the_dashboard(deployment, live_server, browser, tmp_path):
    """Bootstrap, then the first Excel roster through the import page; the dashboard fills."""
    from playwright.sync_api import expect

    page, errors = _page(browser)
    base = live_server.url
    _sign_in(page, base, "kezhang")
    expect(page.locator("main")).to_contain_text("暂无干部")
    people = [
        ("刘洋", "男", dt.date(1980, 3, 4)),
        ("陈静", "女", dt.date(1991, 7, 9)),
        ("杨帆", "男", dt.date(1975, 1, 20)),
    ]
    roster = tmp_path / "首批干部名册.xlsx"
    roster.write_bytes(
        _excel(
            [
                {
                    "身份证号": _id(birth, 60 + i, "1" if sex == "男" else "2"),
                    "姓名": name,
                    "性别": sex,
                    "出生年月": f"{birth:%Y.%m}",
                    "民族": "汉族",
                }
                for i, (name, sex, birth) in enumerate(people)
            ]
        )
    )
    _menu(page, "Excel 导入")
    page.get_by_label("导入到单位").fill("QH00")
    page.get_by_label("文件").set_input_files(str(roster))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-counts")).to_contain_text("新增 3")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("导入完成")
    _menu(page, "首页")
    figures = page.locator("#cadre-figures + .row")
    expect(figures).to_contain_text("在职干部")
    expect(figures.locator(".zg-figure").first).to_have_text("3")
    expect(figures).to_contain_text("女干部")
    expect(page.locator("#chart-age-box")).to_have_attribute("data-chart-ready", "1")
    _shot(page, "j12-dashboard")
    assert errors == []

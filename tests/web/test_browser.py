"""The web interface in a real browser, against the real suite (``make up`` for Sanming).

A clerk reports a lead (warned that the investor is already known), an officer assigns and
converts it, a transition the checklist is not ready for is refused with its reason, the
officer completes the checklist and signs; the leader's dashboard and the province page show
the new figures. Every page of every role's menu opens without an error.
"""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
import requests

from tests.web.conftest import CITY, COUNTDOWN_CITY, Person, slug

PROVINCE_DEADLINE = 180.0  # seconds for the city's events to reach the province through Kafka
ROLES = ("sanming-clerk", "sanming-officer", "sanming-leader", "ziyang-officer", "province",
         "admin")


def number(text: str) -> Decimal:
    """A figure as the page shows it (``12``, ``8,000万元``, ``13.5亿元``) in 万元 or units."""
    match = re.search(r"-?[\d,]+(?:\.\d+)?", text)
    assert match, text
    value = Decimal(match.group().replace(",", ""))
    return value * 10000 if "亿元" in text else value


def dashboard_figures(person: Person) -> dict[str, Decimal]:
    person.open(f"/web/c/{CITY}/dashboard")
    return {key: number(person.page.inner_text(f"[data-figure={key}]"))
            for key in ("signed_count", "signed_amount", "arrived_amount")}


def province_figures(person: Person) -> dict[str, Decimal]:
    person.open("/web/province")
    row = person.page.locator("#cities tr", has_text="三明市").first
    return {"signed_count": number(row.locator("td[data-label=签约项目数]").inner_text()),
            "signed_amount": number(row.locator("td[data-label=签约总额]").inner_text())}


def province_showing(person: Person, wanted: dict[str, Decimal]) -> dict[str, Decimal]:
    """The province's Sanming row once it shows ``wanted`` (the city's events cross Kafka)."""
    deadline = time.monotonic() + PROVINCE_DEADLINE
    while True:
        seen = province_figures(person)
        if all(seen[key] == value for key, value in wanted.items()):
            return seen
        assert time.monotonic() < deadline, ("the province never showed", wanted, seen)
        time.sleep(2)


def api_get(suite, username: str, path: str) -> dict:
    """A read through the gateway's API as ``username`` (what the page should agree with)."""
    token = requests.post(f"{suite.url}/api/v1/auth/token", timeout=10, json={
        "username": username, "password": "zhaoshang-demo"}).json()["access_token"]
    answer = requests.get(f"{suite.url}/api/v1{path}", timeout=10,
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def demo_enterprise(suite) -> str:
    """The investor of one of Sanming's demo leads."""
    leads = api_get(suite, "sanming-officer", f"/cities/{CITY}/leads?per_page=1")["items"]
    return leads[0]["enterprise"]["name"]


def test_the_first_talk_deadline_counts_down_in_working_days(suite, browser):
    clerk = Person(browser, suite, f"{COUNTDOWN_CITY}-clerk")
    clerk.open(f"/web/c/{COUNTDOWN_CITY}/leads/new")
    clerk.page.fill("input[name=title]", "雁江智能网联汽车零部件项目")
    clerk.page.fill("input[name=enterprise_name]", "四川雁江汽车零部件有限公司")
    clerk.page.click("#lead-form button[type=submit]")
    assert "已报送" in clerk.page.inner_text(".notice")
    lead_id = int(clerk.page.url.rstrip("/").rsplit("/", 1)[1])
    left = api_get(suite, f"{COUNTDOWN_CITY}-officer",
                   f"/cities/{COUNTDOWN_CITY}/leads/{lead_id}")["first_talk_working_days_left"]
    shown = "今日到期" if left == 0 else f"剩 {left} 个工作日"
    assert shown in clerk.page.inner_text(".facts .countdown")
    officer = Person(browser, suite, f"{COUNTDOWN_CITY}-officer")
    officer.open(f"/web/c/{COUNTDOWN_CITY}/leads?status=reported")
    row = officer.page.locator("tr", has_text="雁江智能网联汽车零部件项目")
    assert shown in row.locator("td.countdown").inner_text()
    officer.shot("officer-lead-queue-countdown")
    for person in (clerk, officer):
        assert person.errors == [], person.errors
        person.close()


def test_make_up_prints_the_web_address_and_demo_logins(suite):
    assert f"{suite.url}/web/" in suite.output
    for username in ROLES:
        assert re.search(rf"\b{re.escape(username)}\b", suite.output), username
    assert "zhaoshang-demo" in suite.output


def test_a_lead_becomes_a_signed_project_and_the_figures_follow(suite, browser):
    leader = Person(browser, suite, "sanming-leader")
    province = Person(browser, suite, "province")
    before = dashboard_figures(leader)
    # The baseline is read once the province has caught up with the city's demo backlog (the
    # same figures over the same period); read earlier, the backlog's arrival would hide the +1.
    province_before = province_showing(province, {key: before[key] for key in (
        "signed_count", "signed_amount")})

    # The clerk reports a lead; typing a known investor warns of a duplicate.
    clerk = Person(browser, suite, "sanming-clerk")
    clerk.open(f"/web/c/{CITY}/leads/new")
    clerk.page.fill("input[name=enterprise_name]", demo_enterprise(suite))
    warning = clerk.page.locator("#duplicate-warning")
    warning.wait_for(state="visible")
    assert "该企业已有" in warning.inner_text()
    clerk.shot("clerk-lead-duplicate-warning")
    clerk.page.fill("input[name=title]", "闽西高端氟新材料项目")
    clerk.page.fill("input[name=enterprise_name]", "福建闽西氟新材料科技有限公司")
    clerk.page.fill("input[name=intended_amount]", "36000")
    clerk.page.click("#lead-form button[type=submit]")
    assert "已报送" in clerk.page.inner_text(".notice")
    lead_url = clerk.page.url
    assert "待研判" in clerk.page.inner_text(".facts")
    clerk.shot("clerk-lead-reported")

    # The officer finds it in the queue with its countdown, assigns and converts it.
    officer = Person(browser, suite, "sanming-officer")
    officer.open(f"/web/c/{CITY}/leads?status=reported")
    assert officer.page.locator("tr", has_text="闽西高端氟新材料项目").count() == 1
    officer.shot("officer-lead-queue")
    officer.page.goto(lead_url)
    officer.page.click("#assign-form button[type=submit]")
    assert "已明确首谈地" in officer.page.inner_text(".notice")
    officer.page.fill("#convert-form input[name=amount]", "36000")
    officer.page.click("#convert-form button[type=submit]")
    assert "已转为项目" in officer.page.inner_text(".notice")
    assert "/projects/" in officer.page.url
    officer.shot("officer-project-converted")

    # Up the main line: each stage's checklist is filled, then the move is made.
    for _ in range(3):
        if officer.page.locator(".badge").inner_text() == "在谈":
            break
        officer.page.select_option("#transition select[name=target]", "negotiating")
        if officer.page.locator("#checklist input").count():
            fill_checklist(officer)
        officer.page.select_option("#transition select[name=target]", "negotiating")
        officer.page.click("#transition button[type=submit]")
    assert officer.page.locator(".badge").inner_text() == "在谈"

    # Signing before the checklist is complete is refused, and the reason is shown.
    officer.page.select_option("#transition select[name=target]", "signed")
    officer.page.click("#transition button[type=submit]")
    refusal = officer.page.locator(".problem")
    assert "签约" in refusal.inner_text() and "须填写" in refusal.inner_text()
    reasons = refusal.locator(".refusals li").all_inner_texts()
    assert reasons and all(reason.startswith("进入“签约”前须") for reason in reasons), reasons
    # Each missing item shown once, in the clerk's words (not again in a run-on summary).
    assert all(refusal.inner_text().count(reason) == 1 for reason in reasons), refusal.inner_text()
    officer.shot("officer-transition-refused")

    fill_checklist(officer)
    # 法规账 (Sanming's gate): each item recorded through the city's form on the project page.
    form = officer.page.locator("#form-sanming_legal_review_item")
    items = form.locator("select[name=item] option[value]:not([value=''])")
    for code in [items.nth(i).get_attribute("value") for i in range(items.count())]:
        form = officer.page.locator("#form-sanming_legal_review_item")
        form.locator("select[name=item]").select_option(code)
        form.locator("select[name=finding]").select_option("pass")
        form.locator("input[name=reviewer]").fill("审查人 陈工")
        form.locator("button[type=submit]").click()
        assert "已保存" in officer.page.inner_text(".notice"), officer.page.inner_text("main")
    assert "已齐全" in officer.page.inner_text("#checklist")
    officer.shot("officer-checklist-complete")
    officer.page.select_option("#transition select[name=target]", "signed")
    officer.page.click("#transition button[type=submit]")
    assert "签约" in officer.page.inner_text(".notice")
    assert officer.page.locator(".badge").inner_text() == "签约"

    # Arrived funds with their evidence.
    officer.page.fill("#funds input[name=amount]", "12000")
    officer.page.fill("#funds input[name=payer_name]", "福建三钢闽光股份有限公司")
    officer.page.fill("#funds input[name=evidence_ref]", "闽银回单2024-0518")
    officer.page.click("#report-funds button[type=submit]")
    assert "到位资金已填报" in officer.page.inner_text(".notice")
    assert "闽银回单2024-0518" in officer.page.inner_text("#funds")
    assert "待核实" in officer.page.inner_text("#funds")
    # Only verified funds count: the office verifies the tranche (已核实).
    officer.page.click("#funds button[value=verified]")
    assert "核实" in officer.page.inner_text(".notice")
    assert "已核实" in officer.page.inner_text("#funds")
    officer.shot("officer-project-signed")

    # The leader's dashboard counts the new signed project and its arrived funds.
    after = dashboard_figures(leader)
    assert after["signed_count"] == before["signed_count"] + 1
    assert after["signed_amount"] == before["signed_amount"] + 36000
    assert after["arrived_amount"] >= before["arrived_amount"] + 12000
    assert not leader.page.locator("[data-chart]:not([data-drawn=true])").count()
    leader.shot("leader-dashboard")

    # The province sees it once the events have crossed Kafka.
    seen = province_showing(province, {"signed_count": province_before["signed_count"] + 1})
    assert seen["signed_amount"] == province_before["signed_amount"] + 36000
    province.shot("province-comparison")
    for person in (leader, province, clerk, officer):
        assert person.errors == [], (person.username, person.errors)
        person.close()


def fill_checklist(officer: Person) -> None:
    """Fill every field the next stage still needs, as an officer types them."""
    inputs = officer.page.locator("#checklist [name^='field:']")
    for index in range(inputs.count()):
        field = inputs.nth(index)
        name = field.get_attribute("name")
        kind = field.evaluate("element => element.tagName + ':' + (element.type || '')")
        if kind.startswith("SELECT"):
            field.select_option(index=1)
        elif kind.endswith(":date"):
            field.fill("2030-06-01")
        elif "amount" in name or "tax" in name or "jobs" in name:
            field.fill("36000" if "amount" in name else "300")
        else:
            field.fill("已落实")
    officer.page.click("#checklist button[type=submit]")
    assert "已补充" in officer.page.inner_text(".notice"), officer.page.inner_text("main")


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_each_menu_opens(suite, browser, username):
    person = Person(browser, suite, username)
    links = person.page.locator("nav.menu a")
    targets = [(links.nth(i).inner_text(), links.nth(i).get_attribute("href"))
               for i in range(links.count())]
    assert targets, f"{username} has no menu"
    for label, href in targets:
        response = person.page.goto(f"{suite.url}{href}")
        assert response is not None and response.status == 200, (username, label, href)
        assert person.page.locator("main h1").count() == 1, (username, label)
        problems = person.page.locator(".problem")  # a refusal the API gave this page
        assert problems.count() == 0, (username, label, problems.all_inner_texts())
        person.shot(f"{slug(username)}-{slug(label)}")
    assert person.errors == [], person.errors
    person.close()


# The texts drawn on a chart's canvas: its labels and, while hovered, its tooltip.
CANVAS_TEXTS = """element => window.echarts.getInstanceByDom(element).getZr().storage
    .getDisplayList(true).map(shape => shape.style && shape.style.text).filter(Boolean)"""
# Whether a chart has a figure to show: the demo data follows the day the suite runs, and early
# in January this year's charts may hold nothing yet.
HAS_FIGURES = """element => element.dataset.chart
    ? JSON.parse(element.dataset.chart).series.some(s => s.data.some(value => value))
    : JSON.parse(element.dataset.geo).spec.areas.length > 0"""


@pytest.mark.parametrize("username", ROLES)
def test_every_chart_shows_its_tooltip_when_hovered(suite, browser, username):
    """A pointer over a chart brings up its figures (no page may refuse the tooltip's drawing)."""
    person = Person(browser, suite, username)
    links = person.page.locator("nav.menu a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    hovered = 0
    for href in hrefs:
        person.open(href)
        charts = person.page.locator(".chart[data-drawn=true], .geo-map[data-drawn=true]")
        for i in range(charts.count()):
            chart = charts.nth(i)
            if not chart.evaluate(HAS_FIGURES):
                continue
            chart.scroll_into_view_if_needed()
            box = chart.bounding_box()
            before = set(chart.evaluate(CANVAS_TEXTS))
            shown = False
            # Points until one lies over a bar, a point, a pie's ring or a county; the first
            # is inside every chart's plot and on a pie's ring.
            points = [(0.5, 0.3)] + [(across, down) for down in (0.55, 0.8)
                                     for across in (0.5, 0.3, 0.7, 0.15, 0.85)]
            for across, down in points:
                person.page.mouse.move(box["x"] + box["width"] * across,
                                       box["y"] + box["height"] * down)
                for _ in range(10):  # drawn on a coming animation frame
                    person.page.wait_for_timeout(100)
                    if set(chart.evaluate(CANVAS_TEXTS)) - before:
                        shown = True
                        break
                if shown:
                    break
            assert shown, (username, href, i)
            person.page.mouse.move(0, 0)
            hovered += 1
    assert person.errors == [], (hovered, person.errors)
    person.close()


def test_charts_follow_the_window_when_its_size_settles(suite, browser):
    """A narrower window redraws each chart to its new width (once the resizing stops)."""
    person = Person(browser, suite, "sanming-leader")
    person.open(f"/web/c/{CITY}/dashboard")
    canvas = person.page.locator(".chart[data-drawn=true] canvas").first
    wide = canvas.bounding_box()["width"]
    for width in (1100, 1000, 900, 800):  # a window dragged narrower
        person.page.set_viewport_size({"width": width, "height": 900})
    deadline = time.monotonic() + 10
    while canvas.bounding_box()["width"] >= wide and time.monotonic() < deadline:
        person.page.wait_for_timeout(100)
    narrow = canvas.bounding_box()["width"]
    assert narrow < wide - 200, (wide, narrow)
    assert person.errors == [], person.errors
    person.close()


def test_the_dashboard_fits_a_phone(suite, browser):
    person = Person(browser, suite, "sanming-leader", viewport={"width": 390, "height": 844})
    person.open(f"/web/c/{CITY}/dashboard")
    width = person.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the screen: no sideways scrolling
    person.shot("phone-leader-dashboard")
    person.open(f"/web/c/{CITY}/projects")
    assert person.page.evaluate("document.documentElement.scrollWidth") <= 390
    person.shot("phone-projects")
    person.close()


def test_a_filtered_list_exports_to_xlsx_with_chinese_headings(suite, browser, tmp_path):
    from openpyxl import load_workbook

    officer = Person(browser, suite, "sanming-officer")
    officer.open(f"/web/c/{CITY}/projects?stage=signed")
    with officer.page.expect_download() as download_info:
        officer.page.click("a.export")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    headings, data = rows[0], rows[1:]
    assert "项目名称" in headings and "阶段" in headings, headings
    assert [h for h in headings if not re.search(r"[\u4e00-\u9fff]", str(h))] == [], headings
    # Exactly the filtered list: every signed project (all pages), and nothing else.
    listed = api_get(suite, "sanming-officer", f"/cities/{CITY}/projects?stage=signed&per_page=1")
    assert len(data) == listed["total"] > 0
    stage_column = headings.index("阶段")
    assert {row[stage_column] for row in data} == {"签约"}
    officer.close()


def test_the_investment_map_draws_each_chain_on_the_county_boundaries(suite, browser):
    """Seed 003 (Sanming): "全面推广运用“招商地图工作法”". The county map is drawn from the
    boundaries shipped as data (vendor/maps/sanming.js), the table beside it."""
    officer = Person(browser, suite, f"{CITY}-officer")
    officer.open(f"/web/c/{CITY}/investment-map")
    officer.page.wait_for_selector(".geo-map[data-drawn=true]", timeout=30000)
    assert officer.page.locator(".geo-map[data-drawn=true] canvas").count() >= 1
    assert officer.page.locator(".geo-table tr[data-county]").count() >= 11  # 三明's counties
    officer.shot("officer-investment-map-counties")
    assert officer.errors == [], officer.errors

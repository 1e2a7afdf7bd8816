"""Ledger import, the header's search box and submit-once in a real browser, against the real
suite (``make up``): an officer downloads the city's template, uploads a ledger with mistakes
(listed by row, column and Chinese message, nothing written), then the corrected one, commits
it and finds the projects in the list and on the dashboard — the same file again changes
nothing; a two-character fragment typed in the header finds a record and opens it; a double
click on a form's button sends it once, the button saying so meanwhile."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.support.ledgers import MISTAKES, child_rows, project_rows, workbook
from tests.web.conftest import CITY, Person
from tests.web.test_browser import api_get

JOB_DEADLINE = 120_000  # ms for a background import job on the shared, loaded machine
CJK = re.compile(r"[\u4e00-\u9fff]")
# Projects at 储备 and 在谈 (tests.support.ledgers.STAGES): Sanming's ledger cannot bring a
# signed project in (its 法规账 review has no ledger column; the dry run says so).
LEDGER_ROWS = 2
# Row index → mistake; spreadsheet row = index + 2 (the headings are row 1). The third row, a
# signed project without its 经济账 figures and 法规账 review, is refused by the city's gate.
LEDGER_MISTAKES = {0: "negative_amount", 1: "unknown_unit"}
NAME = "翎羽"  # a fragment no demo record holds: the imported projects' own


def listed_total(person: Person, path: str) -> int:
    """The "共 N 条" a list page shows under its table."""
    person.open(path)
    match = re.search(r"共 (\d+) 条", person.page.inner_text("main"))
    assert match, person.page.inner_text("main")
    return int(match.group(1))


def template_of(officer: Person) -> tuple[list[str], list[str], list[str], dict[str, list[str]]]:
    """The city's project template as the page hands it out: its sheets' headings and the
    names its drop-downs offer (the hidden 选项 sheet)."""
    officer.open(f"/web/c/{CITY}/imports")
    with officer.page.expect_download() as download:
        officer.page.get_by_role("link", name="项目台账模板（.xlsx）").click()
    assert download.value.suggested_filename.endswith(".xlsx"), download.value.suggested_filename
    content = Path(download.value.path()).read_bytes()
    assert content[:2] == b"PK"  # an Office Open XML package, not an error page
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[:3] == ["项目", "到位资金", "节点"], book.sheetnames
    headings = [[str(cell.value) for cell in book[title][1]] for title in book.sheetnames[:3]]
    assert all(CJK.search(heading) for sheet in headings for heading in sheet), headings
    assert {"项目名称", "企业名称", "招商单位", "当前阶段"} <= set(headings[0])
    choices = {column[0]: [value for value in column[1:] if value]
               for column in book["选项"].iter_cols(values_only=True)}
    return headings[0], headings[1], headings[2], choices


def ledger(template: tuple, mistakes: dict[int, str] | None = None, count: int = LEDGER_ROWS) -> bytes:
    """The generated ledger (tests.support.ledgers) in the city's own names."""
    projects, funds, milestones, choices = template
    unit, industry, channel = choices["单位"][1], choices["产业"][0], choices["招商方式"][0]
    rows: list[dict[str, Any]] = project_rows(count, mistakes)
    for index, row in enumerate(rows, start=1):
        row |= {"项目名称": f"三明{NAME}新材料{index}号项目",
                "企业名称": f"三明{NAME}新材料{index}号有限公司", "产业": industry,
                "招商方式": channel}
        if row["招商单位"] != MISTAKES["unknown_unit"][1]:
            row["招商单位"] = unit
    fund_rows, milestone_rows = child_rows(rows)
    return workbook([("项目", projects, rows), ("到位资金", funds, fund_rows),
                     ("节点", milestones, milestone_rows)])


def upload(officer: Person, path) -> None:
    """Chooses the file on the import page and dry-runs it; waits for the job's result."""
    officer.open(f"/web/c/{CITY}/imports")
    officer.page.select_option("select[name=kind]", label="项目")
    officer.page.set_input_files("input[name=file]", str(path))
    officer.page.get_by_role("button", name="试导入").click()
    finished(officer)


def finished(officer: Person) -> str:
    """The job page once its job is done: it reloads itself while the job runs."""
    expect(officer.page.locator("main p", has_text="共 ")).to_contain_text(
        "问题", timeout=JOB_DEADLINE)
    assert officer.page.locator("progress").count() == 0
    return officer.page.locator("main p", has_text="共 ").inner_text()


def test_an_officer_imports_a_ledger_checked_first_and_only_once(suite, browser, tmp_path):
    officer = Person(browser, suite, f"{CITY}-officer")
    template = template_of(officer)
    projects_before = listed_total(officer, f"/web/c/{CITY}/projects")

    # The ledger with a clerk's mistakes: every problem by row, column and in Chinese.
    wrong = tmp_path / "三明项目台账（有误）.xlsx"
    wrong.write_bytes(ledger(template, LEDGER_MISTAKES, count=LEDGER_ROWS + 1))
    upload(officer, wrong)
    assert "三明项目台账（有误）.xlsx" in officer.page.inner_text("h1")
    assert "试导入" in officer.page.inner_text("main")
    problems = [[cell.strip() for cell in row.locator("td").all_inner_texts()]
                for row in officer.page.locator("table.problems tbody tr").all()]
    assert f"问题 {len(problems)} 个" in finished(officer), officer.page.inner_text("main")
    assert [row[:3] for row in problems[:2]] == [
        ["项目", "2", "计划总投资（万元）"], ["项目", "3", "招商单位"]], problems
    messages = [row[3] for row in problems]
    assert messages[0] == "金额不能为负数", messages
    assert messages[1].startswith("单位“北区”不在可选范围内；可选："), messages
    signing = {(row[2], row[3]) for row in problems[2:] if row[1] == "4"}
    assert ("经济账：预计年税收（万元）", "进入“签约”前须填写：经济账：预计年税收（万元）") in signing
    assert ("当前阶段", "进入“签约”前须完成法规账审查：环保（三明市生态环境局）") in signing
    assert all(CJK.search(message) and not re.search(r"[a-z]+\.[a-z_]+", message)
               for message in messages), messages  # no raw problem codes
    assert officer.page.get_by_role("button", name="正式导入").count() == 0
    officer.shot("officer-import-problems")
    assert listed_total(officer, f"/web/c/{CITY}/projects") == projects_before  # nothing written

    # The corrected ledger: dry run, then the commit from the job's page.
    right = tmp_path / "三明项目台账.xlsx"
    right.write_bytes(ledger(template))
    upload(officer, right)
    assert f"可导入 {LEDGER_ROWS} 行" in finished(officer) and "问题 0 个" in finished(officer)
    officer.shot("officer-import-dry-run")
    job = officer.page.url
    assert listed_total(officer, f"/web/c/{CITY}/projects") == projects_before
    officer.page.goto(job)
    officer.page.get_by_role("button", name="正式导入").click()
    summary = finished(officer)
    assert f"已导入 {LEDGER_ROWS} 行" in summary and "问题 0 个" in summary, summary
    assert "正式导入" in officer.page.inner_text("main")
    officer.shot("officer-import-committed")

    assert listed_total(officer, f"/web/c/{CITY}/projects") == projects_before + LEDGER_ROWS
    officer.open(f"/web/c/{CITY}/projects?q={NAME}")
    assert sorted(officer.page.locator("main table tbody tr a", has_text=NAME).all_inner_texts()) == [
        f"三明{NAME}新材料{index}号项目" for index in range(1, LEDGER_ROWS + 1)]
    officer.page.get_by_role("link", name=f"三明{NAME}新材料2号项目").click()
    expect(officer.page.locator(".badge")).to_have_text("在谈")

    # The same file again: the page says every row was imported before; nothing changes.
    upload(officer, right)
    summary = finished(officer)
    assert "可导入 0 行" in summary and f"此前已导入未变 {LEDGER_ROWS} 行" in summary, summary
    officer.shot("officer-import-again")
    assert listed_total(officer, f"/web/c/{CITY}/projects") == projects_before + LEDGER_ROWS
    assert officer.errors == [], officer.errors
    officer.close()


def rarest_fragment(suite, name: str) -> str:
    """The two Chinese characters of ``name`` the fewest projects share (so the record is
    among the first results the search page shows)."""
    fragments = [name[i:i + 2] for i in range(len(name) - 1) if CJK.fullmatch(name[i])
                 and CJK.fullmatch(name[i + 1])]
    return min(fragments, key=lambda fragment: api_get(
        suite, f"{CITY}-officer", f"/cities/{CITY}/projects?q={fragment}&per_page=1")["total"])


def test_two_characters_in_the_header_box_find_a_project_and_open_it(suite, browser):
    project = api_get(suite, f"{CITY}-officer", f"/cities/{CITY}/projects?per_page=1")["items"][0]
    fragment = rarest_fragment(suite, project["name"])
    officer = Person(browser, suite, f"{CITY}-officer")
    officer.open(f"/web/c/{CITY}/dashboard")
    box = officer.page.get_by_role("searchbox", name="搜索线索、项目、企业和引荐人")
    box.fill(fragment)
    box.press("Enter")
    expect(officer.page.locator("main h1")).to_have_text(f"搜索“{fragment}”")
    group = officer.page.locator(".search-group", has_text="项目（")
    link = group.get_by_role("link", name=project["name"], exact=True)
    expect(link).to_be_visible()
    officer.shot("officer-search-results")
    link.click()
    expect(officer.page.locator("main h1")).to_contain_text(project["name"])
    assert officer.page.url.endswith(f"/projects/{project['id']}")
    assert officer.errors == [], officer.errors
    officer.close()


# Each submit event the page sees, and the button a moment later, reported on the console
# (while the form is being sent the page cannot be asked: its navigation is pending).
WATCH_SUBMITS = """() => document.addEventListener("submit", (event) => {
  const form = event.target, button = form.querySelector("button[type=submit]");
  setTimeout(() => console.log("submit " + JSON.stringify({
    sent: !event.defaultPrevented, disabled: button.disabled, text: button.textContent,
    busy: form.getAttribute("aria-busy")})), 50);
})"""


def test_a_double_click_reports_the_lead_once_and_the_button_says_so(suite, browser):
    title = "沙县小吃中央厨房扩产项目"
    officer_list = f"/cities/{CITY}/leads?q={title}"
    before = api_get(suite, f"{CITY}-officer", officer_list)["total"]
    clerk = Person(browser, suite, f"{CITY}-clerk")
    clerk.open(f"/web/c/{CITY}/leads/new")
    clerk.page.fill("input[name=title]", title)
    clerk.page.fill("input[name=enterprise_name]", "三明沙县小吃餐饮管理有限公司")
    clerk.page.evaluate(WATCH_SUBMITS)
    # The first POST's answer is held while the button is looked at; every POST leaving the
    # browser is counted (a second one would go straight through).
    sent: list[Any] = []

    def hold_first(route) -> None:
        if route.request.method == "POST":
            sent.append(route)
        if route.request.method != "POST" or len(sent) > 1:
            route.continue_()

    clerk.page.route(f"**/web/c/{CITY}/leads/new", hold_first)
    seen: list[dict[str, Any]] = []
    clerk.page.on("console", lambda message: seen.append(json.loads(message.text[7:]))
                  if message.text.startswith("submit ") else None)
    with clerk.page.expect_console_message(lambda message: message.text.startswith("submit ")):
        clerk.page.locator("#lead-form button[type=submit]").dblclick(no_wait_after=True)
    # The first press sends the form and the button shows it is busy; a later press sends
    # nothing (the button is disabled, or the page drops the second submit).
    assert seen[0] == {"sent": True, "disabled": True, "text": "提交中…", "busy": "true"}, seen
    assert all(not press["sent"] for press in seen[1:]), seen
    sent[0].continue_()
    expect(clerk.page.locator(".notice")).to_contain_text("已报送")
    assert len(sent) == 1, [route.request.url for route in sent]
    # Back on the form (restored from the browser's cache), the button is usable again.
    clerk.page.go_back()
    expect(clerk.page.locator("#lead-form button[type=submit]")).to_be_enabled()
    expect(clerk.page.locator("#lead-form button[type=submit]")).to_have_text("报送")
    clerk.shot("clerk-lead-reported-once")
    leads = api_get(suite, f"{CITY}-officer", officer_list)
    assert leads["total"] == before + 1
    assert listed_total(clerk, f"/web/c/{CITY}/leads?q={title}") == before + 1
    assert clerk.errors == [], clerk.errors
    clerk.close()

"""Every workflow finishable in the browser (issue 25), against the real suite: a Ziyang major
project walked from its lead to 竣工投产 — the city's signing records and its six-step review each
recorded on the project page through the forms the dry-run points to — and a Lanzhou matter from
its request to the leader's decision. No API call but to read back."""

from __future__ import annotations

from tests.web.conftest import COUNTDOWN_CITY, MATTER_CITY, Person
from tests.web.test_browser import api_get

ZIYANG = COUNTDOWN_CITY
MAJOR_AMOUNT = "120000"  # 12亿元: a major project (重大招商项目评审)


def notice(person: Person) -> str:
    return person.page.inner_text(".notice") if person.page.locator(".notice").count() else (
        person.page.inner_text("main"))


def fill_checklist(person: Person, today: str) -> None:
    """Every input the next stage's checklist asks for; an actual date is today's."""
    inputs = person.page.locator("#checklist [name^='field:']")
    if not inputs.count():
        return
    for index in range(inputs.count()):
        field = inputs.nth(index)
        name = field.get_attribute("name") or ""
        kind = field.evaluate("element => element.tagName + ':' + (element.type || '')")
        if kind.startswith("SELECT"):
            field.select_option(index=1)
        elif kind.endswith(":date"):
            field.fill(today if name.endswith("actual_on") else "2030-06-01")
        elif "amount" in name:
            field.fill(MAJOR_AMOUNT)
        else:
            field.fill("300" if ("tax" in name or "jobs" in name) else "已落实")
    person.page.click("#checklist button[type=submit]")
    assert "已补充" in notice(person), notice(person)


def move(person: Person, stage: str, label: str) -> None:
    options = person.page.locator("#transition select[name=target] option")
    offered = [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert stage in offered, offered
    person.page.select_option("#transition select[name=target]", stage)
    person.page.click("#transition button[type=submit]")
    assert person.page.locator("h1 .badge").inner_text() == label, notice(person)


def run_review(officer: Person, leader: Person, project_url: str) -> None:
    """重大招商项目评审 (Seed 四) on the project page: start it with a reviewer, score every
    dimension, then each of the six steps — the group leader's own step by the leader."""
    officer.page.select_option("#start-evaluation select[name=form]", "ziyang_major_review")
    officer.page.fill("#start-evaluation input[name=reviewer]", "行业专家 李工")
    officer.page.click("#start-evaluation button[type=submit]")
    assert "已发起评估" in notice(officer)
    card = officer.page.locator("article.evaluation[data-form=ziyang_major_review]")
    scores = card.locator(".scores-form input[name^='score:']")
    for index in range(scores.count()):
        scores.nth(index).fill("85")
    card.locator(".scores-form button[type=submit]").click()
    assert "评分已保存" in notice(officer)
    for _ in range(6):
        card = officer.page.locator("article.evaluation[data-form=ziyang_major_review]")
        if "组长" in card.locator(".next-step").inner_text():
            leader.page.goto(project_url)
            step = leader.page.locator(
                "article.evaluation[data-form=ziyang_major_review] .step-form")
            assert "组长" in step.locator(".next-step").inner_text()
            step.locator("input[name=opinion]").fill("同意上领导小组例会研究")
            step.locator("button[type=submit]").click()
            assert "评审流程已推进" in notice(leader)
            officer.page.goto(project_url)
            continue
        card.locator(".step-form input[name=opinion]").fill("同意")
        card.locator(".step-form button[type=submit]").click()
        assert "评审流程已推进" in notice(officer), notice(officer)
    card = officer.page.locator("article.evaluation[data-form=ziyang_major_review]")
    assert "通过" in card.locator(".conclusion").inner_text()
    assert card.locator(".score").inner_text().startswith("85")


def test_a_ziyang_major_project_goes_from_lead_to_completion_in_the_browser(suite, browser):
    clerk = Person(browser, suite, f"{ZIYANG}-clerk")
    clerk.open(f"/web/c/{ZIYANG}/leads/new")
    clerk.page.fill("input[name=title]", "雁江新能源重卡整车制造项目")
    clerk.page.fill("input[name=enterprise_name]", "四川雁江新能源重卡有限公司")
    clerk.page.click("#lead-form button[type=submit]")
    assert "已报送" in notice(clerk)
    lead_url = clerk.page.url

    officer = Person(browser, suite, f"{ZIYANG}-officer")
    leader = Person(browser, suite, f"{ZIYANG}-leader")
    officer.page.goto(lead_url)
    officer.page.click("#assign-form button[type=submit]")
    officer.page.fill("#convert-form input[name=amount]", MAJOR_AMOUNT)
    officer.page.select_option("#convert-form select[name=industry]", index=1)
    officer.page.click("#convert-form button[type=submit]")
    assert "已转为项目" in notice(officer)
    project_url = officer.page.url
    project_id = int(project_url.rstrip("/").rsplit("/", 1)[1])
    today = officer.page.get_attribute("#transition input[name=occurred_on]", "value") or ""

    # From 储备 the menu offers only the moves the lifecycle allows.
    options = officer.page.locator("#transition select[name=target] option")
    assert [options.nth(i).get_attribute("value") for i in range(options.count())] == [
        "negotiating", "lost"]
    fill_checklist(officer, today)
    move(officer, "negotiating", "在谈")

    # Signing: the checklist lists every refusal, each with the form that records it.
    refusals = officer.page.locator("#check-refusals li")
    rules = {refusals.nth(i).get_attribute("data-rule") for i in range(refusals.count())}
    assert {"ziyang.legal_review.missing", "ziyang.signatory.missing",
            "evaluation.ziyang_major_review.missing"} <= rules, rules
    assert "已齐全" not in officer.page.inner_text("#checklist")
    officer.page.click("#check-refusals li[data-rule='ziyang.legal_review.missing'] a")
    legal = officer.page.locator("#form-ziyang_legal_review")
    legal.locator("input[name='attributes.legal_review.reviewer']").fill("市司法局 王律师")
    legal.locator("input[name='attributes.legal_review.reviewed_on']").fill(today)
    legal.locator("select[name='attributes.legal_review.conclusion']").select_option("passed")
    boxes = legal.locator("input[name='attributes.legal_review.scope']")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    legal.locator("button[type=submit]").click()
    assert "合法性审查已保存" in notice(officer), notice(officer)
    signatory = officer.page.locator("#form-ziyang_signatory")
    signatory.locator("select").select_option("county_government")
    signatory.locator("button[type=submit]").click()
    assert "签署主体已保存" in notice(officer), notice(officer)
    run_review(officer, leader, project_url)
    fill_checklist(officer, today)
    assert "已齐全" in officer.page.inner_text("#checklist"), officer.page.inner_text("#checklist")
    rows = officer.page.locator("#city-ziyang_signing td.yes_no")
    assert rows.count() == 3 and set(rows.all_inner_texts()) == {"是"}
    officer.shot("ziyang-officer-ready-to-sign")
    move(officer, "signed", "签约")

    fill_checklist(officer, today)
    assert "已齐全" in officer.page.inner_text("#checklist"), officer.page.inner_text("main")
    move(officer, "started", "开工")

    # 竣工投产: the actual completion date goes in through the checklist. On the day of the start
    # it cannot: completion must come after the start, and the checklist says so rather than
    # "complete", pointing to the move's date; the move dated today is refused with that reason.
    fill_checklist(officer, today)
    reasons = officer.page.locator("#check-refusals li")
    assert reasons.count() == 1 and reasons.get_attribute("data-rule") == "date.not_after_start"
    assert "晚于开工日期" in reasons.inner_text() and "已齐全" not in officer.page.inner_text(
        "#checklist")
    officer.page.select_option("#transition select[name=target]", "completed")
    officer.page.click("#transition button[type=submit]")
    assert "晚于开工日期" in officer.page.inner_text(".problem")
    officer.shot("ziyang-officer-project-started")

    # The next day (every service's clock moved on together; the sign-in of yesterday has
    # expired, so the officer signs in again): the plant completes, and the project is 竣工投产.
    suite.advance_days(1)
    try:
        assert officer.errors == [], officer.errors
        officer.close()
        officer = Person(browser, suite, f"{ZIYANG}-officer")
        officer.page.goto(project_url)
        completed_on = officer.page.get_attribute("#transition input[name=occurred_on]", "value")
        assert completed_on and completed_on > today, (completed_on, today)
        fill_checklist(officer, completed_on)
        assert "已齐全" in officer.page.inner_text("#checklist"), officer.page.inner_text("main")
        move(officer, "completed", "竣工投产")
        officer.shot("ziyang-officer-project-completed")
        project = api_get(suite, f"{ZIYANG}-officer", f"/cities/{ZIYANG}/projects/{project_id}")
    finally:
        suite.advance_days(0)
    assert project["stage"] == "completed" and "major" in project["tiers"]
    assert (project["started_on"], project["completed_on"]) == (today, completed_on)
    assert any(m["kind"] == "completion" and m["actual_on"] for m in project["milestones"])
    assert project["attributes"]["legal_review"]["conclusion"] == "passed"
    for person in (clerk, officer, leader):
        assert person.errors == [], (person.username, person.errors)
        person.close()


def test_a_lanzhou_matter_goes_from_request_to_decision_in_the_browser(suite, browser):
    officer = Person(browser, suite, f"{MATTER_CITY}-officer")
    projects = api_get(suite, f"{MATTER_CITY}-officer",
                       f"/cities/{MATTER_CITY}/projects?stage=signed&per_page=1")["items"]
    officer.open(f"/web/c/{MATTER_CITY}/projects/{projects[0]['id']}")
    form = officer.page.locator("#matters form")
    form.locator("input[name=title]").fill("标准化厂房租金减免")
    form.locator("textarea[name=request]").fill("申请前三年厂房租金减半")
    form.locator("input[name=requested_amount]").fill("800")
    form.locator("button[type=submit]").click()
    assert "协调事项已提出" in notice(officer)
    officer.page.click("#matters a:has-text('标准化厂房租金减免')")
    matter_url = officer.page.url
    officer.page.fill("textarea[name=proposal]", "建议按招商政策减免首年租金")
    officer.page.fill("input[name=support_amount]", "300")
    officer.page.click("form[action$='/proposal'] button[type=submit]")
    assert "办理意见已拟定" in notice(officer)

    # The matter is decided by whoever its decision level names: the page offers them the form.
    decided = False
    for username in (f"{MATTER_CITY}-leader", f"{MATTER_CITY}-officer"):
        decider = officer if username.endswith("officer") else Person(browser, suite, username)
        decider.page.goto(matter_url)
        form = decider.page.locator("form[action$='/decision']")
        if not form.count():
            continue
        form.locator("select[name=decision]").select_option("approved")
        form.locator("textarea[name=decision_text]").fill("同意减免首年租金300万元")
        if form.locator("input[name=meeting_ref]").count():
            form.locator("input[name=meeting_ref]").fill("兰州市政府常务会议纪要〔2024〕12号")
        form.locator("button[type=submit]").click()
        assert "已作出决定" in notice(decider), notice(decider)
        assert "同意减免首年租金300万元" in decider.page.inner_text(".facts")
        decider.shot("lanzhou-matter-decided")
        decided = True
        break
    assert decided
    matter_id = int(matter_url.rstrip("/").rsplit("/", 1)[1])
    matter = api_get(suite, f"{MATTER_CITY}-officer", f"/cities/{MATTER_CITY}/matters/{matter_id}")
    assert matter["decision"] == "approved"
    assert officer.errors == [], officer.errors

"""Forms that help (issue 25), through the real gateway and city service: a refused form comes
back as it was sent — the funds form keeps its values — each refused field marked on the field
(``aria-invalid``, ``aria-describedby`` to its message) and named by its Chinese label in the
summary; the matter form's length rule answers in Chinese."""

from __future__ import annotations

import itertools
import re

from tests.gateway.test_gateway_versions import hidden, web_as

_numbers = itertools.count(1)


def _project(front) -> dict:
    created = front.call("lanzhou-officer", "POST", "/cities/lanzhou/projects", json={
        "name": f"表单帮助项目{next(_numbers)}", "amount": "900", "finding_unit": "east",
        "enterprise": {"name": f"表单帮助企业{next(_numbers)}有限公司"}})
    assert created.status_code == 201, created.text
    return created.json()


def _post(web, token: str, page: str, action: str, data: dict[str, str]) -> str:
    """Submit a form of ``page`` as a person would, follow the redirect, and return the page."""
    sent = web.post(action, data={"csrf_token": token,
                                  "_idempotency_key": hidden(page, "_idempotency_key"), **data})
    assert sent.status_code == 303, sent.get_data(as_text=True)
    return web.get(sent.headers["Location"]).get_data(as_text=True)


def test_a_refused_funds_form_keeps_its_values_and_marks_the_field_in_chinese(front, cities):
    project = _project(front)
    web, token = web_as(front, "lanzhou-officer")
    url = f"/web/c/lanzhou/projects/{project['id']}"
    page = web.get(url).get_data(as_text=True)
    shown = _post(web, token, page, f"{url}/funds", {
        "arrived_on": "2026-06-01", "amount": "十万", "payer_name": "表单帮助出资方有限公司",
        "evidence_ref": "HD-20260601-01"})
    form = re.search(r'<form[^>]*id="report-funds".*?</form>', shown, re.S).group(0)
    assert 'value="十万"' in form and 'value="表单帮助出资方有限公司"' in form
    assert 'value="HD-20260601-01"' in form and 'value="2026-06-01"' in form
    amount = re.search(r'<input name="amount"[^>]*>', form).group(0)
    assert 'aria-invalid="true"' in amount and 'aria-describedby="error-amount"' in amount
    assert re.search(r'<span class="field-error" id="error-amount">金额应为普通数字', form)
    assert 'aria-invalid' not in re.search(r'<input name="payer_name"[^>]*>', form).group(0)
    summary = summary_of(shown)
    assert '<span class="field">金额（万元）</span>' in summary and ">amount<" not in summary


def test_the_matter_form_answers_a_too_short_title_in_chinese_on_its_field(front, cities):
    project = _project(front)
    web, token = web_as(front, "lanzhou-officer")
    url = f"/web/c/lanzhou/projects/{project['id']}"
    page = web.get(url).get_data(as_text=True)
    shown = _post(web, token, page, f"{url}/matters", {
        "kind": "land", "title": "地", "request": "申请用地指标"})
    assert "Length must" not in shown and "长度" in shown
    form = re.search(r'<form[^>]*action="[^"]*/matters".*?</form>', shown, re.S).group(0)
    assert re.search(r'<input name="title"[^>]*aria-invalid="true"', form)
    assert ">申请用地指标</textarea>" in form


def summary_of(page: str) -> str:
    found = re.search(r'<div class="problem".*?</div>', page, re.S)
    return found.group(0) if found else ""


def test_a_project_s_history_names_the_person_and_the_action_in_chinese(front, cities):
    from core.db import unit_of_work
    from gateway.users import NewUser, create_user
    from tests.gateway.harness import PASSWORD

    username = f"lanzhou-officer-history{next(_numbers)}"
    with unit_of_work(front.app.extensions["zhaoshang_gateway"].sessions) as session:
        create_user(session, NewUser(username, "officer", PASSWORD, "lanzhou", None, "王敏"))
    created = front.call(username, "POST", "/cities/lanzhou/projects", json={
        "name": f"历史中文项目{next(_numbers)}", "amount": "900", "finding_unit": "east",
        "enterprise": {"name": f"历史中文企业{next(_numbers)}有限公司"}})
    assert created.status_code == 201, created.text
    shown = shown_history(front, created.json()["id"])
    assert "王敏 登记项目：项目名称：历史中文项目" in shown
    assert username not in shown and "created" not in shown and "name" not in shown


def shown_history(front, project_id: int) -> str:
    """The text an officer reads in a Lanzhou project's history card."""
    web, _ = web_as(front, "lanzhou-officer")
    page = web.get(f"/web/c/lanzhou/projects/{project_id}").get_data(as_text=True)
    history = re.search(r'<section class="card" id="history">.*?</ul>', page, re.S).group(0)
    return re.sub(r"<[^>]+>", "", history)


def test_a_project_s_history_names_units_not_their_codes(front, cities):
    """Found at 东区, hosted at 西县: the history's transfer names both units (issue 25)."""
    created = front.call("lanzhou-officer", "POST", "/cities/lanzhou/projects", json={
        "name": f"流转历史项目{next(_numbers)}", "amount": "900", "finding_unit": "east",
        "host_unit": "west", "enterprise": {"name": f"流转历史企业{next(_numbers)}有限公司"}})
    assert created.status_code == 201, created.text
    shown = shown_history(front, created.json()["id"])
    assert "落户单位由 东区 改为 西县" in shown
    assert "east" not in shown and "west" not in shown


def test_matters_in_the_list_link_to_their_project(front, cities):
    project = _project(front)
    asked = front.call("lanzhou-officer", "POST", "/cities/lanzhou/matters", json={
        "project_id": project["id"], "kind": "land", "title": "链接测试事项",
        "request": "申请用地指标"})
    assert asked.status_code == 201, asked.text
    web, _ = web_as(front, "lanzhou-officer")
    page = web.get("/web/c/lanzhou/matters").get_data(as_text=True)
    assert f'<a href="/web/c/lanzhou/projects/{project["id"]}">{project["id"]}</a>' in page

"""引荐人名录 in the web, through the real gateway and city service: the office registers an
entry from the list page and confirms its public-official status on its page; the list searches
and exports with Chinese headings; a clerk reads the list but has no forms and is refused."""

from __future__ import annotations

import io
import itertools

from openpyxl import load_workbook

from tests.gateway.test_gateway_versions import hidden, web_as

_numbers = itertools.count(1)


def test_the_office_registers_and_confirms_an_introducer_in_the_web(front, cities):
    number = next(_numbers)
    name = f"网页登记的招商顾问{number}"
    web, csrf = web_as(front, "lanzhou-officer")
    listing = web.get("/web/c/lanzhou/intermediaries").get_data(as_text=True)
    assert "引荐人名录" in listing and "登记引荐人" in listing
    form = {"csrf_token": csrf, "_idempotency_key": hidden(listing, "_idempotency_key"),
            "name": name, "kind": "advisor", "phone": f"1390931{number:04d}",
            "contact_person": "张顾问"}
    registered = web.post("/web/c/lanzhou/intermediaries", data=form)
    assert registered.status_code == 303
    page_path = registered.headers["Location"]
    page = web.get(page_path).get_data(as_text=True)
    assert name in page and "未确认" in page and "确认公职人员身份" in page
    confirm = {"csrf_token": csrf, "_idempotency_key": hidden(page, "_idempotency_key"),
               "_if_match": hidden(page, "_if_match"), "public_official": "no",
               "basis": "本人书面承诺"}
    assert web.post(f"{page_path}/public-official", data=confirm).status_code == 303
    page = web.get(page_path).get_data(as_text=True)
    assert "非国家公职人员" in page and "本人书面承诺" in page and "lanzhou-officer" in page
    # The same registration again: refused as a duplicate, shown in Chinese.
    form["_idempotency_key"] = "another-display"
    again = web.post("/web/c/lanzhou/intermediaries", data=form)
    shown = web.get(again.headers["Location"]).get_data(as_text=True)
    assert "疑似重复登记" in shown

    found = web.get(f"/web/c/lanzhou/intermediaries?q={name}").get_data(as_text=True)
    assert name in found and "共 1 条" in found
    export = web.get(f"/web/c/lanzhou/export/intermediaries?q={name}")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    assert {"引荐人", "类别", "是否国家公职人员", "身份确认人"} <= set(headings)
    assert sheet.max_row == 2

    clerk, clerk_csrf = web_as(front, "lanzhou-clerk")
    seen = clerk.get(f"/web/c/lanzhou/intermediaries?q={name}").get_data(as_text=True)
    assert name in seen and "登记引荐人" not in seen
    refused = front.call("lanzhou-clerk", "POST", "/cities/lanzhou/intermediaries",
                         json={"name": "经办人登记", "kind": "individual", "phone": "13900000000"})
    assert refused.status_code == 403


def _register(front, name: str, kind: str = "advisor") -> int:
    number = next(_numbers)
    answer = front.call("lanzhou-officer", "POST", "/cities/lanzhou/intermediaries", json={
        "name": name, "kind": kind, "phone": f"1390932{number:04d}"})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _deactivate(front, intermediary_id: int) -> None:
    answer = front.call("lanzhou-officer", "POST",
                        f"/cities/lanzhou/intermediaries/{intermediary_id}/status",
                        json={"status": "inactive", "reason": "合作协议到期"})
    assert answer.status_code == 200, answer.text


def test_a_clerk_names_the_introducer_of_a_lead_from_the_registry(front, cities):
    number = next(_numbers)
    active = _register(front, f"线索引荐顾问{number}")
    retired = _register(front, f"已停用的引荐人{number}", "individual")
    _deactivate(front, retired)
    web, csrf = web_as(front, "lanzhou-clerk")
    form_page = web.get("/web/c/lanzhou/leads/new").get_data(as_text=True)
    # The select offers the registry's active entries by name with their kind, not the retired.
    assert f'<option value="{active}" >线索引荐顾问{number}（顾问）</option>' in form_page
    assert f"已停用的引荐人{number}" not in form_page
    form = {"csrf_token": csrf, "title": f"引荐人线索{number}",
            "enterprise_name": f"引荐测试{number}科技有限公司", "channel": "intermediary"}

    # A deactivated or unknown introducer: the API's Chinese field problem, on the field.
    for chosen, gist in ((retired, "已停用，不能再作为引荐人"), (2147483000, "不在引荐人名录中")):
        refused = web.post("/web/c/lanzhou/leads/new", data=form | {
            "_idempotency_key": hidden(form_page, "_idempotency_key") + str(chosen),
            "intermediary_id": str(chosen)})
        assert refused.status_code in (400, 422)
        shown = refused.get_data(as_text=True)
        assert 'class="field-error"' in shown and gist in shown
        assert 'aria-invalid="true"' in shown and "引荐人" in shown
    titles = [row[0] for row in cities["lanzhou"].query("SELECT title FROM leads")]
    assert f"引荐人线索{number}" not in titles

    reported = web.post("/web/c/lanzhou/leads/new", data=form | {
        "_idempotency_key": hidden(form_page, "_idempotency_key"), "intermediary_id": str(active)})
    assert reported.status_code == 303, reported.get_data(as_text=True)
    page = web.get(reported.headers["Location"]).get_data(as_text=True)
    assert f'href="/web/c/lanzhou/intermediaries/{active}" id="introducer">线索引荐顾问{number}</a>' in page
    [(stored,)] = cities["lanzhou"].query("SELECT intermediary_id FROM leads WHERE title = ?",
                                         f"引荐人线索{number}")
    assert stored == active


def test_a_clerk_sets_the_introducer_of_a_project_from_the_registry(front, cities):
    number = next(_numbers)
    active = _register(front, f"项目引荐机构{number}", "ambassador")
    retired = _register(front, f"停用的项目引荐人{number}", "individual")
    _deactivate(front, retired)
    created = front.call("lanzhou-officer", "POST", "/cities/lanzhou/projects", json={
        "name": f"引荐人项目{number}", "amount": "900", "finding_unit": "east",
        "enterprise": {"name": f"引荐项目{number}实业有限公司"}})
    assert created.status_code == 201, created.text
    project_id = created.json()["id"]
    web, csrf = web_as(front, "lanzhou-clerk")
    path = f"/web/c/lanzhou/projects/{project_id}"
    page = web.get(path).get_data(as_text=True)
    assert "保存引荐人" in page and f"项目引荐机构{number}（招商大使）" in page

    form = {"csrf_token": csrf, "_idempotency_key": hidden(page, "_idempotency_key"),
            "_if_match": hidden(page, "_if_match"), "intermediary_id": str(retired)}
    refused = web.post(f"{path}/introducer", data=form)
    assert refused.status_code == 303
    shown = web.get(path).get_data(as_text=True)
    assert 'class="field-error"' in shown and "已停用，不能再作为引荐人" in shown
    assert cities["lanzhou"].query("SELECT intermediary_id FROM projects WHERE id = ?",
                                   project_id) == [(None,)]

    form |= {"_idempotency_key": "introducer-" + str(number), "intermediary_id": str(active)}
    assert web.post(f"{path}/introducer", data=form).status_code == 303
    page = web.get(path).get_data(as_text=True)
    assert "引荐人已保存" in page
    assert f'href="/web/c/lanzhou/intermediaries/{active}" id="introducer">项目引荐机构{number}</a>' in page
    assert cities["lanzhou"].query("SELECT intermediary_id FROM projects WHERE id = ?",
                                   project_id) == [(active,)]

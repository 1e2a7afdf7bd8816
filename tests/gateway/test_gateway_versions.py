"""Through the real gateway: ``If-Match`` and ``Idempotency-Key`` reach the city (the signed hop
still verifies), ``ETag`` and ``Idempotent-Replayed`` come back."""

from __future__ import annotations

import itertools
import uuid

_numbers = itertools.count(1)


def lead_payload() -> dict:
    number = next(_numbers)
    return {"title": f"版本测试线索{number}", "reporting_unit": "east",
            "enterprise": {"name": f"版本测试企业{number}有限公司"}}


def lead_count(city) -> int:
    return city.query("SELECT COUNT(*) FROM leads")[0][0]


def test_a_retried_write_through_the_gateway_records_once(front, cities):
    lanzhou = cities["lanzhou"]
    key = {"Idempotency-Key": str(uuid.uuid4())}
    payload = lead_payload()
    before = lead_count(lanzhou)
    first = front.call("lanzhou-officer", "POST", "/cities/lanzhou/leads", json=payload,
                       headers=key)
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    retried = front.call("lanzhou-officer", "POST", "/cities/lanzhou/leads", json=payload,
                         headers=key)
    assert retried.status_code == 201, retried.text
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json()["id"] == first.json()["id"]
    assert lead_count(lanzhou) == before + 1
    # Another user's identical key is theirs: a lead of their own.
    other = front.call("lanzhou-clerk", "POST", "/cities/lanzhou/leads", json=lead_payload(),
                       headers=key)
    assert other.status_code == 201, other.text
    assert "Idempotent-Replayed" not in other.headers
    assert lead_count(lanzhou) == before + 2
    # The same key for another body: refused, nothing recorded.
    reused = front.call("lanzhou-officer", "POST", "/cities/lanzhou/leads", json=lead_payload(),
                        headers=key)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency.key_reused"
    assert lead_count(lanzhou) == before + 2


def test_a_stale_if_match_through_the_gateway_is_refused(front, cities):
    lead = front.call("lanzhou-officer", "POST", "/cities/lanzhou/leads", json=lead_payload())
    assert lead.status_code == 201, lead.text
    path = f"/cities/lanzhou/leads/{lead.json()['id']}"
    read = front.call("lanzhou-officer", "GET", path)
    assert read.status_code == 200
    tag = read.headers["ETag"]
    assert tag == f'"lead-{lead.json()["id"]}-{read.json()["version"]}"'
    stale = f'"lead-{lead.json()["id"]}-{read.json()["version"] + 1}"'
    refused = front.call("lanzhou-officer", "POST", f"{path}/reject", json={"reason": "重复线索"},
                         headers={"If-Match": stale})
    assert refused.status_code == 412, refused.text
    assert "已被他人修改" in refused.json()["detail"]
    assert refused.headers["ETag"] == tag
    assert front.call("lanzhou-officer", "GET", path).json()["status"] == read.json()["status"]
    rejected = front.call("lanzhou-officer", "POST", f"{path}/reject", json={"reason": "重复线索"},
                          headers={"If-Match": tag})
    assert rejected.status_code == 200, rejected.text
    assert rejected.headers["ETag"] != tag


def web_as(front, username: str):
    from tests.gateway.harness import PASSWORD

    browser = front.app.test_client()
    signed_in = browser.post("/web/login", data={"username": username, "password": PASSWORD})
    assert signed_in.status_code == 303
    with browser.session_transaction() as session:
        return browser, session["csrf_token"]


def hidden(page: str, name: str) -> str:
    import re

    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def test_the_web_sends_the_form_s_version_and_key(front, cities):
    created = front.call("lanzhou-officer", "POST", "/cities/lanzhou/projects", json={
        "name": f"版本测试项目{next(_numbers)}", "amount": "900", "finding_unit": "east",
        "enterprise": {"name": f"版本项目企业{next(_numbers)}有限公司"}})
    assert created.status_code == 201, created.text
    project = created.json()
    web, csrf = web_as(front, "lanzhou-officer")
    page = web.get(f"/web/c/lanzhou/projects/{project['id']}").get_data(as_text=True)
    form = {"csrf_token": csrf, "progress_note": "第一次填报",
            "_idempotency_key": hidden(page, "_idempotency_key"),
            "_if_match": hidden(page, "_if_match")}
    assert form["_if_match"] == str(project["version"])
    path = f"/web/c/lanzhou/projects/{project['id']}/progress"
    # A double click: the same form twice, applied once.
    assert web.post(path, data=form).status_code == 303
    assert web.post(path, data=form).status_code == 303
    after = front.call("lanzhou-officer", "GET", f"/cities/lanzhou/projects/{project['id']}")
    assert after.json()["version"] == project["version"] + 1
    assert after.json()["progress_note"] == "第一次填报"
    # The same old page submitted anew (a new key, the old version): refused, nothing changed.
    stale = {**form, "progress_note": "基于旧页面的修改", "_idempotency_key": "another-display"}
    refused = web.post(path, data=stale)
    assert refused.status_code == 303
    shown = web.get(refused.headers["Location"]).get_data(as_text=True)
    assert "已被他人修改" in shown and "刷新页面" in shown
    again = front.call("lanzhou-officer", "GET", f"/cities/lanzhou/projects/{project['id']}")
    assert again.json()["progress_note"] == "第一次填报"
    assert again.json()["version"] == project["version"] + 1

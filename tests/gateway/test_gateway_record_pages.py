"""The office's record checks in the web, through the real gateway and city services: the signals
page (异常信号) with the records it concerns, a stage date corrected from the project page, an
investor corrected from its page, and an unknown investor province shown as 未知."""

from __future__ import annotations

import itertools
import re

from tests.gateway.test_gateway_versions import hidden, web_as

_numbers = itertools.count(1)
CITY = "/cities/lanzhou"


def api(front, method: str, path: str, body=None, user: str = "lanzhou-officer"):
    answer = front.call(user, method, f"{CITY}{path}", json=body)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def new_project(front, enterprise: dict | None = None) -> dict:
    number = next(_numbers)
    return api(front, "POST", "/projects", {
        "name": f"信号页面项目{number}", "amount": "900", "finding_unit": "east",
        "industry": "manufacturing",
        "enterprise": enterprise or {"name": f"信号页面企业{number}有限公司", "origin_province": "广东省"}})


def signed_project(front) -> dict:
    """Negotiating since 2026-05-01 and signed 2026-06-01, both entered on 2026-06-16: two
    back-dated stage dates; a start milestone agreed for 2026-07-01."""
    project = new_project(front)
    base = f"/projects/{project['id']}"
    api(front, "PATCH", base, {"agreement_amount": "900"})
    api(front, "PUT", f"{base}/milestones", {"kind": "start", "planned_on": "2026-07-01"})
    api(front, "POST", f"{base}/transitions", {"target": "negotiating", "occurred_on": "2026-05-01"})
    return api(front, "POST", f"{base}/transitions", {"target": "signed", "occurred_on": "2026-06-01"})


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_office_sees_every_kind_of_signal_with_the_record_it_concerns(front, cities):
    project = signed_project(front)
    base = f"/projects/{project['id']}"
    api(front, "POST", f"{base}/date-corrections",
        {"field": "signed_on", "date": "2026-05-30", "reason": "合同落款日期核对有误"})
    api(front, "POST", f"{base}/milestones/start/replans",
        {"planned_on": "2026-08-01", "reason": "环评批复延后"})
    investor = {"name": f"两单位报送企业{next(_numbers)}有限公司"}
    east = api(front, "POST", "/leads", {"title": "东区报送的线索", "reporting_unit": "east",
                                         "enterprise": investor}, user="lanzhou-clerk")
    west = api(front, "POST", "/leads", {"title": "西区报送的线索", "reporting_unit": "west",
                                         "enterprise": investor}, user="lanzhou-clerk-west")

    web, _ = web_as(front, "lanzhou-officer")
    home = web.get("/web/c/lanzhou/dashboard").get_data(as_text=True)
    assert 'href="/web/c/lanzhou/signals"' in home and "异常信号" in home
    answer = web.get("/web/c/lanzhou/signals?from=2026-01-01&to=2026-06-30")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    for label in ("突击上报", "倒签", "节点调整", "同一企业多单位报送", "阶段日期倒签", "阶段日期更正"):
        assert label in page, label
    assert 'name="from" value="2026-01-01"' in page and 'name="to" value="2026-06-30"' in page
    project_link = f'href="/web/c/lanzhou/projects/{project["id"]}#history"'
    assert project_link in page
    assert f'href="/web/c/lanzhou/projects/{project["id"]}#replans"' in page
    assert f'href="/web/c/lanzhou/enterprises/{east["enterprise"]["id"]}"' in page
    assert f'href="/web/c/lanzhou/leads/{west["id"]}"' in page
    assert "合同落款日期核对有误" in page and "环评批复延后" in page
    # A period without any of them says so per kind.
    quiet = web.get("/web/c/lanzhou/signals?from=2020-01-01&to=2020-01-31").get_data(as_text=True)
    assert "本期间没有倒签信号" in quiet and "本期间没有节点调整信号" in quiet
    # A clerk has no such page: not in the menu, and the city refuses it.
    clerk, _ = web_as(front, "lanzhou-clerk")
    assert "异常信号" not in clerk.get("/web/c/lanzhou/leads?mine=1").get_data(as_text=True)
    assert clerk.get("/web/c/lanzhou/signals").status_code == 403


def test_the_office_corrects_a_stage_date_from_the_project_page(front, cities):
    project = signed_project(front)
    web, csrf = web_as(front, "lanzhou-officer")
    page = web.get(f"/web/c/lanzhou/projects/{project['id']}").get_data(as_text=True)
    assert 'id="date-correction"' in page and "签约日期（现为 2026年6月1日）" in page
    form = {"csrf_token": csrf, "field": "signed_on", "date": "2026-05-29",
            "reason": "合同落款日期核对有误", "_idempotency_key": hidden(page, "_idempotency_key"),
            "_if_match": hidden(page, "_if_match")}
    path = f"/web/c/lanzhou/projects/{project['id']}/date-corrections"
    sent = web.post(path, data=form)
    assert sent.status_code == 303
    shown = text_of(web.get(sent.headers["Location"]).get_data(as_text=True))
    assert "签约日期已更正" in shown
    assert "更正阶段日期：签约日期由 2026年6月1日 改为 2026年5月29日（原因：合同落款日期核对有误）" in shown
    stored = api(front, "GET", f"/projects/{project['id']}")
    assert stored["signed_on"] == "2026-05-29"
    # The same old page sent again (another key, the old version): refused, nothing changed.
    stale = web.post(path, data=form | {"date": "2026-05-28", "_idempotency_key": "another"})
    assert "已被他人修改" in web.get(stale.headers["Location"]).get_data(as_text=True)
    assert api(front, "GET", f"/projects/{project['id']}")["signed_on"] == "2026-05-29"
    # A clerk is offered no such form.
    clerk, _ = web_as(front, "lanzhou-clerk")
    assert 'id="date-correction"' not in clerk.get(
        f"/web/c/lanzhou/projects/{project['id']}").get_data(as_text=True)


def test_an_unknown_investor_province_shows_as_unknown_and_the_office_corrects_it(front, cities):
    project = new_project(front, {"name": f"省份未知企业{next(_numbers)}有限公司"})
    assert project["out_of_province"] is None
    web, csrf = web_as(front, "lanzhou-officer")
    page = text_of(web.get(f"/web/c/lanzhou/projects/{project['id']}").get_data(as_text=True))
    assert "投资方省份 未知" in page and "省外/省内 未知" in page and "更正投资方" in page
    listed = text_of(web.get("/web/c/lanzhou/projects?q=省份未知企业").get_data(as_text=True))
    assert "省外/省内" in listed and "未知" in listed
    investor = project["enterprise"]
    url = f"/web/c/lanzhou/enterprises/{investor['id']}"
    page = web.get(url).get_data(as_text=True)
    assert hidden(page, "_if_match") == str(investor["version"])
    form = {"csrf_token": csrf, "credit_code": "", "origin_province": "陕西省",
            "reason": "营业执照登记地为西安", "_idempotency_key": hidden(page, "_idempotency_key"),
            "_if_match": hidden(page, "_if_match")}
    sent = web.post(url, data=form)
    assert sent.status_code == 303
    assert "已重新推定" in web.get(sent.headers["Location"]).get_data(as_text=True)
    after = api(front, "GET", f"/projects/{project['id']}")
    assert (after["out_of_province"], after["enterprise"]["origin_province"]) == (True, "陕西省")
    history = text_of(web.get(f"/web/c/lanzhou/projects/{project['id']}").get_data(as_text=True))
    assert "更正投资方信息" in history and "省外/省内由 未知 改为 省外" in history
    # The old page again: refused (412), the province stays 陕西省.
    stale = web.post(url, data=form | {"origin_province": "甘肃省", "_idempotency_key": "again"})
    assert "已被他人修改" in web.get(stale.headers["Location"]).get_data(as_text=True)
    assert api(front, "GET", f"/enterprises/{investor['id']}")["origin_province"] == "陕西省"
    # A clerk sees the investor but no correction form.
    clerk, _ = web_as(front, "lanzhou-clerk")
    assert 'id="correct-enterprise"' not in clerk.get(url).get_data(as_text=True)


def test_the_province_page_counts_unknown_investor_provinces_apart(front, cities):
    web, _ = web_as(front, "province")
    page = web.get("/web/province").get_data(as_text=True)
    assert "投资方省份未知的签约项目" in page and "单列为“未知”" in page

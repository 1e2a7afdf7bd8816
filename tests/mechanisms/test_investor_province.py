"""省外 derived, not typed: the investor's province from GB/T 2260 (core.divisions), the
credit code's division first, the project's flag re-derived when the investor is corrected."""

from __future__ import annotations

import pytest

from core.config import ConfigError
from core.credit_code import division_code
from core.divisions import normalise_province, province_name, province_of_code
from tests.support.cities import make_city
from tests.support.records import create_project, credit_code, enterprise, events_of, lead_body


@pytest.mark.parametrize(("text", "province"), [
    ("甘肃", "甘肃省"), ("甘肃省", "甘肃省"), (" 甘 肃 省 ", "甘肃省"), ("广西壮族自治区", "广西壮族自治区"),
    ("广西", "广西壮族自治区"), ("内蒙古", "内蒙古自治区"), ("北京", "北京市"), ("北京市", "北京市"),
    ("香港特别行政区", "香港特别行政区"), ("香港", "香港特别行政区"), ("兰州市", "甘肃省"),
    ("深圳", "广东省"), ("西安", "陕西省"), ("甘肃省兰州市", "甘肃省"), ("海南藏族自治州", "青海省"),
    ("620102", "甘肃省"), ("火星", None), ("鼓楼区", None), ("Gansu", None), ("", None),
])
def test_free_text_is_normalised_to_a_province(text, province):
    assert province_name(normalise_province(text)) == province


def test_a_credit_codes_division_gives_the_province_even_when_retired():
    assert division_code(credit_code(1, "610113")) == "610113"
    assert province_of_code("610113") == "610000"
    assert province_of_code("371202") == "370000"  # 莱芜 (merged into 济南 in 2019)
    assert province_of_code("100000") is None  # a national registration: no province
    assert division_code("not a code") is None


def test_the_citys_province_is_normalised_and_an_unknown_one_refused():
    assert make_city(city={"province": "甘肃"}).province == "甘肃省"
    assert make_city(city={"province": "甘肃"}).province_code == "620000"
    with pytest.raises(ConfigError) as error:
        make_city(city={"province": "测试省"})
    assert "city.province" in str(error.value) and "测试省" in str(error.value)


def test_the_credit_code_decides_and_the_text_is_canonical(client):
    shaanxi = create_project(client, 1, enterprise=enterprise(
        1, credit_code=credit_code(1, "610113"), origin_province=None))
    assert shaanxi["enterprise"]["origin_province"] == "陕西省"
    assert shaanxi["enterprise"]["province_code"] == "610000"
    assert shaanxi["enterprise"]["division_code"] == "610113"
    assert shaanxi["out_of_province"] is True
    local = create_project(client, 2, enterprise=enterprise(2, origin_province="甘肃"))
    assert local["enterprise"]["origin_province"] == "甘肃省"
    assert (local["out_of_province"], local["out_of_province_label"]) == (False, "省内")


def _problem(response):
    [problem] = response.json["errors"]
    return problem


def test_a_province_contradicting_the_credit_code_is_refused_naming_both(client, app):
    body = {"name": "矛盾项目", "industry": "manufacturing", "amount": "1000",
            "finding_unit": "east", "enterprise": enterprise(1, origin_province="甘肃省",
                                                             credit_code=credit_code(1))}
    response = client.post("/projects", json=body)
    assert response.status_code == 400
    problem = _problem(response)
    assert problem["field"] == "enterprise.origin_province"
    assert "甘肃省" in problem["message"] and "广东省深圳市南山区" in problem["message"]
    assert client.get("/enterprises").json["items"] == []


def test_an_unknown_province_is_a_field_problem(client):
    response = client.post("/leads", json=lead_body(1, enterprise=enterprise(
        1, origin_province="火星", credit_code=None)), as_=("clerk", "east"))
    assert response.status_code == 400
    problem = _problem(response)
    assert problem["field"] == "enterprise.origin_province" and "火星" in problem["message"]


def test_an_unknown_investor_province_is_neither_in_nor_out(client):
    unknown = create_project(client, 1, enterprise=enterprise(1, credit_code=None,
                                                               origin_province=None))
    outside = create_project(client, 2)
    assert (unknown["out_of_province"], unknown["out_of_province_label"]) == (None, "未知")
    ids = lambda query: [p["id"] for p in client.get(f"/projects?{query}").json["items"]]  # noqa: E731
    assert ids("out_of_province=true") == [outside["id"]]
    assert ids("out_of_province=false") == []
    assert ids("out_of_province=unknown") == [unknown["id"]]


def test_the_unknown_ones_are_counted_apart_in_the_figures(client):
    from tests.support.records import advance

    unknown = create_project(client, 1, enterprise=enterprise(1, credit_code=None,
                                                               origin_province=None))
    advance(client, unknown["id"], "signed")
    body = client.get("/stats?from=2024-01-01&to=2024-12-31&out_of_province=true").json
    assert body["total"]["signed_count"] == "0"
    assert body["out_of_province_unknown_count"] == "1"


def test_correcting_the_investor_rederives_its_projects_with_history_and_event(client, app):
    project = create_project(client, 1, enterprise=enterprise(1, credit_code=None,
                                                               origin_province=None))
    enterprise_id = project["enterprise"]["id"]
    response = client.patch(f"/enterprises/{enterprise_id}",
                            json={"credit_code": credit_code(1, "620102"),
                                  "reason": "营业执照核对"})
    assert response.status_code == 200, response.json
    assert (response.json["origin_province"], response.json["province_code"]) == ("甘肃省", "620000")
    assert client.get(f"/projects/{project['id']}").json["out_of_province"] is False
    history = client.get(f"/projects/{project['id']}/history").json
    [change] = [c for c in history if c["action"] == "enterprise_corrected"]
    assert change["changes"]["out_of_province"] == [None, False]
    assert change["changes"]["reason"] == [None, "营业执照核对"]
    [event] = events_of(app, "zhaoshang.project.updated")
    assert event.data["out_of_province"] is False and "out_of_province" in event.data["changed"]
    # A province contradicting the code is refused, and nothing changes.
    refused = client.patch(f"/enterprises/{enterprise_id}",
                           json={"origin_province": "广东省", "reason": "改省份"})
    assert refused.status_code == 400 and _problem(refused)["field"] == "origin_province"
    assert client.get(f"/projects/{project['id']}").json["out_of_province"] is False


def test_only_the_office_corrects_an_investor(client):
    project = create_project(client, 1)
    response = client.patch(f"/enterprises/{project['enterprise']['id']}",
                            json={"origin_province": "广东省", "reason": "核对"},
                            as_=("clerk", "east"))
    assert response.status_code == 403


def test_a_later_report_filling_the_province_rederives_the_project(client, app):
    project = create_project(client, 1, enterprise=enterprise(1, credit_code=None,
                                                               origin_province=None))
    assert project["out_of_province"] is None
    lead = lead_body(1, enterprise={"name": project["enterprise"]["name"],
                                    "origin_province": "上海"})
    assert client.post("/leads", json=lead, as_=("clerk", "east")).status_code == 201
    assert client.get(f"/projects/{project['id']}").json["out_of_province"] is True
    [event] = events_of(app, "zhaoshang.project.updated")
    assert event.data["enterprise"]["origin_province"] == "上海市"

"""Open vocabularies and lead contacts (issue 23): a city adds its own 招商方式 with a Chinese
label, may require a contact phone for one of them, and every lead carries a contact person and
phone — validated, stored, shown with labels, exported and published."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from core.city import build_city
from core.config import ConfigError
from tests.support.cities import city_config, make_city
from tests.support.records import events_of, lead_body

ONLINE = {"vocabularies": {"lead_channels": {"online": "网络招商", "fair": "节会招商（本市）"},
                           "matter_kinds": {"market": "市场开拓"}},
          "leads": {"phone_required_channels": ["online"]}}


@pytest.fixture
def online(client_for):
    return client_for(make_city(**ONLINE))


def post(client, **overrides):
    return client.post("/leads", json=lead_body(**overrides), as_=("clerk", "east"))


def test_a_city_channel_is_accepted_and_answered_with_its_chinese_label(online):
    response = post(online, channel="online", contact_name="王经理", contact_phone="13912345678")
    assert response.status_code == 201, response.json
    assert (response.json["channel"], response.json["channel_label"]) == ("online", "网络招商")
    # A city may relabel a default code too; the other defaults stay.
    relabelled = post(online, serial=2, channel="fair").json
    assert relabelled["channel_label"] == "节会招商（本市）"
    labels = online.get("/labels").json
    assert labels["lead_channels"]["online"] == "网络招商"
    assert labels["lead_channels"]["leader_led"] == "领导带头招"
    assert labels["matter_kinds"]["market"] == "市场开拓"
    assert labels["lead_statuses"]["reported"] == "待研判"
    # The list filters by the city's channel.
    assert [lead["channel"] for lead in online.get("/leads?channel=online").json["items"]] \
        == ["online"]


def test_a_channel_the_city_does_not_have_is_refused_with_its_choices(client):
    response = post(client, channel="online")
    assert response.status_code == 400
    [error] = response.json["errors"]
    assert (error["field"], error["code"]) == ("channel", "vocabulary.unknown")
    assert "领导带头招" in error["message"] and "网络招商" not in error["message"]


def test_the_city_requires_a_phone_for_its_channel_with_a_field_level_chinese_error(online):
    response = post(online, channel="online", contact_name="王经理")
    assert response.status_code == 400
    [error] = response.json["errors"]
    assert (error["field"], error["code"]) == ("contact_phone", "lead.phone_required")
    assert error["message"] == "招商方式为“网络招商”的线索须填写联系电话"
    # Other channels do without.
    assert post(online, channel="chain").status_code == 201


@pytest.mark.parametrize(("given", "kept"), [
    ("13912345678", "13912345678"),
    ("+86 139 1234 5678", "13912345678"),
    ("0931-8123456", "0931-8123456"),
    ("(010)62345678", "010-62345678"),
    ("0931 8123456 转 801", "0931-8123456-801"),
])
def test_a_mobile_or_landline_is_kept_in_one_form(client, given, kept):
    lead = post(client, contact_name="李女士", contact_phone=given).json
    assert (lead["contact_name"], lead["contact_phone"]) == ("李女士", kept)
    assert client.get(f"/leads/{lead['id']}").json["contact_phone"] == kept


@pytest.mark.parametrize("bad", ["12345", "2391234567", "139123456789", "0931-1234567", "电话"])
def test_a_number_neither_mobile_nor_landline_is_refused_in_chinese(client, bad):
    response = post(client, contact_phone=bad)
    assert response.status_code == 400
    [error] = response.json["errors"]
    assert (error["field"], error["code"]) == ("contact_phone", "phone.invalid")
    assert "手机号码" in error["message"] and "固定电话" in error["message"]


def test_the_contact_is_published_with_the_lead_and_exported(online):
    lead = post(online, channel="online", contact_name="王经理", contact_phone="0931-8123456").json
    [event] = events_of(online.flask.application, "zhaoshang.lead.reported")
    assert (event.data["contact_name"], event.data["contact_phone"]) == ("王经理", "0931-8123456")
    assert event.data["channel"] == "online"
    book = load_workbook(io.BytesIO(online.get("/leads?format=xlsx").data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    heading = list(rows[0])
    [row] = [r for r in rows[1:] if r[heading.index("编号")] == lead["id"]]
    assert row[heading.index("联系人")] == "王经理"
    assert row[heading.index("联系电话")] == "0931-8123456"
    assert row[heading.index("招商方式")] == "网络招商"  # exports name, never code (issue 24)


def test_a_projects_channel_and_a_matters_kind_come_from_the_city_vocabulary(online):
    project = online.post("/projects", json={
        "name": "网络招商引进项目", "enterprise": lead_body()["enterprise"],
        "industry": "manufacturing", "amount": "50000", "finding_unit": "east",
        "channel": "online"}, as_=("clerk", "east"))
    assert project.status_code == 201, project.json
    assert project.json["channel_label"] == "网络招商"
    matter = online.post("/matters", json={
        "project_id": project.json["id"], "kind": "market", "title": "开拓省外市场",
        "request": "协调展会资源"})
    assert matter.status_code == 201, matter.json
    assert matter.json["kind_label"] == "市场开拓"


@pytest.mark.parametrize(("section", "complaint"), [
    ({"vocabularies": {"colours": {"red": "红"}}}, "未知的代码表 colours"),
    ({"vocabularies": {"lead_channels": {"Online!": "网络招商"}}}, "代码 'Online!'"),
    ({"vocabularies": {"lead_channels": {"online": ""}}}, "1–50 字的中文名称"),
    ({"leads": {"phone_required_channels": ["online"]}}, "招商方式 online 不在招商方式中"),
])
def test_a_bad_vocabulary_in_the_configuration_stops_the_city(section, complaint):
    with pytest.raises(ConfigError, match=complaint):
        build_city(city_config(**section), "<test>")

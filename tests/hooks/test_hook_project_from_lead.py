"""``project_from_lead``: a city carries a lead's own fields onto the project it becomes."""

from __future__ import annotations

from core import hookimpl
from tests.support.cities import make_city
from tests.support.records import lead_body


class KeyLeads:
    @hookimpl
    def project_from_lead(self, city, lead):
        attributes = lead.attributes or {}
        if not attributes.get("key_lead"):
            return None
        return {"leader_name": attributes["leader"],
                "attributes": {"team": attributes["team"], "key_project": True}}


def convert(client, lead_attributes, convert_attributes=None):
    lead = client.post("/leads", json=lead_body(attributes=lead_attributes)).json
    assigned = client.post(f"/leads/{lead['id']}/assign", json={"first_talk_unit": "east"})
    assert assigned.status_code == 200, assigned.json
    converted = client.post(f"/leads/{lead['id']}/convert", json={
        "amount": "20000", "attributes": convert_attributes or {}})
    assert converted.status_code == 201, converted.json
    return converted.json


def test_hook_project_from_lead_carries_the_key_leads_leader_and_team(client_for):
    client = client_for(make_city(extra_plugins=[("key_leads", KeyLeads())]))
    project = convert(client, {"key_lead": True, "leader": "张副市长", "team": "新能源专班"})
    assert project["leader_name"] == "张副市长"
    assert project["attributes"] == {"team": "新能源专班", "key_project": True}


def test_hook_project_from_lead_yields_to_what_the_officer_gives(client_for):
    client = client_for(make_city(extra_plugins=[("key_leads", KeyLeads())]))
    project = convert(client, {"key_lead": True, "leader": "张副市长", "team": "新能源专班"},
                      {"team": "市招商局专班"})
    assert project["attributes"]["team"] == "市招商局专班"
    ordinary = convert(client, {})
    assert ordinary["leader_name"] is None and ordinary["attributes"] == {}

"""``field_labels``: a city names its own gate fields in Chinese."""

from __future__ import annotations

from core import hookimpl
from core.gates import field_label
from tests.support.cities import make_city
from tests.support.records import advance, create_project, fill_gates


class EnergyReview:
    @hookimpl
    def stage_required_fields(self, city, project, stage):
        return ["attributes.energy_review"] if stage == "signed" else None

    @hookimpl
    def field_labels(self, city):
        return {"attributes.energy_review": "节能审查意见", "leader_name": "包抓市级领导"}


def test_hook_field_labels_name_the_city_fields_and_override_the_core():
    city = make_city(extra_plugins=[("energy", EnergyReview())])
    assert field_label(city, "attributes.energy_review") == "节能审查意见"
    assert field_label(city, "leader_name") == "包抓市级领导"
    assert field_label(city, "amount") == "总投资"
    assert field_label(make_city(), "leader_name") == "包抓领导"


def test_hook_field_labels_appear_in_the_refusal_and_the_checklist(client_for):
    client = client_for(make_city(extra_plugins=[("energy", EnergyReview())]))
    project = create_project(client)
    negotiating = advance(client, project["id"], "negotiating")
    assert {"field": "attributes.energy_review", "label": "节能审查意见"} in negotiating["checklist"]
    fill_gates(client, project["id"], "signed")
    refused = client.post(f"/projects/{project['id']}/transitions", json={"target": "signed"})
    assert refused.status_code == 409
    assert refused.json["refusals"][0]["message"] == "进入“签约”前须填写：节能审查意见"

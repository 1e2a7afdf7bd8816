"""``stage_required_fields``: a city adds fields to a stage gate."""

from __future__ import annotations

from core import hookimpl
from tests.support.cities import make_city
from tests.support.records import advance, create_project, fill_gates, row_counts


class LegalReview:
    @hookimpl
    def stage_required_fields(self, city, project, stage):
        if stage == "signed":
            return ["attributes.legal_review", "leader_name"]
        return None


def test_hook_stage_required_fields_shows_in_incomplete_fields(client_for):
    client = client_for(make_city(extra_plugins=[("legal", LegalReview())]))
    project = create_project(client)
    negotiating = advance(client, project["id"], "negotiating")
    assert negotiating["incomplete_fields"] == [
        "attributes.legal_review", "leader_name", "agreement_amount", "milestones.start"]


def test_hook_stage_required_fields_refuses_the_move_until_filled(client_for):
    client = client_for(make_city(extra_plugins=[("legal", LegalReview())]))
    app = client.flask.application
    project = create_project(client)
    advance(client, project["id"], "negotiating")
    fill_gates(client, project["id"], "signed")
    before = row_counts(app, "stage_transitions")
    refused = client.post(f"/projects/{project['id']}/transitions", json={"target": "signed"})
    assert refused.status_code == 409
    assert [r["rule"] for r in refused.json["refusals"]] == [
        "gate.attributes.legal_review", "gate.leader_name"]
    assert "包抓领导" in refused.json["refusals"][1]["message"]
    assert row_counts(app, "stage_transitions") == before
    client.patch(f"/projects/{project['id']}",
                 json={"leader_name": "李市长", "attributes": {"legal_review": "已审查"}})
    moved = client.post(f"/projects/{project['id']}/transitions", json={"target": "signed"})
    assert moved.status_code == 200
    assert moved.json["stage"] == "signed"

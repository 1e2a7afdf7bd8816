"""Rule 11: major issues go to the city for a case-by-case decision (Seed 三(四)4)."""

from __future__ import annotations

from plugins.lanzhou.tests.conftest import call, new_project


def _matter(client, project):
    return call(client, "POST", "/matters", {
        "project_id": project["id"], "kind": "land", "title": "新增建设用地计划指标",
        "request": "需市级统筹用地指标", "owner_unit": "chengguan"}, 201)


def test_a_matter_of_a_major_project_is_decided_by_a_city_leader(client):
    major = new_project(client, amount="120000", agreement_amount="120000")
    matter = _matter(client, major)
    assert (matter["decision_level"], matter["owner_unit"]) == ("leader", "chengguan")  # 首问负责
    call(client, "POST", f"/matters/{matter['id']}/proposal", {"proposal": "统筹新增用地指标"})
    decision = {"decision": "approved", "decision_text": "同意统筹"}
    assert client.post(f"/matters/{matter['id']}/decision", json=decision).status_code == 409
    decided = call(client, "POST", f"/matters/{matter['id']}/decision", decision,
                   as_=("leader", None))
    assert decided["status"] == "decided"


def test_a_small_projects_matter_stays_with_the_office(client):
    assert _matter(client, new_project(client))["decision_level"] == "office"

"""Rule 5 (Seed 五): legal review before signing; the executive meeting for agreements signed in
the city government's name. Rule 6 (Seed 六), first half: the agreement's timetable."""

from __future__ import annotations

from plugins.ziyang.tests.conftest import (
    LEGAL_REVIEW,
    call,
    new_project,
    ready_to_sign,
    sign,
    table_counts,
)


def refusal_rules(response) -> set[str]:
    return {refusal["rule"] for refusal in response.json["refusals"]}


def test_signing_without_legal_review_is_refused_with_a_readable_reason(client):
    project = new_project(client)
    ready_to_sign(client, project["id"], attributes={"signatory": "county_government"})

    response = sign(client, project["id"])

    assert response.status_code == 409
    assert refusal_rules(response) == {"ziyang.legal_review.missing"}
    assert "合法性审查" in response.json["detail"]
    assert call(client, "GET", f"/projects/{project['id']}")["stage"] == "negotiating"


def test_signing_goes_ahead_once_the_legal_review_is_recorded(client):
    project = new_project(client)
    ready_to_sign(client, project["id"])

    response = sign(client, project["id"])

    assert response.status_code == 200, response.json
    assert response.json["stage"] == "signed"
    review = response.json["attributes"]["legal_review"]
    assert (review["reviewer"], review["reviewed_on"], review["conclusion"]) == (
        "市司法局 王律师", "2024-02-20", "passed")


def test_a_failed_or_partial_legal_review_does_not_allow_signing(client):
    failed = new_project(client)
    ready_to_sign(client, failed["id"], attributes={
        "legal_review": LEGAL_REVIEW | {"conclusion": "failed"}, "signatory": "zone_committee"})
    partial = new_project(client)
    ready_to_sign(client, partial["id"], attributes={
        "legal_review": LEGAL_REVIEW | {"scope": ["agreement"]}, "signatory": "zone_committee"})

    assert refusal_rules(sign(client, failed["id"])) == {"ziyang.legal_review.failed"}
    response = sign(client, partial["id"])
    assert refusal_rules(response) == {"ziyang.legal_review.scope"}
    assert "优惠政策、投资方权利义务" in response.json["detail"]


def test_a_malformed_legal_review_is_refused_field_by_field_and_writes_nothing(app, client):
    project = new_project(client)
    before = table_counts(app, "project_changes")

    response = client.patch(f"/projects/{project['id']}", json={"attributes": {"legal_review": {
        "reviewer": "王律师", "reviewed_on": "2024-13-40", "conclusion": "maybe",
        "scope": ["agreement"]}}})

    assert response.status_code == 422
    fields = {problem["field"] for problem in response.json["errors"]}
    assert fields == {"attributes.legal_review.reviewed_on", "attributes.legal_review.conclusion"}
    assert all(problem["message"] for problem in response.json["errors"])
    assert table_counts(app, "project_changes") == before
    assert call(client, "GET", f"/projects/{project['id']}")["attributes"] == {}


def test_an_agreement_in_the_city_governments_name_needs_the_executive_meeting_first(client):
    project = new_project(client)
    ready_to_sign(client, project["id"], attributes={"legal_review": LEGAL_REVIEW,
                                                     "signatory": "city_government"})

    response = sign(client, project["id"])
    assert response.status_code == 409
    assert refusal_rules(response) == {"ziyang.executive_meeting"}
    assert "市政府常务会议" in response.json["detail"]

    call(client, "PATCH", f"/projects/{project['id']}", {"attributes": {"executive_meeting": {
        "session": "市政府第45次常务会议", "held_on": "2024-02-26", "decision": "approved"}}})
    assert sign(client, project["id"]).status_code == 200


def test_a_rejected_executive_meeting_still_blocks_and_an_unknown_signatory_is_refused(client):
    project = new_project(client)
    ready_to_sign(client, project["id"], attributes={
        "legal_review": LEGAL_REVIEW, "signatory": "city_government",
        "executive_meeting": {"session": "市政府第46次常务会议", "held_on": "2024-02-27",
                              "decision": "rejected"}})
    assert refusal_rules(sign(client, project["id"])) == {"ziyang.executive_meeting"}

    response = client.patch(f"/projects/{project['id']}",
                            json={"attributes": {"signatory": "mayor_personally"}})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "attributes.signatory"


def test_who_signs_must_be_recorded_before_signing(client):
    project = new_project(client)
    ready_to_sign(client, project["id"], attributes={"legal_review": LEGAL_REVIEW})

    assert refusal_rules(sign(client, project["id"])) == {"ziyang.signatory.missing"}


def test_the_agreements_start_completion_and_production_dates_are_needed_to_sign(client):
    project = new_project(client)
    ready_to_sign(client, project["id"], timetable={"start": "2024-06-01"})

    assert call(client, "GET", f"/projects/{project['id']}")["incomplete_fields"] == [
        "milestones.completion", "milestones.production"]
    response = sign(client, project["id"])
    assert response.status_code == 409
    assert refusal_rules(response) == {"gate.milestones.completion", "gate.milestones.production"}
    assert "计划竣工日期" in response.json["detail"]

"""Rule 5 in time: a project is signed after its legal review and the executive meeting, and a
review or meeting is never dated in the future nor after a signing already made."""

from __future__ import annotations

from plugins.ziyang.tests.conftest import LEGAL_REVIEW, call, new_project, ready_to_sign, sign


def test_signing_before_the_legal_review_is_refused_naming_both_dates(client):
    project = new_project(client)
    ready_to_sign(client, project["id"], attributes={
        "legal_review": LEGAL_REVIEW | {"reviewed_on": "2024-02-24"},
        "signatory": "county_government"})
    call(client, "PATCH", f"/projects/{project['id']}", {"attributes": {
        "legal_review": LEGAL_REVIEW | {"reviewed_on": "2024-03-05"}}})
    response = sign(client, project["id"], on="2024-03-01")
    assert response.status_code == 422
    assert response.json["errors"] == [{
        "field": "occurred_on", "code": "ziyang.legal_review.after_signing",
        "message": "签约日期 2024-03-01 不能早于合法性审查日期 2024-03-05"}]
    assert call(client, "GET", f"/projects/{project['id']}")["stage"] == "negotiating"


def test_a_legal_review_dated_after_the_signing_or_in_the_future_is_refused(client):
    project = new_project(client)
    ready_to_sign(client, project["id"])
    assert sign(client, project["id"], on="2024-03-01").status_code == 200
    for day, code in (("2024-06-01", "ziyang.legal_review.after_signing"),
                      ("2026-07-01", "date.in_future")):
        response = client.patch(f"/projects/{project['id']}", json={"attributes": {
            "legal_review": LEGAL_REVIEW | {"reviewed_on": day}}})
        assert response.status_code == 422, response.json
        assert response.json["errors"][0]["field"] == "attributes.legal_review.reviewed_on"
        assert code in {e["code"] for e in response.json["errors"]}
    body = call(client, "GET", f"/projects/{project['id']}")
    assert body["attributes"]["legal_review"]["reviewed_on"] == "2024-02-20"

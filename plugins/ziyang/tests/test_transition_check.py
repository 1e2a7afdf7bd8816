"""The transition dry-run (``GET /projects/<id>/transitions/check``) on Ziyang's signing: every
refusal at once — the timetable, the review, the three signing records — each pointing to where
it is recorded (the city's declared forms on the project page), and nothing moved."""

from __future__ import annotations

from core.clock import travel
from plugins.ziyang.tests.conftest import (
    LEGAL_REVIEW,
    REVIEW_DECIDED,
    TIMETABLE,
    call,
    new_project,
    pass_evaluation,
    sign,
)

MAJOR = {"amount": "120000", "agreement_amount": "120000"}  # 12亿元: a major project


def signing_check(client, project_id: int, on: str = "2024-03-01") -> dict:
    answer = call(client, "GET", f"/projects/{project_id}/transitions/check?to=signed&on={on}")
    (move,) = answer["targets"]
    return move


def test_the_dry_run_lists_every_refusal_of_signing_with_where_to_record_it(client):
    project = new_project(client, **MAJOR)
    call(client, "POST", f"/projects/{project['id']}/transitions",
         {"target": "negotiating", "occurred_on": "2024-02-01"})

    move = signing_check(client, project["id"])

    rules = {refusal["rule"]: refusal for refusal in move["refusals"]}
    assert move["allowed"] is False
    assert set(rules) == {"gate.milestones.start", "gate.milestones.completion",
                          "gate.milestones.production", "ziyang.legal_review.missing",
                          "ziyang.signatory.missing", "evaluation.ziyang_major_review.missing"}
    # The move itself is refused for the same reasons, all at once.
    refused = sign(client, project["id"])
    assert refused.status_code == 409
    assert {item["rule"] for item in refused.json["refusals"]} == set(rules)
    # Each says, in Chinese, where it is put right.
    assert rules["ziyang.legal_review.missing"]["remedy"] == {
        "kind": "form", "page": "ziyang_signing", "form": "ziyang_legal_review",
        "title": "登记合法性审查", "path": f"projects/{project['id']}"}
    assert rules["ziyang.signatory.missing"]["remedy"]["form"] == "ziyang_signatory"
    assert rules["gate.milestones.start"]["remedy"]["kind"] == "field"
    assert rules["gate.milestones.start"]["remedy"]["title"] == "计划开工日期"
    assert rules["evaluation.ziyang_major_review.missing"]["remedy"]["kind"] == "evaluation"
    assert call(client, "GET", f"/projects/{project['id']}")["stage"] == "negotiating"


def test_the_dry_run_is_allowed_exactly_when_the_move_goes_ahead(client):
    project = new_project(client, **MAJOR)
    pid = project["id"]
    call(client, "POST", f"/projects/{pid}/transitions",
         {"target": "negotiating", "occurred_on": "2024-02-01"})
    for kind, planned_on in TIMETABLE.items():
        call(client, "PUT", f"/projects/{pid}/milestones", {"kind": kind, "planned_on": planned_on})
    call(client, "PATCH", f"/projects/{pid}", {"attributes": {
        "legal_review": LEGAL_REVIEW, "signatory": "city_government"}})
    with travel(REVIEW_DECIDED):
        pass_evaluation(client, pid, "ziyang_major_review")

    # Signed in the city government's name: the executive meeting is still missing.
    assert [r["rule"] for r in signing_check(client, pid)["refusals"]] == ["ziyang.executive_meeting"]
    call(client, "PATCH", f"/projects/{pid}", {"attributes": {"executive_meeting": {
        "session": "市政府第45次常务会议", "held_on": "2024-02-26", "decision": "approved"}}})
    # A signing date before the meeting is refused by the date, with the move's date to fix.
    early = signing_check(client, pid, on="2024-02-25")
    assert [r["remedy"]["kind"] for r in early["refusals"]] == ["date"]
    assert "常务会议" in early["refusals"][0]["message"]

    assert signing_check(client, pid) == {"target": "signed", "label": "签约", "allowed": True,
                                          "refusals": []}
    assert sign(client, pid).status_code == 200


def test_without_a_target_it_checks_every_stage_the_lifecycle_allows_now(client):
    project = new_project(client)
    answer = call(client, "GET", f"/projects/{project['id']}/transitions/check")
    assert answer["stage"] == "reserve"
    assert [move["target"] for move in answer["targets"]] == ["negotiating", "lost"]
    assert [move["label"] for move in answer["targets"]] == ["在谈", "终止"]


def test_the_signing_records_section_says_what_is_recorded_and_what_signing_still_needs(client):
    project = new_project(client)
    rows = call(client, "GET", f"/ziyang/signing-records?project_id={project['id']}")
    assert [(row["item"], row["record"], row["ready"]) for row in rows] == [
        ("合法性审查", "未登记", False), ("签署主体", "未登记", False),
        ("市政府常务会议", "不涉及", True)]
    call(client, "PATCH", f"/projects/{project['id']}", {"attributes": {
        "legal_review": LEGAL_REVIEW, "signatory": "city_government"}})
    rows = call(client, "GET", f"/ziyang/signing-records?project_id={project['id']}")
    assert rows[0]["ready"] and rows[0]["record"].startswith("审查通过；市司法局 王律师；2024-02-20")
    assert (rows[1]["record"], rows[1]["ready"]) == ("市政府", True)
    assert (rows[2]["record"], rows[2]["ready"]) == ("未登记", False)


def test_the_signing_page_declares_a_form_for_each_record_on_the_project_page(client):
    pages = {page["code"]: page for page in call(client, "GET", "/web-pages")}
    page = pages["ziyang_signing"]
    assert page["shown_on"] == ["project"]
    forms = {form["code"]: form for form in page["forms"]}
    assert set(forms) == {"ziyang_legal_review", "ziyang_signatory", "ziyang_executive_meeting"}
    legal = forms["ziyang_legal_review"]
    assert (legal["target"], legal["method"], legal["roles"]) == (
        "projects/{project_id}", "PATCH", ["officer", "admin"])  # the clerk may not attest it
    scope = next(f for f in legal["fields"] if f["name"] == "attributes.legal_review.scope")
    assert scope["kind"] == "choices" and len(scope["choices"]) == 3
    assert "clerk" in forms["ziyang_signatory"]["roles"]

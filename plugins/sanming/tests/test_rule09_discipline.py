"""Rule 9 — discipline (Seed 三(四)21): a project that ends says why; a non-objective loss or
a move out opens an accountability case (效能问责); the office decides the measure; lagging
units of the latest published assessment are listed for a summons (约谈). False reports:
``test_rule07_rolling_evaluation``."""

from __future__ import annotations

from core.testing.records import row_counts
from plugins.sanming.tests.conftest import advance, call, new_project


def end(client, project_id, category, status=200, reason="客商转投外地"):
    if category is not None:
        call(client, "PATCH", f"/projects/{project_id}",
             {"attributes": {"reason_category": category}})
    return call(client, "POST", f"/projects/{project_id}/transitions",
                {"target": "lost", "occurred_on": "2024-06-01", "reason": reason}, status)


def cases(client, query=""):
    return call(client, "GET", f"/sanming/accountability-cases{query}")


def test_an_ending_says_why_and_only_the_non_objective_open_cases(client, app):
    talks = new_project(client, finding_unit="datian")
    advance(client, talks["id"], "negotiating")
    refused = end(client, talks["id"], None, 409)
    assert refused["refusals"][0]["rule"] == "gate.attributes.reason_category"
    before = row_counts(app, "projects", "project_changes")
    bad = client.patch(f"/projects/{talks['id']}",
                       json={"attributes": {"reason_category": "bad_luck"}})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "attributes.reason_category"
    assert row_counts(app, "projects", "project_changes") == before
    # A project that never landed cannot "move out".
    assert end(client, talks["id"], "moved_out", 409)["refusals"][0]["rule"] == (
        "sanming.moved_out.not_landed")
    end(client, talks["id"], "non_objective", reason="对接不及时，客商转投外地")
    fair = new_project(client)
    end(client, fair["id"], "objective")  # 客观原因: no case
    landed = new_project(client, finding_unit="youxi", host_unit="sanyuan")
    advance(client, landed["id"], "started")
    end(client, landed["id"], "moved_out")
    found = cases(client)
    assert [(c["kind"], c["project_id"], c["unit"], c["measure_label"]) for c in found] == [
        ("non_objective_loss", talks["id"], "datian", "效能问责"),
        ("moved_out", landed["id"], "sanyuan", "效能问责")]  # the host answers for a move out
    assert "对接不及时，客商转投外地" in found[0]["detail"]


def test_the_office_records_a_completed_project_moving_out_and_decides(client):
    done = new_project(client, finding_unit="jiangle")
    advance(client, done["id"], "completed")
    case = call(client, "POST", "/sanming/accountability-cases", {
        "kind": "moved_out", "project_id": done["id"], "opened_on": "2025-03-01",
        "detail": "企业整体迁往外省"}, 201)
    assert (case["unit"], case["proposed_measure"], case["measure"]) == (
        "jiangle", "effectiveness_accountability", None)
    path = f"/sanming/accountability-cases/{case['id']}/decision"
    call(client, "POST", path, {"measure": "no_action"}, 403, as_=("clerk", "jiangle"))
    decided = call(client, "POST", path, {"measure": "effectiveness_accountability",
                                          "note": "对分管负责人效能问责",
                                          "decided_on": "2025-03-20"})
    assert (decided["measure_label"], decided["decided_on"]) == ("效能问责", "2025-03-20")
    assert call(client, "POST", path, {"measure": "no_action"}, 409)["refusals"][0]["rule"] == (
        "sanming.case.decided")
    report = call(client, "GET", "/reports/sanming_accountability?kind=moved_out")
    assert [(r["kind"], r["unit"], r["decided"]) for r in report["rows"]] == [
        ("项目迁出三明", "将乐县", "已决定")]
    unsigned = new_project(client)
    refused = call(client, "POST", "/sanming/accountability-cases", {
        "kind": "moved_out", "project_id": unsigned["id"], "detail": "未签约"}, 409)
    assert refused["refusals"][0]["rule"] == "sanming.moved_out.not_landed"


def test_the_lowest_ranked_units_are_summoned(client):
    assert call(client, "GET", "/reports/sanming_summons")["rows"] == []
    for unit, amount in (("sanyuan", "90000"), ("yongan", "60000"), ("shaxian", "30000")):
        project = new_project(client, finding_unit=unit, amount=amount)
        advance(client, project["id"], "signed", {"signed": "2024-05-10"})
    run = call(client, "POST", "/assessments/runs", {"scheme": "sanming_month",
                                                     "period": "2024-05"}, 201)
    call(client, "POST", f"/assessments/runs/{run['id']}/publish", {})
    rows = call(client, "GET", "/reports/sanming_summons")["rows"]
    summoned = {row["unit"] for row in rows}
    # Every unit with nothing signed shares the last rank: all are summoned, none who signed.
    assert summoned and not summoned & {"sanyuan", "yongan", "shaxian"}
    assert {row["rank"] for row in rows} == {4}
    assert rows[0]["period"] == "每月战报考评 2024-05"

"""Rule 9: 容错免责 — an exempted penalty is recorded with its reason and approver, and not
counted (Seed 三(三)4)."""

from __future__ import annotations

from plugins.lanzhou.tests.conftest import call

CONDITIONS = ["public_interest", "no_private_gain", "unclear_rules"]


def _penalty(client, unit, points, reason):
    return call(client, "POST", "/lanzhou/penalties", {
        "unit": unit, "occurred_on": "2024-08-20", "points": points, "reason": reason}, 201)


def test_an_exempted_penalty_is_shown_and_not_counted(client):
    _penalty(client, "yongdeng", "2", "签约项目未按期开工")
    exempted = _penalty(client, "xigu", "3", "用地支持承诺因政策调整未能兑现")
    done = call(client, "POST", f"/lanzhou/penalties/{exempted['id']}/exemption", {
        "conditions": CONDITIONS, "reason": "出于公心，未谋取私利，政策界限不明确",
        "approver": "市纪委监委、市委组织部"})
    assert (done["exempted"], done["counted"], done["approver"]) == (
        True, False, "市纪委监委、市委组织部")

    run = call(client, "POST", "/assessments/runs", {"scheme": "lanzhou_year", "period": "2024"},
               201)
    rows = {r["unit"]: r for r in call(client, "GET",
                                       f"/assessments/runs/{run['id']}/ranking")["rows"]}
    assert (rows["yongdeng"]["adjustment_total"], rows["yongdeng"]["total"]) == (
        "-2.0000", "-2.0000")
    assert (rows["xigu"]["adjustment_total"], rows["xigu"]["total"]) == ("0.0000", "0.0000")
    [item] = rows["xigu"]["adjustments"]
    assert (item["counted"], item["approver"], item["reason"]) == (
        False, "市纪委监委、市委组织部", "用地支持承诺因政策调整未能兑现")
    listed = call(client, "GET", "/lanzhou/penalties?year=2024")
    assert [p["exempted"] for p in listed] == [False, True]
    # The page shows each unit's name, never its code (issue 25).
    assert [p["unit_name"] for p in listed] == ["永登县", "西固区"]


def test_an_exemption_must_establish_all_three_conditions(client):
    penalty = _penalty(client, "xigu", "3", "项目流失")
    refused = client.post(f"/lanzhou/penalties/{penalty['id']}/exemption", json={
        "conditions": ["public_interest"], "reason": "出于公心", "approver": "市委组织部"})
    assert refused.status_code == 422
    [error] = refused.json["errors"]
    assert error["field"] == "conditions"
    assert error["message"] == ("容错免责须同时认定：没有为个人或他人谋取私利、"
                                "法律法规未明令禁止或政策界限不明确")
    assert call(client, "GET", "/lanzhou/penalties?year=2024")[0]["exempted"] is False


def test_only_the_office_records_penalties_and_exemptions(client):
    response = client.post("/lanzhou/penalties", json={
        "unit": "xigu", "occurred_on": "2024-08-20", "points": "3", "reason": "项目流失"},
        as_=("clerk", "xigu"))
    assert response.status_code == 403

"""Funds that are real (docs/mechanisms.md, Funds): dates bounded by today, a payer, evidence that
is evidence and used once in the city, arrivals over the agreement confirmed by the office, and
only verified funds counted."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from core.models import FundTranche
from tests.support.cities import make_city
from tests.support.records import (
    PAYER,
    add_funds,
    advance,
    create_project,
    credit_code,
    events_of,
    fund_body,
    row_counts,
    verify_funds,
)


@pytest.fixture
def signed(client):
    """A project signed 2024-03-01 for an agreement of 50000 万元 (5亿元)."""
    project = create_project(client)
    advance(client, project["id"], "signed")
    return project["id"]


def report(client, project_id, amount="1000", arrived_on="2024-04-01", **overrides):
    return client.post(f"/projects/{project_id}/funds",
                       json=fund_body(project_id, amount, arrived_on, **overrides))


def problem_fields(response):
    return {error["field"]: error for error in response.json["errors"]}


def test_an_arrival_after_today_is_refused_and_nothing_is_stored(client, app, signed, today):
    before = row_counts(app, "fund_tranches")
    response = report(client, signed, arrived_on=(today + dt.timedelta(days=1)).isoformat())
    assert response.status_code == 400
    error = problem_fields(response)["arrived_on"]
    assert error["code"] == "funds.in_future"
    assert "不能晚于今天" in error["message"] and today.isoformat() in error["message"]
    assert row_counts(app, "fund_tranches") == before
    assert report(client, signed, arrived_on="2030-01-01").status_code == 400
    # Today itself is fine.
    assert report(client, signed, arrived_on=today.isoformat()).status_code == 201


def test_a_tranche_reported_long_after_its_arrival_raises_a_backdating_signal(client, signed, today):
    late = (today - dt.timedelta(days=30)).isoformat()
    recent = (today - dt.timedelta(days=2)).isoformat()
    tranche = report(client, signed, "800", late).json
    report(client, signed, "900", recent)
    span = f"from={(today - dt.timedelta(days=60)).isoformat()}&to={today.isoformat()}"
    body = client.get(f"/signals?{span}&backdate_days=7").json
    funds = [s for s in body["backdating"] if s["kind"] == "funds"]
    assert [(s["subject_id"], s["tranche_id"], s["days"]) for s in funds] == [
        (signed, tranche["id"], 30)]
    assert "到位日期却填为" in funds[0]["message"] and late in funds[0]["message"]
    assert tranche["reported_at"]


def test_pending_funds_count_nowhere_and_are_shown_apart(client, signed):
    pending = report(client, signed, "12000").json
    assert (pending["verification"], pending["verification_label"]) == ("pending", "待核实")
    project = client.get(f"/projects/{signed}").json
    assert (project["arrived_amount"], project["arrived_pending_amount"]) == (
        "0.0000", "12000.0000")
    totals = client.get("/stats?from=2024-01-01&to=2024-12-31").json["total"]
    assert (totals["arrived_amount"], totals["arrived_pending_amount"]) == ("0.0000", "12000.0000")
    assert verify_funds(client, signed, pending["id"]).status_code == 200
    project = client.get(f"/projects/{signed}").json
    assert (project["arrived_amount"], project["arrived_pending_amount"]) == (
        "12000.0000", "0.0000")
    totals = client.get("/stats?from=2024-01-01&to=2024-12-31").json["total"]
    assert (totals["arrived_amount"], totals["arrived_pending_amount"]) == ("12000.0000", "0.0000")


def test_an_arrival_far_over_the_agreement_needs_the_office_to_confirm_it(client, app, signed):
    # 90亿元 on a 5亿元 agreement: recorded, flagged with its ratio.
    big = report(client, signed, "900000")
    assert big.status_code == 201, big.json
    assert (big.json["over_agreement"], big.json["over_agreement_ratio"]) == (True, "18.0000")
    url = f"/projects/{signed}/funds/{big.json['id']}/verification"
    refused = client.post(url, json={"verification": "verified"})
    assert refused.status_code == 409
    [refusal] = refused.json["refusals"]
    assert refusal["rule"] == "funds.over_agreement"
    assert "1800%" in refusal["message"] and "100%" in refusal["message"]
    assert client.get(f"/projects/{signed}/funds").json[0]["verification"] == "pending"
    no_reason = client.post(url, json={"verification": "verified", "confirm_over_agreement": True})
    assert no_reason.status_code == 400
    assert "reason" in problem_fields(no_reason)
    confirmed = client.post(url, json={"verification": "verified", "confirm_over_agreement": True,
                                       "reason": "母公司增资，追加投资协议已备案"})
    assert confirmed.status_code == 200, confirmed.json
    assert (confirmed.json["verification"], confirmed.json["over_agreement_confirmed"],
            confirmed.json["verification_reason"]) == ("verified", True, "母公司增资，追加投资协议已备案")
    event = events_of(app, "zhaoshang.project.funds_verified")[-1]
    assert (event.data["over_agreement_confirmed"], event.data["reason"]) == (
        True, "母公司增资，追加投资协议已备案")


def test_rejecting_an_over_agreement_arrival_needs_no_confirmation(client, signed):
    big = report(client, signed, "60000").json  # 120% of 50000
    assert big["over_agreement"] is True
    assert verify_funds(client, signed, big["id"], "rejected").status_code == 200


def test_within_the_agreement_nothing_is_flagged(client, signed):
    first = add_funds(client, signed, "30000", "2024-04-01")
    second = report(client, signed, "20000", "2024-05-01").json  # exactly 100%
    assert (first["over_agreement"], second["over_agreement"]) == (False, False)
    # A rejected tranche does not count towards the total.
    rejected = report(client, signed, "50000", "2024-05-02").json
    assert rejected["over_agreement"] is True
    verify_funds(client, signed, rejected["id"], "rejected")
    assert verify_funds(client, signed, second["id"]).status_code == 200
    assert report(client, signed, "1", "2024-05-03").json["over_agreement"] is True


def test_a_city_sets_its_own_ratio(client_for):
    client = client_for(make_city(policy={"funds_over_agreement_ratio": "1.5"}))
    project = create_project(client)
    advance(client, project["id"], "signed")
    assert report(client, project["id"], "70000").json["over_agreement"] is False  # 140%
    flagged = report(client, project["id"], "10000", "2024-04-02").json  # 160%
    assert (flagged["over_agreement"], flagged["over_agreement_ratio"]) == (True, "1.6000")
    refused = verify_funds(client, project["id"], flagged["id"])
    assert refused.status_code == 409 and "150%" in refused.json["refusals"][0]["message"]


@pytest.mark.parametrize("placeholder", ["--", "-", "/", "无", "暂无", "n/a", "N/A", "na",
                                         "None", "null", "TEST", " test ", "YH1", "……", "---+"])
def test_a_placeholder_is_no_evidence(client, app, signed, placeholder):
    before = row_counts(app, "fund_tranches")
    response = report(client, signed, evidence_ref=placeholder)
    assert response.status_code == 400
    error = problem_fields(response)["evidence_ref"]
    assert error["code"] == "funds.evidence_placeholder"
    assert "凭证编号" in error["message"]
    assert row_counts(app, "fund_tranches") == before


def test_an_evidence_reference_is_used_once_in_the_city(client, app, signed):
    first = report(client, signed, evidence_ref="YH 2024 0501")
    assert first.status_code == 201
    other = create_project(client, 2, name="另一个产业园项目")
    advance(client, other["id"], "signed")
    before = row_counts(app, "fund_tranches")
    for same in ("YH 2024 0501", "  yh   2024\t0501 "):
        response = report(client, other["id"], evidence_ref=same)
        assert response.status_code == 400
        error = problem_fields(response)["evidence_ref"]
        assert error["code"] == "funds.evidence_used"
        assert "智能装备产业园项目1" in error["message"] and str(signed) in error["message"]
    assert row_counts(app, "fund_tranches") == before
    # The same project cannot use it twice either.
    assert report(client, signed, "5", "2024-04-02", evidence_ref="yh 2024 0501").status_code == 400


def test_the_database_holds_evidence_unique_too(app, client, signed):
    report(client, signed, evidence_ref="YH-DB-0001")
    sessions = app.extensions["zhaoshang"].sessions
    with sessions() as session:
        session.add(FundTranche(project_id=signed, arrived_on=dt.date(2024, 4, 2), amount=1,
                                evidence_ref="yh-db-0001", evidence_key="yh-db-0001",
                                payer_name=PAYER))
        with pytest.raises(sa.exc.IntegrityError):
            session.flush()
        session.rollback()


def test_each_fund_has_its_payer(client, app, signed):
    body = fund_body(signed, "1000", "2024-04-01")
    del body["payer_name"]
    missing = client.post(f"/projects/{signed}/funds", json=body)
    assert missing.status_code == 400 and "payer_name" in problem_fields(missing)
    wrong = report(client, signed, payer_credit_code="91110105TC0000010X")
    assert wrong.status_code == 400 and "payer_credit_code" in problem_fields(wrong)
    code = credit_code(77)
    paid = report(client, signed, payer_name="远大控股集团有限公司", payer_credit_code=code)
    assert paid.status_code == 201, paid.json
    assert (paid.json["payer_name"], paid.json["payer_credit_code"]) == ("远大控股集团有限公司", code)
    tranche = events_of(app, "zhaoshang.project.funds_reported")[-1].data["tranche"]
    assert (tranche["payer_name"], tranche["payer_credit_code"]) == ("远大控股集团有限公司", code)
    export = client.get(f"/projects/{signed}/funds?format=xlsx")
    sheet = load_workbook(io.BytesIO(export.data)).worksheets[0]
    headings, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert {"出资方", "出资方统一社会信用代码", "核实状态"} <= set(headings)
    assert rows[0][headings.index("出资方")] == "远大控股集团有限公司"


def test_who_verified_and_when_are_never_the_clients(client, signed):
    tranche = report(client, signed).json
    url = f"/projects/{signed}/funds/{tranche['id']}/verification"
    for forged in ({"verified_by": "someone-else"}, {"verified_at": "2020-01-01T00:00:00+08:00"}):
        response = client.post(url, json={"verification": "verified"} | forged)
        assert response.status_code == 400
        assert set(forged) <= set(problem_fields(response))
    assert client.get(f"/projects/{signed}/funds").json[0]["verification"] == "pending"
    verified = verify_funds(client, signed, tranche["id"]).json
    assert verified["verified_by"] == "officer1"
    assert verified["verified_at"] and not verified["verified_at"].startswith("2020")

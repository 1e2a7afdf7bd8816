"""Anti-gaming signals: a month-end rush, back-dated records, one investor reported by two
units; bad queries get field errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.signals import expected_rush_share, in_rush
from tests.support.records import advance, create_project, enterprise, lead_body


def report(client, serial, unit, on, **overrides):
    response = client.post("/leads", json=lead_body(serial, reporting_unit=unit,
                                                    reported_on=on, **overrides))
    assert response.status_code == 201, response.json
    return response.json


def signals(client, start, end, **params):
    query = "&".join(f"{k}={v}" for k, v in {"from": start, "to": end, **params}.items())
    response = client.get(f"/signals?{query}")
    assert response.status_code == 200, response.json
    return response.json


def test_month_end_days_are_the_last_rush_days_of_each_month():
    assert in_rush(dt.date(2024, 2, 27), 3) and not in_rush(dt.date(2024, 2, 26), 3)
    assert in_rush(dt.date(2024, 3, 29), 3) and not in_rush(dt.date(2024, 3, 28), 3)
    # March and April 2024: 6 rush days of 61.
    assert expected_rush_share(dt.date(2024, 3, 1), dt.date(2024, 4, 30), 3) == Decimal(6) / 61


def test_a_unit_rushing_entries_into_month_ends_is_shown_and_an_even_one_is_not(client):
    for serial, on in enumerate(["2024-03-10", "2024-03-29", "2024-03-30", "2024-03-31",
                                 "2024-04-29"], start=1):
        report(client, serial, "east", on)
    for serial, on in enumerate(["2024-03-05", "2024-03-15", "2024-04-10", "2024-04-30"],
                                start=10):
        report(client, serial, "west", on)
    project = create_project(client, 30, finding_unit="east")
    advance(client, project["id"], "signed", {"signed": "2024-04-30"})
    [rush] = signals(client, "2024-03-01", "2024-04-30")["rush"]
    assert rush["unit"] == "east"
    assert (rush["entries"], rush["rush_entries"], rush["share"]) == (6, 5, "0.8333")
    assert rush["by_kind"]["leads"] == {"label": "报送线索", "entries": 5, "rush_entries": 4}
    assert rush["by_kind"]["signings"] == {"label": "签约项目", "entries": 1, "rush_entries": 1}
    assert "突击上报" in rush["message"]


@pytest.mark.hard_days
def test_records_dated_long_before_they_were_entered_are_shown_as_back_dated(client, today):
    # A month under review, well before the day the records are entered.
    start, end = today - dt.timedelta(days=60), today - dt.timedelta(days=30)
    lead_on, talks_on = start + dt.timedelta(days=4), start + dt.timedelta(days=19)
    lead = report(client, 1, "east", lead_on.isoformat())
    report(client, 2, "west", today.isoformat())  # entered on its own date: fine
    project = create_project(client, 3)
    advance(client, project["id"], "negotiating", {"negotiating": talks_on.isoformat()})
    result = signals(client, start.isoformat(), end.isoformat())["backdating"]
    by_kind = {item["kind"]: item for item in result}
    assert set(by_kind) == {"lead", "transition"}
    assert (by_kind["lead"]["subject_id"], by_kind["lead"]["dated_on"]) == (
        lead["id"], lead_on.isoformat())
    assert by_kind["lead"]["recorded_on"] == today.isoformat()
    assert by_kind["lead"]["days"] == 56
    assert by_kind["transition"]["subject_id"] == project["id"]
    assert by_kind["transition"]["what"] == "在谈"
    assert by_kind["transition"]["recorded_on"] == today.isoformat()
    assert by_kind["transition"]["days"] == (today - talks_on).days == 41
    # Dated within the allowance of days: nothing to show.
    recent = (today - dt.timedelta(days=3)).isoformat()
    report(client, 4, "east", recent)
    assert signals(client, recent, today.isoformat())["backdating"] == []


def test_one_investor_reported_by_two_units_is_shown_with_the_first_reporter(client):
    investor = enterprise(7)
    report(client, 1, "west", "2024-03-12", enterprise=investor)
    report(client, 2, "east", "2024-03-05", enterprise=investor)
    report(client, 3, "east", "2024-03-06")  # another investor, one unit only
    [duplicate] = signals(client, "2024-03-01", "2024-03-31")["duplicate_enterprises"]
    assert duplicate["credit_code"] == investor["credit_code"]
    assert duplicate["units"] == ["east", "west"]
    assert (duplicate["first_unit"], duplicate["first_on"]) == ("east", "2024-03-05")
    assert "东区" in duplicate["message"] and "西县" in duplicate["message"]
    assert signals(client, "2024-05-01", "2024-05-31")["duplicate_enterprises"] == []


@pytest.mark.parametrize("query, field", [
    ("from=2024-03-01", "to"),
    ("from=2024-04-01&to=2024-03-01", "from"),
    ("from=2024-03-01&to=2024-03-31&backdate_days=-1", "backdate_days"),
])
def test_bad_signal_queries_get_field_errors(client, query, field):
    response = client.get(f"/signals?{query}")
    assert response.status_code == 400
    assert [e["field"] for e in response.json["errors"]] == [field]


def test_signals_are_for_the_office(client):
    response = client.get("/signals?from=2024-03-01&to=2024-03-31", as_=("clerk", "east"))
    assert response.status_code == 403

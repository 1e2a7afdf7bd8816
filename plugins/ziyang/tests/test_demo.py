"""The demo shows Ziyang's rules at work (``zhaoshang demo --city ziyang``), as of 2024-11-20;
and, loaded on each of the hard days, last month's arena and this year's meetings, nothing later."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest

from core.api.support import EXTENSION
from core.cli import load_demo
from core.clock import utcnow
from core.demo import load_demo_data
from core.testing.cities import ready_app
from core.testing.databases import BACKENDS
from core.testing.demo import dated_after
from core.testing.http import ApiClient
from plugins.ziyang.tests.conftest import call

TODAY = dt.date(2024, 11, 20)


@pytest.fixture(scope="module", params=BACKENDS)
def demo_client(request, tmp_path_factory, ziyang):
    """One demo database per backend for the whole module: loading it is the slow part."""
    from core.testing.cities import ready_app
    from core.testing.http import ApiClient

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('ziyang-demo') / 'city.db'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database(
            f"ziyang_demo_{os.getpid()}")
    app = ready_app(ziyang, url)
    load_demo_data(app.extensions[EXTENSION], today=TODAY)
    yield ApiClient(app.test_client())
    app.extensions[EXTENSION].engine.dispose()


def test_the_demo_shows_an_incomplete_and_a_doubled_group(demo_client):
    groups = {g["code"]: g for g in call(demo_client, "GET", "/ziyang/groups")}

    assert [p["code"] for p in groups["g_infra"]["problems"]] == ["six_ones.missing"]
    assert [p["code"] for p in groups["g_culture"]["problems"]] == ["six_ones.doubled"]
    assert sum(g["complete"] for g in groups.values()) == 5


def test_the_demo_shows_an_overdue_judgement_and_a_transferred_project(demo_client):
    warned = call(demo_client, "GET", "/warnings?rule=first_talk_overdue&per_page=100")["items"]
    titles = [call(demo_client, "GET", f"/leads/{w['subject_id']}")["title"] for w in warned]
    assert "柠檬饮料精深加工项目信息（未按期研判）" in titles

    split = {row["project"]: row for row in call(demo_client, "GET", "/ziyang/transfers/split")}
    row = split["口腔医疗器械产业化项目（流转落户）"]
    assert [Decimal(row[k]) for k in ("signed_amount_from", "signed_amount_to", "tax_paid_from",
                                      "tax_paid_to")] == [Decimal(24000), Decimal(56000),
                                                          Decimal(60), Decimal(540)]


def test_the_demo_shows_a_refused_signing_and_the_fulfilment_outcomes(demo_client):
    [refused] = call(demo_client, "GET", "/projects?q=缺合法性审查")["items"]
    assert refused["stage"] == "negotiating"
    assert "合法性审查" in refused["progress_note"]

    outcomes = set()
    for project in call(demo_client, "GET", "/projects?per_page=200")["items"]:
        outcomes |= {r["outcome"] for r in call(demo_client, "GET",
                                                f"/ziyang/projects/{project['id']}/fulfilment")}
    assert outcomes == {"fulfilling", "reattraction", "clearance"}


def test_the_demo_publishes_last_months_arena_ranking(demo_client):
    [run] = call(demo_client, "GET",
                 "/assessments/runs?scheme=ziyang_arena&status=published")["items"]
    ranking = call(demo_client, "GET", f"/assessments/runs/{run['id']}/ranking")["rows"]

    assert (run["period"], run["status"]) == ("2024-10", "published")
    # The first publication was corrected: superseded with the reason, kept, readable.
    superseded = call(demo_client, "GET", f"/assessments/runs/{run['supersedes_run_id']}")
    assert (superseded["period"], superseded["status"]) == ("2024-10", "superseded")
    assert superseded["superseded_by_run_id"] == run["id"]
    assert "漏报" in superseded["supersession_reason"]
    assert run["objection_deadline"] > superseded["objection_deadline"]
    assert {row["unit"] for row in ranking} == {"yanjiang", "lezhi", "anyue", "hightech_zone",
                                                "lingang_zone"}
    totals = [Decimal(row["total"]) for row in ranking]
    assert totals == sorted(totals, reverse=True) and totals[0] > 0
    arena = call(demo_client, "GET", "/ziyang/arena?year=2024")
    assert [m["period"] for m in arena["months"]] == ["2024-10"]
    # Periods over before the demo's day: one deputy meeting missed, every leader meeting held.
    missed = [(r["kind"], r["period"]) for r in call(
        demo_client, "GET", "/ziyang/meetings/cadence?year=2024")
        if r["missing"] and r["end"] < TODAY.isoformat()]
    assert missed == [("deputy", "2024-08")]


def months_before(today: dt.date, months: int) -> str:
    month = today.year * 12 + today.month - 1 - months
    return f"{month // 12}-{month % 12 + 1:02d}"


@pytest.mark.hard_days
def test_loaded_on_any_day_the_demo_shows_last_months_arena_and_nothing_later(ziyang, tmp_path,
                                                                             today):
    """Year end, New Year's Day, a leap day …: last month's arena ranking published (on this
    month's third working day, or today if that is yet to come), this year's deputy meetings
    held every past month but the one three months back, and no record dated after today."""
    app = ready_app(ziyang, f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        load_demo(app)
        assert dated_after(app.extensions[EXTENSION].engine, today, utcnow()) == []
        client = ApiClient(app.test_client())
        [run] = call(client, "GET",
                     "/assessments/runs?scheme=ziyang_arena&status=published")["items"]
        assert (run["period"], run["status"]) == (months_before(today, 1), "published")
        skipped = months_before(today, 3)
        missed = [(r["kind"], r["period"]) for r in call(client, "GET", "/ziyang/meetings/cadence")
                  if r["missing"]]
        assert missed == ([("deputy", skipped)] if skipped.startswith(str(today.year)) else [])
    finally:
        app.extensions[EXTENSION].engine.dispose()


def test_the_demo_registers_its_commissioned_agency_and_rewards_it(demo_client):
    """委托招商: the agency is an entry of the introducer registry with the city's role,
    confirmed not a public official; its project names it and the reward rule pays on it."""
    [agency] = call(demo_client, "GET", "/intermediaries?role=commissioned_agency")["items"]
    assert (agency["name"], agency["kind"], agency["public_official"]) == (
        "成渝双城招商服务有限公司", "firm", "no")
    [project] = call(demo_client, "GET", "/projects?q=委托招商")["items"]
    assert (project["channel"], project["intermediary_id"]) == ("commissioned", agency["id"])

    run = call(demo_client, "POST", "/rewards", {
        "from": "2024-01-01", "to": "2024-10-31", "rules": ["ziyang_commissioned_attraction"]},
        status=201)
    [line] = run["rewards"]
    assert (line["recipient_type"], line["recipient_id"], line["eligible"]) == (
        "intermediary", agency["id"], True)
    assert Decimal(line["amount"]) == Decimal(9)  # 0.001 × 9000万元 verified, under the cap
    assert line["project_ids"] == [project["id"]]

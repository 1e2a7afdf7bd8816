"""Rule 8 (Seed 十): the monthly arena ranks counties and zones, is published every month and
is carried into the year-end assessment, where the county/zone item is worth 20 points; city
departments get a bonus or deduction of at most 3 points."""

from __future__ import annotations

from decimal import Decimal

from core.clock import travel
from core.testing.records import add_funds
from plugins.ziyang.tests.conftest import call, new_lead, new_project, ready_to_sign, sign

ARENA_UNITS = {"yanjiang", "lezhi", "anyue", "hightech_zone", "lingang_zone"}


def signed(client, unit: str, amount: str, on: str) -> int:
    project = new_project(client, finding_unit=unit, amount=amount, agreement_amount=amount)
    ready_to_sign(client, project["id"])
    assert sign(client, project["id"], on).status_code == 200
    return project["id"]


def run(client, scheme: str, period: str, publish_on: str | None = None) -> dict:
    created = call(client, "POST", "/assessments/runs", {"scheme": scheme, "period": period}, 201)
    if publish_on:  # publication time is the server's: the clock is set to that day
        with travel(f"{publish_on}T10:00:00+08:00"):
            call(client, "POST", f"/assessments/runs/{created['id']}/publish", {})
    return {row["unit"]: row for row in
            call(client, "GET", f"/assessments/runs/{created['id']}/ranking")["rows"]}


def valid_lead(client, unit: str, on: str, **overrides) -> dict:
    """A lead ``unit`` reports on ``on``, judged valid (its first-talk location named)."""
    lead = new_lead(client, reporting_unit=unit, reported_on=on, **overrides)
    with travel(f"{on}T16:00:00+08:00"):  # the judgement's date is the server's
        call(client, "POST", f"/leads/{lead['id']}/assign", {"first_talk_unit": unit})
    return lead


def may_and_june(client) -> None:
    """May: 雁江区 signs 5亿, starts it, gets 1亿 and reports 2 valid leads; 乐至县 signs 2.5亿
    and reports 1 valid lead. June: 乐至县 signs 4亿 and reports 1 valid lead."""
    yanjiang = signed(client, "yanjiang", "50000", "2024-05-10")
    call(client, "POST", f"/projects/{yanjiang}/transitions",
         {"target": "started", "occurred_on": "2024-05-20"})
    add_funds(client, yanjiang, "10000", "2024-05-25")
    for _ in range(2):
        valid_lead(client, "yanjiang", "2024-05-06")
    signed(client, "lezhi", "25000", "2024-05-12")
    valid_lead(client, "lezhi", "2024-05-08")
    signed(client, "lezhi", "40000", "2024-06-05")
    valid_lead(client, "lezhi", "2024-06-03")


def test_the_arena_counts_only_valid_non_duplicate_leads(client):
    """Seed 十: 实施招商引资擂台赛，坚持每月对擂台赛得分排名进行通报 — the leads indicator scores
    the information judged valid, not every report: a rejected lead, one still unjudged, and a
    repeat report of an investor already validly reported count for nothing, and its basis says
    so."""
    first = valid_lead(client, "yanjiang", "2024-05-06")
    same = {key: first["enterprise"][key] for key in ("name", "credit_code")}
    repeat = valid_lead(client, "yanjiang", "2024-05-09", enterprise=same)
    assert repeat["duplicate_of_id"] == first["id"]
    rejected = new_lead(client, reporting_unit="yanjiang", reported_on="2024-05-07")
    call(client, "POST", f"/leads/{rejected['id']}/reject", {"reason": "投资方无实际投资意向"})
    new_lead(client, reporting_unit="yanjiang", reported_on="2024-05-08")  # not yet judged
    valid_lead(client, "lezhi", "2024-05-08")

    created = call(client, "POST", "/assessments/runs",
                   {"scheme": "ziyang_arena", "period": "2024-05"}, 201)
    rows = {row["unit"]: row for row in
            call(client, "GET", f"/assessments/runs/{created['id']}/ranking")["rows"]}

    # 5 reports by 雁江区, 1 of them valid and new: level with 乐至县's one.
    assert Decimal(rows["yanjiang"]["values"]["valid_unique_leads"]) == 1
    assert Decimal(rows["lezhi"]["values"]["valid_unique_leads"]) == 1
    assert Decimal(rows["yanjiang"]["total"]) == Decimal(rows["lezhi"]["total"]) == 20
    schemes = {s["code"]: s for s in call(client, "GET", "/assessments/schemes")}
    indicator = next(i for i in schemes["ziyang_arena"]["indicators"]
                     if i["code"] == "leads_reported")
    assert indicator["metric"] == "valid_unique_leads"
    assert "经研判有效" in indicator["basis"] and "重复报送" in indicator["basis"]
    assert "被退回" in indicator["basis"]
    # The published run keeps the basis it was scored on.
    kept = next(i for i in created["scheme"]["indicators"] if i["code"] == "leads_reported")
    assert kept["basis"] == indicator["basis"]


def test_the_monthly_arena_ranks_counties_and_zones_and_is_published(client):
    may_and_june(client)

    may = run(client, "ziyang_arena", "2024-05", publish_on="2024-06-05")

    assert set(may) == ARENA_UNITS  # departments and groups are not in the arena
    # 雁江区: signed 30 + arrived 30 + started 20 + leads 20; 乐至县: 30×2.5/5 + 20×1/2.
    assert Decimal(may["yanjiang"]["total"]) == Decimal("100")
    assert Decimal(may["lezhi"]["total"]) == Decimal("25")
    assert [may[u]["rank"] for u in ("yanjiang", "lezhi", "anyue")] == [1, 2, 3]
    runs = call(client, "GET", "/assessments/runs?scheme=ziyang_arena")["items"]
    assert [(r["period"], r["status"], r["published_on"]) for r in runs] == [
        ("2024-05", "published", "2024-06-05")]


def test_the_published_months_are_carried_into_the_year_end_twenty_points(client):
    may_and_june(client)
    run(client, "ziyang_arena", "2024-05", publish_on="2024-06-05")
    run(client, "ziyang_arena", "2024-06", publish_on="2024-07-04")
    run(client, "ziyang_arena", "2024-07")  # a draft is not carried

    arena = call(client, "GET", "/ziyang/arena?year=2024")
    year = run(client, "ziyang_county_year", "2024")

    assert [m["period"] for m in arena["months"]] == ["2024-05", "2024-06"]
    averages = {row["unit"]: Decimal(row["average"]) for row in arena["average"]}
    assert averages["yanjiang"] == Decimal("50")     # (100 + 0) / 2
    assert averages["lezhi"] == Decimal("37.5")      # (25 + 50) / 2
    assert Decimal(year["yanjiang"]["total"]) == Decimal("10")   # 20 × 50 / 100
    assert Decimal(year["lezhi"]["total"]) == Decimal("7.5")
    assert year["yanjiang"]["rank"] == 1
    schemes = {s["code"]: s for s in call(client, "GET", "/assessments/schemes")}
    assert Decimal(schemes["ziyang_county_year"]["total_cap"]) == Decimal("20")


def test_a_department_gets_at_most_three_points_either_way(client):
    call(client, "POST", "/ziyang/groups/g_services/ones", {
        "kind": "lead_department", "name": "市商务局", "unit": "dept_commerce",
        "appointed_on": "2024-01-01"}, 201)
    for _ in range(8):  # 8 judgements never made: 8 × −0.5 = −4
        new_lead(client, industry="modern_services", reporting_unit="anyue",
                 reported_on="2024-04-01")
    lead = new_lead(client, industry="modern_services", reporting_unit="dept_commerce",
                    reported_on="2024-04-01")
    with travel("2024-04-02T10:00:00+08:00"):  # the judgement's date is the server's
        call(client, "POST", f"/leads/{lead['id']}/assign", {"first_talk_unit": "lingang_zone"})
    project = call(client, "POST", f"/leads/{lead['id']}/convert", {"amount": "30000"}, 201)
    call(client, "PATCH", f"/projects/{project['id']}", {"agreement_amount": "30000"})
    ready_to_sign(client, project["id"])
    assert sign(client, project["id"], "2024-06-01").status_code == 200

    rows = run(client, "ziyang_department_year", "2024")

    commerce = rows["dept_commerce"]
    assert sorted(Decimal(a["points"]) for a in commerce["adjustments"]) == [Decimal("-4"),
                                                                             Decimal("0.5")]
    assert Decimal(commerce["adjustment_uncapped"]) == Decimal("-3.5")
    assert Decimal(commerce["total"]) == Decimal("-3")
    assert set(rows) == {"dept_economy", "dept_health", "dept_commerce", "dept_culture",
                         "dept_agri", "dept_transport"}


def test_the_department_deduction_of_a_year_without_any_lead_department_cannot_be_computed(client):
    for _ in range(2):  # late judgements that no lead department answers for
        new_lead(client, industry="modern_services", reporting_unit="anyue",
                 reported_on="2024-04-01")

    created = call(client, "POST", "/assessments/runs",
                   {"scheme": "ziyang_department_year", "period": "2024"}, 201)
    ranking = call(client, "GET", f"/assessments/runs/{created['id']}/ranking")

    reason = "该年度未任命牵头部门（六个一），无法计算部门扣分"
    assert created["complete"] is False
    [missing] = created["not_computed"]
    assert (missing["item"], missing["name"], missing["reason"]) == (
        "department_deduction", "部门扣分", reason)
    assert len(missing["units"]) == 6  # every department
    commerce = next(row for row in ranking["rows"] if row["unit"] == "dept_commerce")
    assert commerce["complete"] is False
    assert {"code": "department_deduction", "name": "部门扣分", "points": None,
            "computable": False, "reason": reason} in commerce["items"]
    # Not published as if complete: the office must acknowledge the gap.
    refused = call(client, "POST", f"/assessments/runs/{created['id']}/publish", {}, 409)
    assert refused["refusals"][0]["rule"] == "assessment.not_computable"
    assert reason in refused["refusals"][0]["message"]
    published = call(client, "POST", f"/assessments/runs/{created['id']}/publish",
                     {"acknowledge_incomplete": True})
    assert (published["status"], published["complete"]) == ("published", False)


def test_with_a_lead_department_appointed_the_deduction_is_computed(client):
    call(client, "POST", "/ziyang/groups/g_services/ones", {
        "kind": "lead_department", "name": "市商务局", "unit": "dept_commerce",
        "appointed_on": "2024-01-01"}, 201)
    created = call(client, "POST", "/assessments/runs",
                   {"scheme": "ziyang_department_year", "period": "2024"}, 201)
    assert (created["complete"], created["not_computed"]) == (True, [])

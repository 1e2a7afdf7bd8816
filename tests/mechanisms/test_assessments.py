"""Assessments (考核): scoring by hand calculation, transfer credit, frozen published runs,
objections inside and outside their window, the .xlsx export, and bad input writing nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core import hookimpl
from core.assessments import score_units
from core.clock import CHINA, travel
from core.policy import Adjustment, AssessmentScheme, Indicator
from tests.support.cities import make_city
from tests.support.records import (
    advance,
    create_project,
    events_of,
    lead_body,
    row_counts,
)

D = Decimal
RUN_TABLES = ("assessment_runs", "assessment_results", "assessment_adjustments",
              "assessment_objections")


# -- scoring, by hand -----------------------------------------------------------------

HAND_SCHEME = AssessmentScheme(
    code="hand", name="手算方案", period="month", unit_kinds=("county",),
    indicators=(
        Indicator("a", "签约额", "m1", points=D(40), target=D(100)),
        Indicator("b", "到位资金", "m2", points=D(30)),  # relative to the best unit
        Indicator("c", "线索", "m3", points=D(30), target=D(10), cap=D(20)),
    ),
    adjustment_cap=D(3), total_cap=D(75))
HAND_METRICS = {
    "m1": {"u1": D(120), "u2": D(50), "u3": D(75), "u4": D(0)},
    "m2": {"u1": D(100), "u2": D(200), "u3": D(150), "u4": D(20)},
    "m3": {"u1": D(10), "u2": D(5), "u3": D("2.5"), "u4": D(9)},
}
HAND_ADJUSTMENTS = [
    Adjustment("u1", D(2), "招商引资先进单位", "市委督查室"),
    Adjustment("u2", D(-5), "重大项目流失", "市招商局"),
    Adjustment("u3", D(-4), "项目因政策调整终止", "市招商局", exempted=True,
               exemption_reason="政策不明确、无私利，予以容错免责", approver="市长"),
    Adjustment("u3", D(2), "云签约成效突出", "市招商局"),
    Adjustment("u4", D("1.5"), "节会推介", "市招商局"),
    Adjustment("u4", D(2), "返乡创业", "市招商局"),
]


def test_a_scheme_with_weights_and_caps_scores_and_ranks_as_calculated_by_hand():
    scores = {s.unit_code: s for s in score_units(HAND_SCHEME, HAND_METRICS,
                                                  ["u1", "u2", "u3", "u4"], HAND_ADJUSTMENTS)}
    # a: 40 × min(actual/100, 1); b: 30 × actual/200; c: 30 × min(actual/10, 1), capped at 20.
    assert scores["u1"].points == {"a": D(40), "b": D(15), "c": D(20)}
    assert scores["u2"].points == {"a": D(20), "b": D(30), "c": D(15)}
    assert scores["u3"].points == {"a": D(30), "b": D("22.5"), "c": D("7.5")}
    assert scores["u4"].points == {"a": D(0), "b": D(3), "c": D(20)}
    # Adjustments: u2's −5 is held at −3; u3's exempted −4 is not counted; u4's 3.5 → 3.
    assert [scores[u].adjustment_total for u in ("u1", "u2", "u3", "u4")] == [2, -3, 2, 3]
    assert scores["u2"].adjustment_uncapped == -5
    # u1 earns 77 and is held at the total cap of 75; u2 and u3 tie at 62.
    assert [scores[u].total for u in ("u1", "u2", "u3", "u4")] == [75, 62, 62, 26]
    ranked = score_units(HAND_SCHEME, HAND_METRICS, ["u4", "u3", "u2", "u1"], HAND_ADJUSTMENTS)
    assert [(s.unit_code, s.rank) for s in ranked] == [("u1", 1), ("u2", 2), ("u3", 2), ("u4", 4)]


def test_without_any_activity_every_unit_scores_zero_and_shares_first_place():
    metrics = {"m1": {}, "m2": {}, "m3": {}}
    ranked = score_units(HAND_SCHEME, metrics, ["u1", "u2"])
    assert [(s.unit_code, s.total, s.rank) for s in ranked] == [("u1", 0, 1), ("u2", 0, 1)]


# -- runs through the API, with a throwaway plugin -------------------------------------

ARENA = AssessmentScheme(
    code="arena", name="月度擂台赛", period="month", unit_kinds=("district", "county"),
    indicators=(
        Indicator("signed", "签约总额", "signed_amount", points=D(60)),
        Indicator("leads", "报送线索", "leads_reported", points=D(40), target=D(2), cap=D(30)),
    ),
    adjustment_cap=D(3))


class ArenaPlugin:
    """A test city's scheme and its bonus/penalty items (one exempted)."""

    @hookimpl
    def assessment_schemes(self, city):
        return [ARENA]

    @hookimpl
    def assessment_adjustments(self, city, context):
        return [
            Adjustment("east", D(-2), "签约项目未按期开工", "市督查室"),
            Adjustment("west", D(-5), "项目因规划调整流失", "市督查室", exempted=True,
                       exemption_reason="为公共利益、无私利、政策界限不明", approver="分管副市长"),
            Adjustment("west", D(1), "云签约成效突出", "市招商局"),
            Adjustment("park", D(3), "不在考核范围的单位", "市招商局"),
        ]


@pytest.fixture
def city():
    return make_city(extra_plugins=[("test_arena", ArenaPlugin())])


def signed_project(client, serial, unit, amount, on, host=None):
    extra = {"host_unit": host} if host else {}
    project = create_project(client, serial, finding_unit=unit, amount=amount, **extra)
    advance(client, project["id"], "signed", {"signed": on})
    return project


def report_leads(client, unit, count, first_serial, on="2024-03-05"):
    for serial in range(first_serial, first_serial + count):
        response = client.post("/leads", json=lead_body(serial, reporting_unit=unit,
                                                        reported_on=on))
        assert response.status_code == 201, response.json


def run(client, period="2024-03", **kwargs):
    response = client.post("/assessments/runs", json={"scheme": "arena", "period": period},
                           **kwargs)
    assert response.status_code == 201, response.json
    return response.json


def last_month(today):
    """The period just ended on ``today``: the one a city assesses and publishes now."""
    return f"{today.replace(day=1) - dt.timedelta(days=1):%Y-%m}"


def ranking(client, run_id):
    response = client.get(f"/assessments/runs/{run_id}/ranking")
    assert response.status_code == 200, response.json
    return response.json


def test_a_run_scores_units_from_projects_and_leads_by_hand_calculation(client, app):
    signed_project(client, 1, "east", "50000", "2024-03-01")
    signed_project(client, 2, "west", "20000", "2024-03-15")
    signed_project(client, 3, "west", "90000", "2024-04-02")  # next month: not counted
    report_leads(client, "east", 3, 10)
    report_leads(client, "west", 1, 20)
    created = run(client)
    assert (created["status"], created["period_start"], created["period_end"]) == (
        "draft", "2024-03-01", "2024-03-31")
    assert created["rules_year"] == 2024
    assert created["scheme"]["indicators"][1] == {
        "code": "leads", "name": "报送线索", "metric": "leads_reported", "points": "40",
        "target": "2", "cap": "30", "basis": None}
    rows = {row["unit"]: row for row in ranking(client, created["id"])["rows"]}
    assert set(rows) == {"east", "west"}  # the park and the department are not assessed
    # East: best signed amount → 60; 3 leads of a target of 2 → 40, capped at 30; −2 → 88.
    assert rows["east"]["points"] == {"signed": "60.00", "leads": "30.00"}
    assert (rows["east"]["adjustment_total"], rows["east"]["total"]) == ("-2.0000", "88.0000")
    # West: 20000 of 50000 → 24; 1 lead of 2 → 20; +1 counted, −5 exempted → 45.
    assert rows["west"]["points"] == {"signed": "24.00", "leads": "20.00"}
    assert rows["west"]["values"]["signed_amount"] == "20000.0000"
    assert (rows["west"]["adjustment_total"], rows["west"]["total"]) == ("1.0000", "45.0000")
    assert (rows["east"]["rank"], rows["west"]["rank"]) == (1, 2)
    [exempted] = [item for item in rows["west"]["adjustments"] if item["exempted"]]
    assert exempted == {"points": "-5.0000", "reason": "项目因规划调整流失", "source": "市督查室",
                        "exempted": True, "exemption_reason": "为公共利益、无私利、政策界限不明",
                        "approver": "分管副市长", "counted": False}
    [computed] = events_of(app, "zhaoshang.assessment.computed")
    assert computed.data["ranking"] == [{"unit": "east", "rank": 1, "total": "88.0000"},
                                        {"unit": "west", "rank": 2, "total": "45.0000"}]


def test_a_transfer_at_3_to_7_credits_30_and_70_percent_and_the_city_total_stays_whole(client):
    # Found by east, landed in west: the test city's indicator ratio is 3:7.
    signed_project(client, 1, "east", "10000", "2024-03-08", host="west")
    rows = {row["unit"]: row for row in ranking(client, run(client)["id"])["rows"]}
    assert rows["east"]["values"]["signed_amount"] == "3000.0000"
    assert rows["west"]["values"]["signed_amount"] == "7000.0000"
    total = sum(D(row["values"]["signed_amount"]) for row in rows.values())
    assert total == D(10000)
    stats = client.get("/stats?from=2024-03-01&to=2024-03-31").json
    assert D(stats["total"]["signed_amount"]) == total
    assert D(stats["total"]["signed_count"]) == 1


def test_a_published_run_does_not_change_when_projects_change_afterwards(client, app):
    signed_project(client, 1, "east", "50000", "2024-03-01")
    signed_project(client, 2, "west", "20000", "2024-03-15")
    published = client.post(f"/assessments/runs/{run(client)['id']}/publish", json={}).json
    assert published["status"] == "published"
    before = ranking(client, published["id"])
    run_before = client.get(f"/assessments/runs/{published['id']}").json
    # Afterwards west signs a large project in March and east's amount is revised.
    signed_project(client, 3, "west", "200000", "2024-03-20")
    east_project = client.get("/projects?unit=east").json["items"][0]
    assert client.patch(f"/projects/{east_project['id']}", json={"amount": "1000"}).status_code == 200
    assert ranking(client, published["id"]) == before
    assert client.get(f"/assessments/runs/{published['id']}").json == run_before
    rerun = ranking(client, run(client)["id"])
    assert [row["unit"] for row in rerun["rows"]] == ["west", "east"]
    assert [row["unit"] for row in before["rows"]] == ["east", "west"]
    [event] = events_of(app, "zhaoshang.assessment.published")
    assert event.data["run_id"] == published["id"]
    assert event.data["objection_deadline"] == published["objection_deadline"]
    again = client.post(f"/assessments/runs/{published['id']}/publish", json={})
    assert again.status_code == 409
    assert "已于" in again.json["detail"]


def test_the_xlsx_export_opens_and_shows_the_ranking_with_chinese_headings(client):
    signed_project(client, 1, "east", "50000", "2024-03-01")
    signed_project(client, 2, "west", "20000", "2024-03-15")
    created = run(client)
    response = client.get(f"/assessments/runs/{created['id']}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["排名", "单位", "签约总额", "报送线索", "加减分", "总分"]
    assert rows[1][:2] == [1, "东区"]
    assert rows[2][:2] == [2, "西县"]
    assert [D(str(value)) for value in rows[1][2:]] == [60, 0, -2, 58]
    assert [D(str(value)) for value in rows[2][2:]] == [24, 0, 1, 25]
    notes = dict(book["说明"].iter_rows(values_only=True))
    assert notes["规则版本"] == "2024 年"
    assert notes["考核方案"] == "月度擂台赛"


@pytest.mark.hard_days
def test_an_objection_is_taken_within_the_window_and_answered_by_the_office(client, app, today):
    created = run(client, last_month(today))
    draft_objection = client.post(f"/assessments/runs/{created['id']}/objections",
                                  json={"unit": "west", "text": "签约额统计有误"},
                                  as_=("clerk", "west"))
    assert draft_objection.status_code == 409  # nothing published yet
    published = client.post(f"/assessments/runs/{created['id']}/publish", json={}).json
    assert published["published_on"] == today.isoformat()
    assert published["objection_deadline"] > today.isoformat()
    filed = client.post(f"/assessments/runs/{created['id']}/objections",
                        json={"unit": "west", "text": "3月签约项目未计入，请复核"},
                        as_=("clerk", "west"))
    assert filed.status_code == 201, filed.json
    assert (filed.json["status"], filed.json["filed_by"]) == ("open", "clerk-west")
    assert filed.json["filed_on"] == today.isoformat()
    other_unit = client.post(f"/assessments/runs/{created['id']}/objections",
                             json={"unit": "east", "text": "替东区提出异议"}, as_=("clerk", "west"))
    assert other_unit.status_code == 403
    answer_path = f"/assessments/objections/{filed.json['id']}/answer"
    by_clerk = client.post(answer_path, json={"answer": "自己答复"}, as_=("clerk", "west"))
    assert by_clerk.status_code == 403
    answered = client.post(answer_path, json={"answer": "经核实，该项目签约日期为4月，不计入3月"})
    assert answered.status_code == 200
    assert (answered.json["status"], answered.json["answered_by"]) == ("answered", "officer1")
    assert client.post(answer_path, json={"answer": "再次答复"}).status_code == 409
    listed = client.get(f"/assessments/runs/{created['id']}/objections").json
    assert [o["status"] for o in listed] == ["answered"]
    assert [e.data["unit"] for e in events_of(app, "zhaoshang.assessment.objection_filed")] == ["west"]
    assert len(events_of(app, "zhaoshang.assessment.objection_answered")) == 1


@pytest.mark.hard_days
def test_an_objection_after_the_window_is_refused_with_the_reason(client, app, today):
    long_ago = today - dt.timedelta(days=60)
    created = run(client, last_month(long_ago))
    with travel(dt.datetime.combine(long_ago, dt.time(10), CHINA.zone)):  # published back then
        published = client.post(f"/assessments/runs/{created['id']}/publish", json={}).json
    assert published["published_on"] == long_ago.isoformat()
    assert published["objection_deadline"] < today.isoformat()
    before = row_counts(app, *RUN_TABLES)
    late = client.post(f"/assessments/runs/{created['id']}/objections",
                       json={"unit": "west", "text": "逾期提出的异议"}, as_=("clerk", "west"))
    assert late.status_code == 409
    assert late.json["refusals"][0]["rule"] == "objection.window_closed"
    assert published["objection_deadline"] in late.json["detail"]
    assert row_counts(app, *RUN_TABLES) == before


@pytest.mark.parametrize("body, field, code", [
    ({"scheme": "nope", "period": "2024-03"}, "scheme", "scheme.unknown"),
    ({"scheme": "arena", "period": "2024-13"}, "period", "period.format"),
    ({"scheme": "arena", "period": "2024-Q1"}, "period", "period.format"),
    ({"scheme": "arena", "period": "0000-01"}, "period", "period.format"),  # a year no city has
    ({"scheme": "arena", "period": "9999-12"}, "period", "period.format"),
    ({"scheme": "arena"}, "period", "required"),
])
def test_bad_run_input_gets_field_errors_and_writes_nothing(client, app, body, field, code):
    before = row_counts(app, *RUN_TABLES)
    response = client.post("/assessments/runs", json=body)
    assert response.status_code == 400
    [error] = response.json["errors"]
    assert (error["field"], error["code"]) == (field, code)
    assert row_counts(app, *RUN_TABLES) == before


def test_bad_objection_input_gets_field_errors_and_writes_nothing(client, app):
    created = run(client)
    client.post(f"/assessments/runs/{created['id']}/publish", json={})
    before = row_counts(app, *RUN_TABLES)
    path = f"/assessments/runs/{created['id']}/objections"
    missing = client.post(path, json={"unit": "west"})
    assert [(e["field"], e["code"]) for e in missing.json["errors"]] == [("text", "required")]
    unassessed = client.post(path, json={"unit": "park", "text": "园区也要参加考核"})
    assert [(e["field"], e["code"]) for e in unassessed.json["errors"]] == [
        ("unit", "objection.unit_not_assessed")]
    assert row_counts(app, *RUN_TABLES) == before


def test_only_the_office_runs_and_publishes_assessments(client, app):
    before = row_counts(app, *RUN_TABLES)
    response = client.post("/assessments/runs", json={"scheme": "arena", "period": "2024-03"},
                           as_=("clerk", "east"))
    assert response.status_code == 403
    assert row_counts(app, *RUN_TABLES) == before
    created = run(client)
    assert client.post(f"/assessments/runs/{created['id']}/publish", json={},
                       as_=("clerk", "east")).status_code == 403

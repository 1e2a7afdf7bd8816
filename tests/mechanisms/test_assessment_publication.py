"""Rankings that are final when they say so: publication after the period, at the server's time,
one published result per scheme and period (a correction supersedes with a reason), an
objection window in official working days, and items that cannot be computed saying why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core import hookimpl
from core.assessments import score_units
from core.clock import CHINA, travel
from core.policy import AssessmentScheme, Indicator, NotComputable
from tests.mechanisms.test_assessments import ARENA, RUN_TABLES, ArenaPlugin, signed_project
from tests.support.cities import make_city
from tests.support.records import events_of, row_counts

D = Decimal


class GapPlugin(ArenaPlugin):
    """The arena, plus a scheme whose survey score is missing for the west county."""

    @hookimpl
    def assessment_schemes(self, city):
        return [ARENA, AssessmentScheme(
            code="survey", name="营商环境满意度", period="month", unit_kinds=("district", "county"),
            indicators=(Indicator("survey", "满意度测评", "survey_score", points=D(10)),))]

    @hookimpl
    def assessment_metrics(self, city, context):
        if context.scheme.code != "survey":
            return None
        return {"survey_score": {"east": D(8), "west": NotComputable("西县本月未开展满意度测评")}}


@pytest.fixture
def city():
    return make_city(extra_plugins=[("test_gap", GapPlugin())])


def at(day: str, hour: int = 10) -> dt.datetime:
    """``day`` at ``hour`` o'clock in China."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), CHINA.zone)


def new_run(client, period: str, scheme: str = "arena") -> dict:
    response = client.post("/assessments/runs", json={"scheme": scheme, "period": period})
    assert response.status_code == 201, response.json
    return response.json


def publish(client, run_id: int, body: dict | None = None, status: int = 200) -> dict:
    response = client.post(f"/assessments/runs/{run_id}/publish", json=body or {})
    assert response.status_code == status, response.json
    return response.json


def test_a_run_is_not_published_before_its_period_has_ended(client, app, today):
    current = new_run(client, f"{today:%Y-%m}")
    before = row_counts(app, *RUN_TABLES)
    refused = publish(client, current["id"], status=409)
    assert refused["refusals"][0]["rule"] == "assessment.period_not_ended"
    assert current["period_end"] in refused["refusals"][0]["message"]
    assert client.get(f"/assessments/runs/{current['id']}").json["status"] == "draft"
    assert row_counts(app, *RUN_TABLES) == before
    assert events_of(app, "zhaoshang.assessment.published") == []


def test_the_publication_time_is_the_servers_and_a_client_date_is_refused(client, app):
    with travel(at("2026-03-02", 7)):  # 07:30 in China is still 1 March in UTC
        created = new_run(client, "2026-02")
        back_dated = publish(client, created["id"], {"published_on": "2026-01-05"}, status=400)
        [error] = back_dated["errors"]
        assert (error["field"], error["code"]) == ("published_on", "published_on.server_time")
        assert "服务器" in error["message"]
        assert client.get(f"/assessments/runs/{created['id']}").json["status"] == "draft"
        published = publish(client, created["id"])
    assert published["published_on"] == "2026-03-02"
    assert dt.datetime.fromisoformat(published["published_at"]) - at("2026-03-02", 7) < (
        dt.timedelta(minutes=1))
    assert published["published_by"] == "officer1"


def test_the_objection_window_counts_official_working_days_across_a_holiday_and_make_up_days(
        client):
    # Published Friday 26 September 2025: 7 working days are Sunday 28 September (make-up),
    # 29 and 30 September, then after the National Day holiday (1–8 October) 9 and 10 October,
    # Saturday 11 October (make-up) and Monday 13 October.
    with travel(at("2025-09-26")):
        created = new_run(client, "2025-08")
        published = publish(client, created["id"])
    assert published["objection_deadline"] == "2025-10-13"
    path = f"/assessments/runs/{created['id']}/objections"
    with travel(at("2025-10-13", 17)):
        filed = client.post(path, json={"unit": "west", "text": "8月签约项目漏计"},
                            as_=("clerk", "west"))
        assert filed.status_code == 201, filed.json
        other = client.post(path, json={"unit": "east", "text": "替东区提出异议"},
                            as_=("clerk", "west"))
        assert other.status_code == 403
    with travel(at("2025-10-14", 9)):
        late = client.post(path, json={"unit": "east", "text": "逾期提出的异议"},
                           as_=("clerk", "east"))
        assert late.status_code == 409
        assert late.json["refusals"][0]["rule"] == "objection.window_closed"
        assert "2025-10-13" in late.json["detail"]
        answered = client.post(f"/assessments/objections/{filed.json['id']}/answer",
                               json={"answer": "经核实已补计，见更正后的排名"})
        assert answered.status_code == 200
        assert (answered.json["status"], answered.json["answered_by"]) == ("answered",
                                                                            "officer1")
    listed = client.get(path).json
    assert [(o["unit"], o["status"]) for o in listed] == [("west", "answered")]


def test_a_second_publication_supersedes_the_first_only_with_a_reason(client, app):
    signed_project(client, 1, "east", "50000", "2024-03-01")
    with travel(at("2024-04-08")):
        first = new_run(client, "2024-03")
        publish(client, first["id"])
    signed_project(client, 2, "west", "90000", "2024-03-20")  # found late: a correction
    with travel(at("2024-04-15")):
        corrected = new_run(client, "2024-03")
        before = row_counts(app, *RUN_TABLES)
        refused = publish(client, corrected["id"], status=409)
        assert refused["refusals"][0]["rule"] == "assessment.already_published"
        assert f"第 {first['id']} 号" in refused["refusals"][0]["message"]
        assert row_counts(app, *RUN_TABLES) == before
        published = publish(client, corrected["id"], {"reason": "西县3月签约项目漏报，更正排名"})

    old = client.get(f"/assessments/runs/{first['id']}").json
    assert (old["status"], old["superseded_by_run_id"], old["superseded_by"]) == (
        "superseded", corrected["id"], "officer1")
    assert old["supersession_reason"] == "西县3月签约项目漏报，更正排名"
    assert old["published_on"] == "2024-04-08"  # what was published stays as it was
    assert (published["status"], published["supersedes_run_id"]) == ("published", first["id"])
    # A new objection window, from the corrected publication (7 working days from 15 April).
    assert (published["published_on"], published["objection_deadline"]) == (
        "2024-04-15", "2024-04-24")
    # Lists show the current result; the superseded ranking stays readable.
    current = client.get("/assessments/runs?status=published").json["items"]
    assert [r["id"] for r in current] == [corrected["id"]]
    old_ranking = client.get(f"/assessments/runs/{first['id']}/ranking").json
    assert [row["unit"] for row in old_ranking["rows"]][0] == "east"
    assert old_ranking["run"]["status"] == "superseded"
    [superseded] = events_of(app, "zhaoshang.assessment.superseded")
    assert (superseded.data["run_id"], superseded.data["superseded_by_run_id"]) == (
        first["id"], corrected["id"])
    with travel(at("2024-04-16")):
        objection = client.post(f"/assessments/runs/{first['id']}/objections",
                                json={"unit": "east", "text": "对原排名有异议"},
                                as_=("clerk", "east"))
    assert objection.status_code == 409
    assert objection.json["refusals"][0]["rule"] == "objection.superseded"
    # The superseded run is never published again.
    assert publish(client, first["id"], {"reason": "恢复"}, status=409)["refusals"][0]["rule"] == (
        "assessment.superseded")


def test_an_item_that_cannot_be_computed_says_why_and_needs_acknowledgement_to_publish(client,
                                                                                      app):
    created = new_run(client, "2024-03", scheme="survey")
    reason = "西县本月未开展满意度测评"
    assert created["complete"] is False
    assert created["not_computed"] == [{"item": "survey", "name": "满意度测评", "reason": reason,
                                        "units": ["west"]}]
    rows = {row["unit"]: row for row in client.get(
        f"/assessments/runs/{created['id']}/ranking").json["rows"]}
    assert rows["west"]["items"] == [{"code": "survey", "name": "满意度测评", "points": None,
                                      "computable": False, "reason": reason}]
    assert "survey_score" not in rows["west"]["values"]  # no value, not a silent 0
    assert rows["east"]["items"][0]["computable"] is True
    assert (rows["east"]["complete"], rows["west"]["complete"]) == (True, False)
    refused = publish(client, created["id"], status=409)
    assert refused["refusals"][0]["rule"] == "assessment.not_computable"
    assert reason in refused["refusals"][0]["message"]
    published = publish(client, created["id"], {"acknowledge_incomplete": True})
    assert published["status"] == "published"
    [event] = events_of(app, "zhaoshang.assessment.published")
    assert event.data["acknowledged_incomplete"] is True
    assert event.data["not_computed"][0]["reason"] == reason


def test_scoring_leaves_a_not_computable_indicator_out_of_the_best_and_the_points():
    scheme = AssessmentScheme(code="s", name="s", period="month", unit_kinds=("county",),
                              indicators=(Indicator("a", "签约额", "m", points=D(10)),))
    gap = NotComputable("数据缺失")
    scores = {s.unit_code: s for s in score_units(
        scheme, {"m": {"u1": D(5), "u2": D(0)}}, ["u1", "u2"], (), {"m": {"u2": gap}})}
    assert scores["u1"].points == {"a": D(10)}
    assert scores["u2"].points == {}
    assert scores["u2"].not_computed == {"a": {"name": "签约额", "reason": "数据缺失"}}

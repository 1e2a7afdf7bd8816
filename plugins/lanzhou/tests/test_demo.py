"""The demo shows Lanzhou's rules at work (``zhaoshang demo --city lanzhou``): last year's
books as of 2024-11-20; and, loaded on each of the hard days, nothing dated after the day."""

from __future__ import annotations

import datetime as dt

import pytest

from core.api.support import EXTENSION
from core.cli import load_demo
from core.clock import utcnow
from core.testing.cities import ready_app
from core.testing.databases import BACKENDS
from core.testing.demo import dated_after, demo_client_for
from core.testing.http import ApiClient
from plugins.lanzhou.tests.conftest import call

TODAY = dt.date(2024, 11, 20)


@pytest.fixture(scope="module", params=BACKENDS)
def demo_client(request, tmp_path_factory, lanzhou):
    """One demo database per backend for the whole module: loading it is the slow part."""
    yield from demo_client_for(request, tmp_path_factory, lanzhou, TODAY)


def _project(client, name):
    [project] = call(client, "GET", f"/projects?q={name}")["items"]
    return project


def test_a_refused_project_may_not_sign_and_the_refusal_names_the_rule(demo_client):
    coking = _project(demo_client, "西固区焦化扩能项目")
    assert coking["stage"] == "negotiating"
    refused = demo_client.post(f"/projects/{coking['id']}/transitions", json={"target": "signed"})
    assert refused.status_code == 409
    rules = {r["rule"] for r in refused.json["refusals"]}
    assert "evaluation.lanzhou_admission.hard_refusal.high_pollution" in rules


def test_an_exempted_penalty_is_listed_and_not_counted(demo_client):
    penalties = {p["unit"]: p for p in call(demo_client, "GET", "/lanzhou/penalties?year=2023")}
    assert (penalties["xigu"]["exempted"], penalties["yongdeng"]["exempted"]) == (True, False)
    [run] = call(demo_client, "GET", "/assessments/runs?scheme=lanzhou_year")["items"]
    assert run["status"] == "published"
    rows = {r["unit"]: r for r in call(demo_client, "GET",
                                       f"/assessments/runs/{run['id']}/ranking")["rows"]}
    assert rows["xigu"]["adjustments"][0]["counted"] is False
    assert rows["xigu"]["adjustment_total"] == "0.0000"
    assert rows["yongdeng"]["adjustment_total"] == "-2.0000"


def test_a_capped_reward_a_refused_one_and_the_awards(demo_client):
    rewards = call(demo_client, "GET", "/rewards?per_page=200")["items"]
    merit = {(r["recipient_name"], r["eligible"]): r for r in rewards
             if r["rule_code"] == "lanzhou_merit"}
    capped = merit[("上海华信招商咨询有限公司", True)]
    assert (capped["uncapped_amount"], capped["amount"], capped["capped"]) == (
        "60.0000", "40.0000", True)
    # The ledger: approved with its reduction, paid with a voucher.
    assert capped["reductions"] == ["超过本年度上限 40 万元，本次核减 20 万元"]
    assert capped["state"] == "paid" and capped["voucher_ref"].startswith("兰财招奖〔")
    history = call(demo_client, "GET", f"/rewards/{capped['id']}")["changes"]
    assert [c["action"] for c in history] == ["proposed", "approved", "paid"]
    refused = merit[("王建国", False)]
    assert "七里河区商贸物流综合体" in refused["ineligible_reason"]
    assert merit[("王建国", True)]["amount"] == "8.0000"
    advanced = [r for r in rewards if r["rule_code"] == "lanzhou_advanced_unit"]
    assert 1 <= len(advanced) <= 5
    rules = {r["rule_code"] for r in rewards}
    assert {"lanzhou_advanced_unit", "lanzhou_big_investor", "lanzhou_major_project",
            "lanzhou_landing_service", "lanzhou_best_teams", "lanzhou_excellent_cadres"} <= rules


def test_recognition_reserve_depth_and_promotions(demo_client):
    pending = call(demo_client, "GET", "/lanzhou/registrations?status=registered")
    assert [r["project_name"] for r in pending] == ["七里河区商贸物流综合体"]
    depth = call(demo_client, "GET", "/lanzhou/reserve-depth?year=2023")
    assert (depth["count"], depth["target"], depth["met"]) == (14, 100, False)
    promotions = call(demo_client, "GET", "/lanzhou/promotions?year=2023")
    assert promotions["short_months"] == ["2023-02"]


def test_expert_scores_key_leads_five_fixed_and_targets(demo_client):
    centre = _project(demo_client, "榆中生态创新城数据中心")
    [evaluation] = call(demo_client, "GET",
                        f"/projects/{centre['id']}/evaluations?form=lanzhou_admission")
    assert evaluation["level"] == "county"
    detail = call(demo_client, "GET", f"/evaluations/{evaluation['id']}")
    assert {r["kind"] for r in detail["reviewers"]} == {"expert"}
    robotics = _project(demo_client, "安宁区智能制造机器人基地")
    detail = call(demo_client, "GET", f"/projects/{robotics['id']}")
    missing = {item["label"] for item in detail["checklist"]}
    assert {"定责任单位", "定责任人", "定目标", "定时限"} <= missing
    leads = call(demo_client, "GET", "/leads?q=线索&per_page=50")["items"]
    assert {lead["attributes"].get("team") for lead in leads} >= {"新区氢能产业招商专班"}
    assert len(call(demo_client, "GET", "/lanzhou/targets")) == 4


@pytest.mark.hard_days
def test_loaded_on_any_day_the_demo_shows_last_years_books_and_nothing_later(lanzhou, tmp_path,
                                                                            today):
    """Year end, New Year's Day, a leap day …: last year's assessment published (in January, or
    today if that is earlier), its promotions, a registration pending, no record after today."""
    app = ready_app(lanzhou, f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        load_demo(app)
        assert dated_after(app.extensions[EXTENSION].engine, today, utcnow()) == []
        client = ApiClient(app.test_client())
        last_year = today.year - 1
        [run] = call(client, "GET", "/assessments/runs?scheme=lanzhou_year")["items"]
        assert (run["period"], run["status"]) == (str(last_year), "published")
        promotions = call(client, "GET", f"/lanzhou/promotions?year={last_year}")
        assert promotions["short_months"] == [f"{last_year}-02"]
        pending = call(client, "GET", "/lanzhou/registrations?status=registered")
        assert [r["project_name"] for r in pending] == ["七里河区商贸物流综合体"]
        depth = call(client, "GET", f"/lanzhou/reserve-depth?year={today.year}")
        assert depth["count"] == 3
    finally:
        app.extensions[EXTENSION].engine.dispose()

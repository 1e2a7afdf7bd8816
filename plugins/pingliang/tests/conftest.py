"""Pingliang's city from its own deployment file, and the requests a Pingliang clerk makes.

Every API test runs on SQLite and on the real PostgreSQL (``db_url`` of core.testing).
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from core.city import City
from core.clock import travel
from core.credit_code import make_credit_code, organisation_check_character
from core.testing.cities import built_in_city
from core.testing.http import call

__all__ = ["call"]  # the plugin's tests import it from here

_serials = itertools.count(1)
MAIN_LINE = ["reserve", "negotiating", "signed", "started", "completed"]
STAGE_DATES = {"negotiating": "2024-02-01", "signed": "2024-03-01", "started": "2024-04-01",
               "completed": "2024-11-01"}


def pingliang_city(policy: dict[str, Any] | None = None, **plugin_overrides: Any) -> City:
    """Pingliang from ``config.toml``, with ``[policy]`` and ``[plugins.pingliang]`` keys replaced."""
    return built_in_city("pingliang", policy, **plugin_overrides)


@pytest.fixture(scope="module")
def pingliang() -> City:
    return pingliang_city()


@pytest.fixture
def city(pingliang) -> City:
    """The city the core's testing plugin serves as ``app`` and ``client`` (core.testing)."""
    return pingliang


def investor(**overrides: Any) -> dict[str, Any]:
    """An investor from Shaanxi (out of province) with a valid credit code, new on every call;
    another ``origin_province`` gets a code registered there (the code decides the province)."""
    from core.divisions import normalise_province

    serial = next(_serials)
    body = f"PL{serial:06d}"
    area = normalise_province(overrides.get("origin_province") or "陕西省") or "610113"
    area = "610113" if area == "610000" else area
    code = make_credit_code("91" + area + body + organisation_check_character(body))
    return {"name": f"西安平测{serial}号实业有限公司", "credit_code": code,
            "origin_province": "陕西省"} | overrides


def new_project(client: Any, **overrides: Any) -> dict[str, Any]:
    """A 2亿元 red-cattle project found by 崇信县 (not major)."""
    body = {"name": "平凉红牛肉食品加工项目", "enterprise": investor(), "industry": "red_cattle",
            "amount": "20000", "finding_unit": "chongxin", "agreement_amount": "20000",
            "channel": "chain"} | overrides
    return call(client, "POST", "/projects", body, 201)


def list_project(client: Any, project_id: int, **overrides: Any) -> dict[str, Any]:
    """Put a project on the key list (重点招商引资项目清单)."""
    body = {"project_id": project_id, "listed_on": "2024-01-10"} | overrides
    return call(client, "POST", "/pingliang/key-projects", body, 201)


def advance(client: Any, project_id: int, stage: str,
            dates: dict[str, str] | None = None) -> dict[str, Any]:
    """Fill the core's gates and move a project along the main line to ``stage``."""
    body = call(client, "GET", f"/projects/{project_id}")
    for step in MAIN_LINE[MAIN_LINE.index(body["stage"]) + 1: MAIN_LINE.index(stage) + 1]:
        kinds = {"signed": "start", "started": "completion", "completed": "production"}
        if step in kinds and not any(m["kind"] == kinds[step] for m in call(
                client, "GET", f"/projects/{project_id}/milestones")):
            call(client, "PUT", f"/projects/{project_id}/milestones",
                 {"kind": kinds[step], "planned_on": "2026-06-01"})
        body = call(client, "POST", f"/projects/{project_id}/transitions",
                    {"target": step, "occurred_on": (dates or {}).get(step, STAGE_DATES[step])})
    return body


# Before the signing dates the tests use (2024-03-01 …): signing follows the evaluation it
# needs, and the evaluation's decision day is the server's (core.time_order).
EVALUATION_DECIDED = "2024-02-20T10:00:00+08:00"


def pass_evaluation(client: Any, project_id: int, score: str = "80",
                    at: str = EVALUATION_DECIDED) -> dict[str, Any]:
    """A 项目评估 scored ``score`` on every dimension by the commerce bureau, decided at ``at``."""
    forms = {form["code"]: form for form in call(client, "GET", "/evaluation-forms")}
    form = forms["pingliang_project_evaluation"]
    with travel(at):
        evaluation = call(client, "POST", f"/projects/{project_id}/evaluations",
                          {"form": form["code"], "reviewers": [{"unit": "dept_commerce"}]}, 201)
        reviewer = evaluation["reviewers"][0]["id"]
        call(client, "POST", f"/evaluations/{evaluation['id']}/scores", {
            "reviewer_id": reviewer,
            "scores": [{"dimension": d["code"], "score": score} for d in form["dimensions"]]})
        call(client, "POST", f"/evaluations/{evaluation['id']}/steps", {"step": "submitted"})
        decision = "approved" if int(score) >= 60 else "rejected"
        return call(client, "POST", f"/evaluations/{evaluation['id']}/steps",
                    {"step": "decided", "decision": decision})


def own(client: Any, project_id: int) -> None:
    """What a major or list project needs to sign: leader, service team, passed evaluation."""
    call(client, "PATCH", f"/projects/{project_id}", {
        "leader_name": "常务副市长", "attributes": {"service_team": ["市投资促进局项目专员"]}})
    pass_evaluation(client, project_id)

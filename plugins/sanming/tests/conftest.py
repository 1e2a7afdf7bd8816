"""Sanming's city from its own deployment file, and the requests a Sanming clerk makes.

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

_serials = itertools.count(1)

# Seed 三(五)29: the 经济账 every project records before signing; its 法规账 is reviewed item
# by item (``review_legal_account``).
ACCOUNTS = {"economic_account": {"tax": "1200", "jobs": 300}}
LEGAL_ITEMS = ("environment", "safety", "land", "forest")
REVIEWED = "2024-02-20"  # before STAGE_DATES["signed"]
STAGE_DATES = {"negotiating": "2024-02-01", "signed": "2024-03-01", "started": "2024-04-01",
               "completed": "2024-11-01"}
MAIN_LINE = ["reserve", "negotiating", "signed", "started", "completed"]


def sanming_city(policy: dict[str, Any] | None = None, **plugin_overrides: Any) -> City:
    """Sanming from ``config.toml``, with ``[policy]`` and ``[plugins.sanming]`` keys replaced."""
    return built_in_city("sanming", policy, **plugin_overrides)


@pytest.fixture(scope="module")
def sanming() -> City:
    return sanming_city()


@pytest.fixture
def city(sanming) -> City:
    """The city the core's testing plugin serves as ``app`` and ``client`` (core.testing)."""
    return sanming


def investor(**overrides: Any) -> dict[str, Any]:
    """An investor from Shenzhen with a valid credit code, new on every call."""
    serial = next(_serials)
    body = f"MN{serial:06d}"
    code = make_credit_code("91440300" + body + organisation_check_character(body))
    return {"name": f"深圳三测{serial}号科技有限公司", "credit_code": code,
            "origin_province": "广东省"} | overrides


def call(client: Any, method: str, path: str, body: Any = None, status: int = 200,
         as_: tuple[str, str | None] | None = None) -> Any:
    """One request; asserts the status and returns the JSON body."""
    response = client.request(method, path, json=body, as_=as_)
    assert response.status_code == status, response.json
    return response.json


def new_project(client: Any, **overrides: Any) -> dict[str, Any]:
    """A 5亿元 new-materials project found by 永安市 (not key), with both accounts."""
    body = {"name": "石墨烯新材料项目", "enterprise": investor(), "industry": "new_materials",
            "amount": "50000", "finding_unit": "yongan", "agreement_amount": "50000",
            "attributes": dict(ACCOUNTS)} | overrides
    return call(client, "POST", "/projects", body, 201)


def new_lead(client: Any, **overrides: Any) -> dict[str, Any]:
    body = {"title": "氟新材料项目信息", "enterprise": investor(), "industry": "new_materials",
            "intended_amount": "30000", "reporting_unit": "yongan", "channel": "chain",
            "reported_on": "2024-03-04"} | overrides
    return call(client, "POST", "/leads", body, 201)


def advance(client: Any, project_id: int, stage: str,
            dates: dict[str, str] | None = None) -> dict[str, Any]:
    """Fill the core's gates and move a project along the main line to ``stage``.

    A milestone not yet agreed is planned for 2026-06-01 (an agreed one stays: only a re-plan
    moves it); completion is entered with its actual completion date on the same day."""
    body = call(client, "GET", f"/projects/{project_id}")
    for step in MAIN_LINE[MAIN_LINE.index(body["stage"]) + 1: MAIN_LINE.index(stage) + 1]:
        on = (dates or {}).get(step, STAGE_DATES[step])
        review = call(client, "GET", f"/sanming/legal-review?project_id={project_id}")
        if step == "signed" and review["status"] == "incomplete" and not any(
                item["versions"] for item in review["items"]):
            review_legal_account(client, project_id, on=min(REVIEWED, on))
        if step == "signed" and body["agreement_amount"] is None:
            call(client, "PATCH", f"/projects/{project_id}", {"agreement_amount": body["amount"]})
        kinds = {"signed": "start", "started": "completion", "completed": "production"}
        agreed = {m["kind"] for m in call(client, "GET", f"/projects/{project_id}")["milestones"]}
        if step in kinds and kinds[step] not in agreed:
            call(client, "PUT", f"/projects/{project_id}/milestones",
                 {"kind": kinds[step], "planned_on": "2026-06-01"})
        if step == "completed":
            call(client, "PUT", f"/projects/{project_id}/milestones",
                 {"kind": "completion", "actual_on": on})
        body = call(client, "POST", f"/projects/{project_id}/transitions",
                    {"target": step, "occurred_on": on})
    return body


def review_legal_account(client: Any, project_id: int, on: str = REVIEWED,
                         **findings: str) -> None:
    """The office records every item of the 法规账 as passed (``findings`` overrides one item's
    finding, e.g. ``forest="fail"``, with a reason)."""
    for item in LEGAL_ITEMS:
        finding = findings.get(item, "pass")
        call(client, "POST", f"/sanming/projects/{project_id}/legal-review/{item}", {
            "finding": finding, "reviewer": "审查员林某", "reviewed_on": on,
            "reason": None if finding == "pass" else "审查发现问题"}, 201)


# The server's decision time of ``pass_pre_evaluation``: before the signing it allows
# (core.time_order: signing follows its evaluations).
DECIDED = "2024-02-25T10:00:00+08:00"


def pass_pre_evaluation(client: Any, project_id: int) -> dict[str, Any]:
    """A 前期评价 scored 80 on every dimension by the development commission, approved on
    2024-02-25 (before ``STAGE_DATES["signed"]``)."""
    forms = {form["code"]: form for form in call(client, "GET", "/evaluation-forms")}
    form = forms["sanming_pre_evaluation"]
    with travel(DECIDED):
        evaluation = call(client, "POST", f"/projects/{project_id}/evaluations",
                          {"form": form["code"], "reviewers": [{"unit": "dept_development"}]}, 201)
        reviewer = evaluation["reviewers"][0]["id"]
        call(client, "POST", f"/evaluations/{evaluation['id']}/scores", {
            "reviewer_id": reviewer,
            "scores": [{"dimension": d["code"], "score": "80"} for d in form["dimensions"]]})
        call(client, "POST", f"/evaluations/{evaluation['id']}/steps", {"step": "submitted"})
        return call(client, "POST", f"/evaluations/{evaluation['id']}/steps",
                    {"step": "decided", "decision": "approved"})

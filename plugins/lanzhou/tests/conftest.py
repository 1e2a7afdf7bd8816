"""Lanzhou's city from its own deployment file, and the requests a Lanzhou clerk makes.

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

_serials = itertools.count(1)

STAGE_DATES = {"negotiating": "2024-02-01", "signed": "2024-03-01", "started": "2024-04-01",
               "completed": "2024-11-01"}
MAIN_LINE = ["reserve", "negotiating", "signed", "started", "completed"]
# 五定包抓: 定领导 (the core's leader_name) and the four of Lanzhou's attributes.
FIVE_FIXED = {"leader_name": "市政府分管副市长",
              "attributes": {"responsible_unit": "lz_new_area", "responsible_person": "张立新",
                             "target": "2025年6月底前开工", "deadline": "2025-06-30"}}


def lanzhou_city(**plugin_overrides: Any) -> City:
    """Lanzhou from ``config.toml``, with ``[plugins.lanzhou]`` sections replaced."""
    return built_in_city("lanzhou", **plugin_overrides)


@pytest.fixture(scope="module")
def lanzhou() -> City:
    return lanzhou_city()


@pytest.fixture
def city(lanzhou) -> City:
    """The city the core's testing plugin serves as ``app`` and ``client`` (core.testing)."""
    return lanzhou


def investor(**overrides: Any) -> dict[str, Any]:
    """An investor from Shanghai with a valid credit code, new on every call."""
    serial = next(_serials)
    body = f"LH{serial:06d}"
    code = make_credit_code("91310115" + body + organisation_check_character(body))
    return {"name": f"上海兰测{serial}号科技有限公司", "credit_code": code,
            "origin_province": "上海市"} | overrides


def new_project(client: Any, **overrides: Any) -> dict[str, Any]:
    """A 3亿元 advanced-manufacturing project found by 城关区 (below the key line)."""
    body = {"name": "高端数控机床项目", "enterprise": investor(), "industry": "advanced_manufacturing",
            "amount": "30000", "finding_unit": "chengguan", "agreement_amount": "30000"} | overrides
    return call(client, "POST", "/projects", body, 201)


def evaluate(client: Any, form_code: str, path: str, score: int | str = 80,
             refusals: tuple[tuple[str, str], ...] = (), decision: str = "approved",
             reviewers: list[dict[str, Any]] | None = None,
             as_: tuple[str, str | None] | None = None) -> dict[str, Any]:
    """Open an evaluation at ``path``, score every dimension, tick ``refusals``, decide."""
    forms = {form["code"]: form for form in call(client, "GET", "/evaluation-forms")}
    form = forms[form_code]
    evaluation = call(client, "POST", path, {
        "form": form_code, "reviewers": reviewers or [{"unit": "dept_industry"}]}, 201, as_=as_)
    for reviewer in evaluation["reviewers"]:
        call(client, "POST", f"/evaluations/{evaluation['id']}/scores", {
            "reviewer_id": reviewer["id"],
            "scores": [{"dimension": d["code"], "score": str(score)} for d in form["dimensions"]],
            "hard_refusals": [{"code": code, "note": note, "ticked": True}
                              for code, note in refusals]}, as_=as_)
    call(client, "POST", f"/evaluations/{evaluation['id']}/steps", {"step": "submitted"}, as_=as_)
    return call(client, "POST", f"/evaluations/{evaluation['id']}/steps",
                {"step": "decided", "decision": decision}, as_=as_)


# The server's decision time of the evaluations ``admit`` passes: before the signing they allow
# (core.time_order: signing follows its evaluations).
DECIDED = "2024-02-25T10:00:00+08:00"


def admit(client: Any, project: dict[str, Any], score: int = 80) -> None:
    """Pass the admission evaluation of the project and the investor evaluation of its investor,
    both decided on 2024-02-25 (before ``STAGE_DATES["signed"]``)."""
    with travel(DECIDED):
        evaluate(client, "lanzhou_admission", f"/projects/{project['id']}/evaluations", score)
        evaluate(client, "lanzhou_investor",
                 f"/enterprises/{project['enterprise']['id']}/evaluations", score)


def recognise(client: Any, project_id: int, **registration: Any) -> dict[str, Any]:
    """报备 by the office, then 认定."""
    row = call(client, "POST", f"/lanzhou/projects/{project_id}/registration",
               {"registered_on": "2024-02-20"} | registration, 201)
    return call(client, "POST", f"/lanzhou/registrations/{row['id']}/decision",
                {"recognised": True, "decided_on": "2024-03-05"})


def advance(client: Any, project_id: int, stage: str,
            dates: dict[str, str] | None = None) -> dict[str, Any]:
    """Fill the core's gates and move a project along the main line to ``stage``."""
    body = call(client, "GET", f"/projects/{project_id}")
    for step in MAIN_LINE[MAIN_LINE.index(body["stage"]) + 1: MAIN_LINE.index(stage) + 1]:
        kinds = {"signed": "start", "started": "completion", "completed": "production"}
        if step in kinds:
            call(client, "PUT", f"/projects/{project_id}/milestones",
                 {"kind": kinds[step], "planned_on": "2026-06-01"})
        body = call(client, "POST", f"/projects/{project_id}/transitions",
                    {"target": step, "occurred_on": (dates or {}).get(step, STAGE_DATES[step])})
    return body


def signed_project(client: Any, recognised: bool = True, **overrides: Any) -> dict[str, Any]:
    """A project admitted, registered (and recognised unless not) and signed on 2024-03-01."""
    project = new_project(client, **overrides)
    admit(client, project)
    if recognised:
        recognise(client, project["id"])
    else:  # registered, not (yet) recognised
        call(client, "POST", f"/lanzhou/projects/{project['id']}/registration", {}, 201)
    if "key" in project["tiers"]:
        call(client, "PATCH", f"/projects/{project['id']}", FIVE_FIXED)
    return advance(client, project["id"], "signed")

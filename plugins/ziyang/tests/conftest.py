"""Ziyang's city from its own deployment file, and the requests a Ziyang clerk makes.

Every test runs on SQLite and on the real PostgreSQL (``db_url`` of core.testing).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from core.city import City
from core.clock import travel
from core.credit_code import make_credit_code, organisation_check_character
from core.testing.cities import built_in_city
from core.testing.http import call

CONFIG = Path(__file__).resolve().parent.parent / "config.toml"
_serials = itertools.count(1)

# Seed 五: a legal review covering the agreement, its preferential terms and the investor's
# rights and duties, with reviewer, date and conclusion.
LEGAL_REVIEW = {"reviewer": "市司法局 王律师", "reviewed_on": "2024-02-20", "conclusion": "passed",
                "scope": ["agreement", "preferential_terms", "investor_rights_duties"]}
TIMETABLE = {"start": "2024-06-01", "completion": "2025-06-01", "production": "2025-09-01"}


def ziyang_city(policy: dict[str, Any] | None = None, **plugin_overrides: Any) -> City:
    """Ziyang from ``config.toml``, with ``[policy]`` and ``[plugins.ziyang]`` keys replaced."""
    return built_in_city("ziyang", policy, **plugin_overrides)


@pytest.fixture(scope="module")
def ziyang() -> City:
    return ziyang_city()


@pytest.fixture
def city(ziyang) -> City:
    """The city the core's testing plugin serves as ``app`` and ``client`` (core.testing)."""
    return ziyang


def investor(**overrides: Any) -> dict[str, Any]:
    """An investor from Shenzhen (珠三角) with a valid credit code, new on every call."""
    serial = next(_serials)
    body = f"YA{serial:06d}"
    code = make_credit_code("91440300" + body + organisation_check_character(body))
    return {"name": f"深圳资测{serial}号科技有限公司", "credit_code": code,
            "origin_province": "广东省"} | overrides


def new_project(client: Any, **overrides: Any) -> dict[str, Any]:
    """A 5亿元 advanced-manufacturing project found by 雁江区 (not major)."""
    body = {"name": "口腔装备材料产业园项目", "enterprise": investor(),
            "industry": "advanced_manufacturing", "amount": "50000", "finding_unit": "yanjiang",
            "agreement_amount": "50000"} | overrides
    response = client.post("/projects", json=body)
    assert response.status_code == 201, response.json
    return response.json


def new_lead(client: Any, **overrides: Any) -> dict[str, Any]:
    body = {"title": "新能源汽车零部件项目信息", "enterprise": investor(),
            "industry": "advanced_manufacturing", "intended_amount": "30000",
            "reporting_unit": "lezhi", "channel": "resident_office",
            "reported_on": "2024-03-04"} | overrides
    response = client.post("/leads", json=body)
    assert response.status_code == 201, response.json
    return response.json


def pass_evaluation(client: Any, project_id: int, form: str, score: str = "80",
                    approve: bool = True) -> dict[str, Any]:
    """Run a core evaluation of ``form`` to its end: one reviewer, every dimension scored."""
    forms = {f["code"]: f for f in call(client, "GET", "/evaluation-forms")}
    evaluation = call(client, "POST", f"/projects/{project_id}/evaluations",
                      {"form": form, "reviewers": [{"name": "行业专家 李工"}]}, 201)
    reviewer = evaluation["reviewers"][0]["id"]
    call(client, "POST", f"/evaluations/{evaluation['id']}/scores",
         {"reviewer_id": reviewer, "scores": [{"dimension": d["code"], "score": score}
                                              for d in forms[form]["dimensions"]]})
    steps = forms[form]["steps"]
    for step in steps[:-1]:
        # 组长、副组长确定 is the leader's own step (review.py step_rules).
        call(client, "POST", f"/evaluations/{evaluation['id']}/steps",
             {"step": step, "opinion": "同意"},
             as_=("leader", None) if step == "leader_decision" else None)
    return call(client, "POST", f"/evaluations/{evaluation['id']}/steps",
                {"step": steps[-1], "opinion": "同意" if approve else "不同意",
                 "decision": "approved" if approve else "rejected"})


REVIEW_DECIDED = "2024-02-25T10:00:00+08:00"


def ready_to_sign(client: Any, project_id: int, *, review: str | None = "ziyang_county_review",
                  attributes: dict[str, Any] | None = None,
                  timetable: dict[str, str] | None = None) -> None:
    """Take a project into talks and give it what Ziyang needs to sign (each part optional)."""
    call(client, "POST", f"/projects/{project_id}/transitions",
         {"target": "negotiating", "occurred_on": "2024-02-01"})
    for kind, planned_on in (TIMETABLE if timetable is None else timetable).items():
        call(client, "PUT", f"/projects/{project_id}/milestones",
             {"kind": kind, "planned_on": planned_on})
    defaults = {"legal_review": LEGAL_REVIEW, "signatory": "county_government"}
    call(client, "PATCH", f"/projects/{project_id}",
         {"attributes": defaults if attributes is None else attributes})
    if review:
        # Decided before the signing it allows (core.time_order: signing follows its reviews).
        with travel(REVIEW_DECIDED):
            pass_evaluation(client, project_id, review)


def sign(client: Any, project_id: int, on: str = "2024-03-01") -> Any:
    return client.post(f"/projects/{project_id}/transitions",
                       json={"target": "signed", "occurred_on": on})


def table_counts(app: Any, *tables: str) -> dict[str, int]:
    """Row counts (and the outbox's), to show that refused input wrote nothing."""
    with app.extensions["zhaoshang"].engine.connect() as connection:
        return {name: connection.scalar(sa.text(f"select count(*) from {name}"))
                for name in (*tables, "outbox")}

"""Changsha's city, built from its own deployment file, and small request helpers."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from core.city import City
from core.credit_code import make_credit_code, organisation_check_character
from core.testing.cities import built_in_city

_serials = itertools.count(1)


def changsha_city(**plugin_overrides: Any) -> City:
    """Changsha from ``config.toml``, with keys of ``[plugins.changsha]`` replaced."""
    return built_in_city("changsha", **plugin_overrides)


@pytest.fixture(scope="module")
def changsha() -> City:
    return changsha_city()


@pytest.fixture
def city(changsha) -> City:
    """The city the core's testing plugin serves as ``app`` and ``client`` (core.testing)."""
    return changsha


def investor(tags: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
    """An out-of-province investor with a valid credit code, new on every call."""
    serial = next(_serials)
    body = f"CA{serial:06d}"
    code = make_credit_code("91440300" + body + organisation_check_character(body))
    return {"name": f"深圳测试{serial}号科技有限公司", "credit_code": code,
            "origin_province": "广东省", "tags": tags or []} | overrides


def new_project(client: Any, **overrides: Any) -> dict[str, Any]:
    """A project reported by 长沙经开区 in one of its leading industries."""
    body = {"name": "智能装备产业园项目", "enterprise": investor(), "industry": "auto",
            "amount": "50000", "finding_unit": "cs_econ_zone"} | overrides
    response = client.post("/projects", json=body)
    assert response.status_code == 201, response.json
    return response.json


def to_negotiating(client: Any, project_id: int) -> None:
    """Move a project into talks and fill the core's signing gate."""
    for method, path, payload in (
        ("POST", "/transitions", {"target": "negotiating", "occurred_on": "2024-02-01"}),
        ("PATCH", "", {"agreement_amount": "50000"}),
        ("PUT", "/milestones", {"kind": "start", "planned_on": "2024-06-01"}),
    ):
        response = client.request(method, f"/projects/{project_id}{path}", json=payload)
        assert response.status_code == 200, response.json


def sign(client: Any, project_id: int, on: str = "2024-03-01") -> Any:
    return client.post(f"/projects/{project_id}/transitions",
                       json={"target": "signed", "occurred_on": on})


def major_body(**overrides: Any) -> dict[str, Any]:
    """A major project (15亿元) that already names its leader and task force."""
    return {"amount": "150000", "leader_name": "张副市长",
            "attributes": {"task_force": {"name": "项目专班", "members": ["李四"]}}} | overrides

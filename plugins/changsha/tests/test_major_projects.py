"""Rule 1 (major = ≥ 10亿元 or a top-list investor) and rule 6 (leader and task force)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import Enterprise, Project
from core.testing.records import row_counts
from plugins.changsha import majors
from plugins.changsha.tests.conftest import investor, new_project, sign, to_negotiating

TASK_FORCE = {"name": "三一智能产业园项目专班", "members": ["李四", "王五"]}


@pytest.mark.parametrize(("amount", "tags", "major"), [
    ("100000", [], True),  # exactly 10亿元
    ("99999.9999", [], False),
    ("5000", ["世界500强"], True),
    ("5000", ["中国500强"], True),
    ("5000", ["民营500强"], True),
    ("5000", ["行业前20强"], True),
    ("5000", ["上市公司", "央企"], False),
])
def test_a_project_is_major_from_ten_yi_or_with_a_top_list_investor(changsha, amount, tags, major):
    project = Project(amount=Decimal(amount), enterprise=Enterprise(name="投资方", tags=tags))
    assert majors.is_major(changsha, project) is major


def test_major_reasons_say_why_in_chinese(changsha):
    project = Project(amount=Decimal(120000), enterprise=Enterprise(name="x", tags=["世界500强"]))
    assert majors.major_reasons(changsha, project) == [
        "总投资12亿元，达到10亿元", "投资方为世界500强企业"]


def test_a_top_list_investor_makes_a_small_project_major_through_the_api(client):
    project = new_project(client, amount="3000", enterprise=investor(["民营500强"]))
    assert project["tiers"] == ["major"]
    assert new_project(client, amount="3000")["tiers"] == []


def test_a_major_project_is_not_signed_without_its_leader_and_task_force(client):
    project = new_project(client, amount="150000")
    to_negotiating(client, project["id"])
    body = client.get(f"/projects/{project['id']}").json
    assert body["incomplete_fields"] == ["leader_name", "attributes.task_force"]
    assert body["tier_names"] == ["重大招商项目"]
    response = sign(client, project["id"])
    assert response.status_code == 409
    rules = [refusal["rule"] for refusal in response.json["refusals"]]
    assert rules == ["gate.leader_name", "gate.attributes.task_force"]
    assert "包抓领导" in response.json["detail"]
    assert "进入“签约”前须填写：工作专班" in [r["message"] for r in response.json["refusals"]]

    response = client.patch(f"/projects/{project['id']}",
                            json={"leader_name": "张副市长", "attributes": {"task_force": TASK_FORCE}})
    assert response.status_code == 200, response.json
    assert response.json["incomplete_fields"] == []
    assert sign(client, project["id"]).json["stage"] == "signed"


def test_an_ordinary_project_needs_no_task_force(client):
    project = new_project(client, amount="20000")
    to_negotiating(client, project["id"])
    assert sign(client, project["id"]).status_code == 200


MALFORMED_TASK_FORCES = [
    ("李四", "attributes.task_force", "changsha.task_force.shape"),
    ({"name": "", "members": ["李四"]}, "attributes.task_force.name", "changsha.task_force.name"),
    ({"name": "专班", "members": []}, "attributes.task_force.members",
     "changsha.task_force.members"),
    ({"name": "专班", "members": ["李四"], "budget": 5}, "attributes.task_force",
     "changsha.task_force.unknown"),
]


def test_a_malformed_task_force_is_refused_and_writes_nothing(client, app):
    before = row_counts(app, "projects")
    for task_force, field, code in MALFORMED_TASK_FORCES:
        response = client.post("/projects", json={
            "name": "智能装备产业园项目", "enterprise": investor(), "industry": "auto",
            "amount": "150000", "finding_unit": "cs_econ_zone",
            "attributes": {"task_force": task_force}})
        assert response.status_code == 422
        assert [(e["field"], e["code"]) for e in response.json["errors"]] == [(field, code)]
    assert row_counts(app, "projects") == before

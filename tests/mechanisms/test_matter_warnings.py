"""A warning rule about matters is refreshed when a matter is decided or a condition checked."""

from __future__ import annotations

import datetime as dt

import pytest

from core import hookimpl
from core.policy import WarningFinding, WarningRule
from tests.support.cities import make_city
from tests.support.records import create_project


def unmet_conditions(context):
    from core.models import Matter

    return [WarningFinding("matter", matter.id, "red", f"“{matter.title}”有条件未落实",
                           dt.date(2024, 10, 1), "east")
            for matter in context.session.query(Matter).all()
            if any(condition.met is False for condition in matter.conditions)]


class UnmetConditionWarning:
    @hookimpl
    def warning_rules(self, city):
        return [WarningRule("test_unmet_condition", "条件未落实", unmet_conditions)]


@pytest.fixture
def city():
    return make_city(extra_plugins=[("unmet_warning", UnmetConditionWarning())])


def test_checking_a_condition_unmet_raises_the_warning_at_once(client):
    project = create_project(client)
    matter = client.post("/matters", json={"project_id": project["id"], "kind": "land",
                                           "title": "用地指标", "request": "请求协调用地",
                                           "owner_unit": "east"}).json
    client.post(f"/matters/{matter['id']}/proposal", json={"proposal": "同意"})
    decided = client.post(f"/matters/{matter['id']}/decision", json={
        "decision": "approved", "decision_text": "同意", "decided_on": "2024-09-10",
        "conditions": [{"text": "年内开工", "due_on": "2024-12-31"}]}).json
    assert client.get("/warnings?rule=test_unmet_condition").json["total"] == 0
    client.post(f"/matters/{matter['id']}/conditions/{decided['conditions'][0]['id']}/check",
                json={"met": False, "checked_on": "2025-01-05"})
    [warning] = client.get("/warnings?rule=test_unmet_condition").json["items"]
    assert (warning["subject_type"], warning["subject_id"], warning["level"]) == (
        "matter", matter["id"], "red")

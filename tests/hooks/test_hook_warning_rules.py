"""``warning_rules``: a city's own warning rules, and replacing a core rule by its code."""

from __future__ import annotations

import datetime as dt

import pytest

from core import hookimpl
from core.policy import WarningFinding, WarningRule
from core.toolkit import overdue_milestones
from tests.support.cities import make_city
from tests.support.records import add_funds, advance, create_project, events_of

pytestmark = pytest.mark.hard_days


def low_arrival(context):
    """Red: signed over a year ago and under 30% of the amount arrived (Pingliang's default)."""
    return [WarningFinding("project", p.id, "red", "签约满一年资金到位率低于30%",
                           p.signed_on + dt.timedelta(days=365))
            for p in context.projects(["signed", "started"])
            if p.signed_on and (context.today - p.signed_on).days > 365
            and p.arrived_amount < p.amount * 3 / 10]


def graded_milestones(context):
    """Yellow up to 60 days overdue, red beyond, instead of the core's plain 'overdue'."""
    findings = []
    for project in context.projects():
        late = overdue_milestones(project, context.today)
        if late:
            days = (context.today - late[0].planned_on).days
            findings.append(WarningFinding("project", project.id, "red" if days > 60 else "yellow",
                                           f"节点超期{'60天以上' if days > 60 else '60天以内'}",
                                           late[0].planned_on))
    return findings


class LowArrival:
    @hookimpl
    def warning_rules(self, city):
        return [WarningRule("low_arrival", "资金到位率过低", low_arrival)]


class GradedMilestones:
    @hookimpl
    def warning_rules(self, city):
        return [WarningRule("milestone_overdue", "节点超期（红黄）", graded_milestones)]


def project_warnings(client, project_id, state="open"):
    return client.get(f"/warnings?subject_id={project_id}&subject_type=project&state={state}"
                      ).json["items"]


def milestone_warnings(client, project_id):
    return [w for w in project_warnings(client, project_id) if w["rule_code"] == "milestone_overdue"]


def test_hook_warning_rules_raises_the_citys_rule_and_clears_it(client_for, today):
    client = client_for(make_city(extra_plugins=[("arrival", LowArrival())]))
    project = create_project(client, amount="10000")
    signed = today - dt.timedelta(days=400)  # over a year ago
    started = (signed + dt.timedelta(days=31)).isoformat()
    advance(client, project["id"], "started", {
        "negotiating": (signed - dt.timedelta(days=30)).isoformat(), "signed": signed.isoformat(),
        "started": started})
    client.put(f"/projects/{project['id']}/milestones",
               json={"kind": "start", "planned_on": started, "actual_on": started})
    add_funds(client, project["id"], "1000", (signed + dt.timedelta(days=61)).isoformat())
    [warning] = [w for w in project_warnings(client, project["id"])
                 if w["rule_code"] == "low_arrival"]
    assert (warning["level"], warning["level_label"], warning["rule_name"]) == (
        "red", "红色预警", "资金到位率过低")
    assert warning["since"] == (signed + dt.timedelta(days=365)).isoformat()
    add_funds(client, project["id"], "2500", (signed + dt.timedelta(days=92)).isoformat())
    assert [w for w in project_warnings(client, project["id"])
            if w["rule_code"] == "low_arrival"] == []


def test_hook_warning_rules_replaces_a_core_rule_of_the_same_code(client_for, today):
    client = client_for(make_city(extra_plugins=[("graded", GradedMilestones())]))
    project = create_project(client)
    advance(client, project["id"], "signed", {
        "negotiating": (today - dt.timedelta(days=150)).isoformat(),
        "signed": (today - dt.timedelta(days=120)).isoformat()})
    client.put(f"/projects/{project['id']}/milestones", json={
        "kind": "start", "actual_on": (today - dt.timedelta(days=120)).isoformat()})
    recent = today - dt.timedelta(days=10)
    client.put(f"/projects/{project['id']}/milestones",
               json={"kind": "completion", "planned_on": recent.isoformat()})
    [warning] = milestone_warnings(client, project["id"])  # the core's own rule is not run
    assert (warning["rule_code"], warning["rule_name"], warning["level"]) == (
        "milestone_overdue", "节点超期（红黄）", "yellow")
    # The agreed date moves only by an approved re-plan (here, to an earlier date).
    long_ago = today - dt.timedelta(days=90)
    replan = client.post(f"/projects/{project['id']}/milestones/completion/replans",
                         json={"planned_on": long_ago.isoformat(), "reason": "按合同更正"}).json
    client.post(f"/projects/{project['id']}/milestone-replans/{replan['id']}/decision",
                json={"decision": "approved"})
    [graver] = milestone_warnings(client, project["id"])
    assert (graver["id"], graver["level"]) == (warning["id"], "red")
    flask_app = client.flask.application
    changed = events_of(flask_app, "zhaoshang.warning.changed")[-1]
    assert (changed.data["warning_id"], changed.data["previous_level"], changed.data["level"]) == (
        warning["id"], "yellow", "red")

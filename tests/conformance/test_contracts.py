"""The kit's contract checks catch what a careless plugin returns, and pass a careful one."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from core import hookimpl
from core.conformance import contracts
from core.models import Lead, Project, Unit
from core.policy import (
    Dimension,
    EvaluationForm,
    FieldProblem,
    Refusal,
    Report,
    TransferSharing,
)
from tests.support.cities import make_city


class Careless:
    """Every hook answered with something the core cannot use."""

    @hookimpl
    def field_labels(self, city):
        return {"attributes.energy_review": "energy review"}  # not Chinese

    @hookimpl
    def evaluation_forms(self, city):
        return [EvaluationForm("admission", "准入评估", (Dimension("land", "土地", Decimal(0)),),
                               required_before="approved")]  # no such stage, zero weight

    @hookimpl
    def reports(self, city):
        return [Report("list", "清单", (("name", "name"),), lambda context, params: [])]

    @hookimpl
    def validate_lead(self, city, data):
        return [FieldProblem("title", "lead.bad", "bad title")]  # a clerk cannot read it

    @hookimpl
    def transition_guard(self, city, project, target):
        return Refusal("no", "不行")  # not a list

    @hookimpl
    def transfer_sharing(self, city):
        return TransferSharing(Decimal("1.5"), Decimal("0.1"), "signing", "never")

    @hookimpl
    def matter_decision_level(self, city, matter):
        return "mayor"

    @hookimpl
    def stage_required_fields(self, city, stage):
        return ["milestones.groundbreaking"] if stage == "signed" else None

    @hookimpl
    def route_lead(self, city, lead):
        return "office"  # a code, not the unit


class Careful:
    """The same hooks, answered as the contracts say."""

    @hookimpl
    def field_labels(self, city):
        return {"attributes.energy_review": "节能审查意见"}

    @hookimpl
    def transfer_sharing(self, city):
        return TransferSharing(Decimal("0.4"), Decimal("0.4"), "start", "first_tax")

    @hookimpl
    def stage_required_fields(self, city, stage):
        return ["attributes.energy_review", "milestones.start"] if stage == "signed" else None


def records(client):
    lead = client.post("/leads", json={
        "title": "合同检查线索", "enterprise": {"name": "深圳合同检查科技有限公司"},
        "industry": "manufacturing", "intended_amount": "20000", "reporting_unit": "east"}).json
    project = client.post("/projects", json={
        "name": "合同检查项目", "enterprise": {"name": "深圳合同检查科技有限公司"},
        "industry": "manufacturing", "amount": "20000", "finding_unit": "east"}).json
    return lead["id"], project["id"]


def problems_of(plugin, client_for) -> list[str]:
    city = make_city(extra_plugins=[("careless", plugin)])
    client = client_for(make_city())  # records written by a city without the plugin
    lead_id, project_id = records(client)
    runtime = client.flask.application.extensions["zhaoshang"]
    with runtime.sessions() as session:
        found = contracts.city_only_problems(city) + contracts.record_problems(
            city, session, session.get(Lead, lead_id), session.get(Project, project_id),
            session.scalar(sa.select(Unit).where(Unit.code == "west")))
        session.rollback()
    return found


def test_a_careless_plugin_gets_one_problem_per_broken_promise(client_for):
    found = "\n".join(problems_of(Careless(), client_for))
    for expected in ("field_labels (careless): label of 'attributes.energy_review' is not Chinese",
                     "required_before 'approved' is not a stage",
                     "dimension 'land' weight Decimal('0') is not a positive Decimal",
                     "column ('name', 'name') is not (key, Chinese heading)",
                     "field problem lead.bad: the message is not Chinese",
                     "transition_guard (careless): returns Refusal, not a list of Refusal",
                     "indicator_share_from Decimal('1.5') is not a Decimal between 0 and 1",
                     "tax_sharing_from 'never' is not one of",
                     "matter_decision_level (careless): returns 'mayor'",
                     "milestone path 'milestones.groundbreaking'",
                     "route_lead (careless): returns str, not a Unit"):
        assert expected in found


def test_a_careful_plugin_keeps_every_contract(client_for):
    assert problems_of(Careful(), client_for) == []

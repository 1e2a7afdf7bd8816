"""``BaseSchema._serialize`` (a dump plan built once per schema instance) answers exactly what
marshmallow's own dump does, for records and for mappings (``docs/mechanisms.md``)."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from marshmallow import Schema, fields

from core.api.projects import PROJECT_LOADS
from core.api.support import EXTENSION, dumper
from core.models import Lead, Project
from core.schemas.base import BaseSchema, Money
from core.schemas.leads import LeadSchema
from core.schemas.projects import ProjectSchema
from tests.api.test_request_cost import add_leads, add_projects


class Figures(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    amount = Money()
    note = fields.String(dump_default=None)


def marshmallows_own(schema: Schema, rows: list) -> list:
    return [Schema._serialize(schema, row) for row in rows]


def test_the_plan_dumps_what_marshmallow_dumps(app, client):
    add_projects(app, 6)
    add_leads(app, 4)
    with app.test_request_context(), app.extensions[EXTENSION].sessions() as session:
        projects = session.scalars(sa.select(Project).options(*PROJECT_LOADS)).unique().all()
        leads = session.scalars(sa.select(Lead)).all()
        for schema, rows in ((ProjectSchema, projects), (LeadSchema, leads)):
            planned = dumper(schema, many=True).dump(rows)
            assert planned == marshmallows_own(dumper(schema), rows)
            assert list(planned[0]) == list(marshmallows_own(dumper(schema), rows)[0])  # order
        # Nested records (the investor, the milestones) go through the plan as well.
        body = dumper(ProjectSchema).dump(projects[0])
        assert body["enterprise"]["name"] == projects[0].enterprise.name
        assert [m["kind"] for m in body["milestones"]] == ["start", "completion"]
        # A mapping takes marshmallow's own path, with the same answer.
        as_mapping = {"id": 7, "name": "映射项目", "amount": Decimal(5)}
        assert dumper(Figures).dump(as_mapping) == {"id": 7, "name": "映射项目",
                                                    "amount": "5.0000", "note": None}


def test_the_plan_is_built_once_per_schema_instance(app):
    add_projects(app, 2)
    with app.test_request_context(), app.extensions[EXTENSION].sessions() as session:
        rows = session.scalars(sa.select(Project).options(*PROJECT_LOADS)).unique().all()
        schema = dumper(ProjectSchema, many=True)
        schema.dump(rows)
        plan = schema.__dict__["_dump_plan"]
        schema.dump(rows)
        assert schema.__dict__["_dump_plan"] is plan

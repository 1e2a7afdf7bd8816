"""Report listings and rows."""

from __future__ import annotations

from marshmallow import fields

from core.schemas.base import BaseSchema


class ReportColumnSchema(BaseSchema):
    key = fields.String()
    heading = fields.String()


class ReportInfoSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    columns = fields.List(fields.Nested(ReportColumnSchema))


class ReportRowsSchema(ReportInfoSchema):
    params = fields.Dict()
    rows = fields.List(fields.Dict())

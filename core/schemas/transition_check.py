"""The transition dry-run's query and answer (``GET /projects/<id>/transitions/check``)."""

from __future__ import annotations

from marshmallow import fields, validate

from core.api.support import city_today
from core.lifecycle import Stage
from core.schemas.base import BaseSchema


class TransitionCheckQuery(BaseSchema):
    to = fields.String(load_default=None, validate=validate.OneOf([s.value for s in Stage]),
                       metadata={"description": "目标阶段；不填则检查当前可转入的每个阶段"})
    on = fields.Date(load_default=city_today, metadata={"description": "拟流转日期，默认今日"})


class RemedySchema(BaseSchema):
    kind = fields.String(metadata={"description": "form（本市表单）、field（项目字段）、"
                                                  "evaluation（评估）、date（流转日期）"})
    title = fields.String()
    page = fields.String()
    form = fields.String()
    field = fields.String()
    path = fields.String(allow_none=True, metadata={"description": "登记它的本市 API 路径"})


class CheckRefusalSchema(BaseSchema):
    rule = fields.String()
    message = fields.String()
    field = fields.String(allow_none=True)
    remedy = fields.Nested(RemedySchema, allow_none=True)


class TargetCheckSchema(BaseSchema):
    target = fields.String()
    label = fields.String()
    allowed = fields.Boolean()
    refusals = fields.List(fields.Nested(CheckRefusalSchema))


class TransitionCheckSchema(BaseSchema):
    project_id = fields.Integer()
    stage = fields.String()
    occurred_on = fields.Date()
    targets = fields.List(fields.Nested(TargetCheckSchema))

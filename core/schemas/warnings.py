"""Warning queries and answers."""

from __future__ import annotations

from marshmallow import fields, validate

from core.models.warnings import WARNING_LEVEL_LABELS, WARNING_SUBJECT_LABELS, WarningLevel
from core.schemas.base import BaseSchema, Page, SortKey


class WarningQuery(Page):
    sort = SortKey("level", "subject_type", "subject_id", "since", "raised_at")
    level = fields.String(validate=validate.OneOf([level.value for level in WarningLevel]))
    subject_type = fields.String(validate=validate.OneOf(list(WARNING_SUBJECT_LABELS)))
    subject_id = fields.Integer()
    unit = fields.String(metadata={"description": "责任单位编码"})
    rule = fields.String(metadata={"description": "预警规则编码"})
    state = fields.String(load_default="open", validate=validate.OneOf(["open", "cleared", "all"]),
                          metadata={"description": "open 未解除（默认）、cleared 已解除、all 全部"})


class WarningSchema(BaseSchema):
    id = fields.Integer()
    subject_type = fields.String()
    subject_label = fields.Function(lambda w: WARNING_SUBJECT_LABELS.get(w.subject_type))
    subject_id = fields.Integer()
    unit = fields.String(attribute="unit_code", allow_none=True)
    rule_code = fields.String()
    rule_name = fields.String()
    level = fields.String()
    level_label = fields.Function(lambda w: WARNING_LEVEL_LABELS[WarningLevel(w.level)])
    reason = fields.String()
    since = fields.Date()
    raised_at = fields.DateTime()
    cleared_at = fields.DateTime(allow_none=True)
    is_open = fields.Boolean()


class WarningRecompute(BaseSchema):
    today = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "按此日期试算（只返回将产生、变更、解除的预警，不保存）；不填则按今天计算并保存"})


class WarningChange(BaseSchema):
    action = fields.String(metadata={"description": "raised 产生、changed 变更、cleared 解除"})
    subject_type = fields.String()
    subject_id = fields.Integer()
    rule_code = fields.String()
    level = fields.String()
    reason = fields.String()
    since = fields.Date()


class WarningSummarySchema(BaseSchema):
    today = fields.Date()
    dry_run = fields.Boolean(metadata={"description": "是否为试算（未保存任何预警）"})
    raised = fields.Integer()
    changed = fields.Integer()
    cleared = fields.Integer()
    open = fields.Integer()
    details = fields.List(fields.Nested(WarningChange))

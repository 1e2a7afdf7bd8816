"""Matter input, actions and output."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from core.api.support import city_today
from core.models.matters import (
    DECISION_LEVELS,
    MATTER_STATUS_LABELS,
    MatterStatus,
)
from core.problems import CodedMessage
from core.schemas.base import BaseSchema, Money, Name, Page, SortKey
from core.vocabularies import InVocabulary, label_of


class DueInput(BaseSchema):
    """A deadline: a date, or a number of working days on the city's official calendar."""

    due_on = fields.Date(load_default=None, allow_none=True)
    due_workdays = fields.Integer(load_default=None, allow_none=True,
                                  validate=validate.Range(min=1, max=250),
                                  metadata={"description": "自派单/决定之日起的工作日天数"})

    @validates_schema
    def _one_deadline(self, data: dict, **_: Any) -> None:
        if data.get("due_on") is not None and data.get("due_workdays") is not None:
            raise ValidationError(CodedMessage("due.twice", "截止日期与工作日天数只能填写其一"),
                                  "due_workdays")


class MatterCreate(BaseSchema):
    project_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=InVocabulary("matter_kinds"))
    title = Name(required=True, validate=validate.Length(min=2, max=200))
    request = fields.String(required=True, validate=validate.Length(min=2, max=10000),
                            metadata={"description": "诉求内容"})
    requested_amount = Money(load_default=None, allow_none=True,
                             metadata={"description": "申请支持金额，单位万元"})
    requested_on = fields.Date(load_default=city_today)
    owner_unit = fields.String(load_default=None, allow_none=True,
                               metadata={"description": "首问负责单位编码，默认为提出人所在单位"})


class MatterQuery(Page):
    sort = SortKey("title", "kind", "project_id", "requested_amount", "status", "decision_level",
                   "requested_on", "decided_on")
    project_id = fields.Integer()
    status = fields.String(validate=validate.OneOf([s.value for s in MatterStatus]))
    kind = fields.String(validate=InVocabulary("matter_kinds"))
    level = fields.String(validate=validate.OneOf(list(DECISION_LEVELS)))
    awaiting_decision = fields.Boolean()
    awaiting = fields.String(validate=validate.OneOf(list(DECISION_LEVELS)), metadata={
        "description": "待该层级现在即可决定的事项（已拟定办理意见）：office 招商主管部门, "
                       "leader 市领导, executive_meeting 市政府常务会议"})
    owner_unit = fields.String()


class ProposalInput(BaseSchema):
    proposal = fields.String(required=True, validate=validate.Length(min=2, max=10000),
                             metadata={"description": "拟办意见"})
    support_amount = Money(load_default=None, allow_none=True,
                           metadata={"description": "拟支持金额，单位万元"})


class WorkOrderCreate(DueInput):
    unit = fields.String(required=True, metadata={"description": "承办单位编码"})
    task = fields.String(required=True, validate=validate.Length(min=2, max=5000))
    issued_on = fields.Date(load_default=city_today)

    @validates_schema
    def _some_deadline(self, data: dict, **_: Any) -> None:
        if data.get("due_on") is None and data.get("due_workdays") is None:
            raise ValidationError(CodedMessage("due.missing", "请填写截止日期或工作日天数"),
                                  "due_on")


class WorkOrderDone(BaseSchema):
    done_on = fields.Date(load_default=city_today)
    note = fields.String(load_default=None, allow_none=True)


class ConditionInput(DueInput):
    text = fields.String(required=True, validate=validate.Length(min=2, max=2000))


class DecisionInput(BaseSchema):
    decision = fields.String(required=True, validate=validate.OneOf(["approved", "rejected"]))
    decision_text = fields.String(required=True, validate=validate.Length(min=2, max=10000))
    decided_on = fields.Date(load_default=city_today)
    meeting_ref = fields.String(load_default=None, allow_none=True,
                                validate=validate.Length(min=2, max=200),
                                metadata={"description": "会议纪要编号（常务会议决定时必填）"})
    conditions = fields.List(fields.Nested(ConditionInput), load_default=list)


class ConditionCheck(BaseSchema):
    met = fields.Boolean(required=True)
    checked_on = fields.Date(load_default=city_today)
    note = fields.String(load_default=None, allow_none=True)


class WorkOrderSchema(BaseSchema):
    id = fields.Integer()
    version = fields.Integer(dump_only=True)  # the ETag's version (core.api.versions)
    unit = fields.Function(lambda w: w.unit_code)
    task = fields.String()
    issued_on = fields.Date()
    due_on = fields.Date()
    due_estimated = fields.Boolean(metadata={"description": "截止日所在年份尚无官方放假安排"})
    issued_by = fields.String()
    done_on = fields.Date(allow_none=True)
    done_by = fields.String(allow_none=True)
    done_note = fields.String(allow_none=True)
    overdue = fields.Function(lambda w: w.overdue_on(city_today()))


class ConditionSchema(BaseSchema):
    id = fields.Integer()
    version = fields.Integer(dump_only=True)  # the ETag's version (core.api.versions)
    text = fields.String()
    due_on = fields.Date(allow_none=True)
    met = fields.Boolean(allow_none=True)
    checked_on = fields.Date(allow_none=True)
    checked_by = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    overdue = fields.Function(lambda c: c.met is None and c.due_on is not None
                              and c.due_on < city_today())


class MatterSchema(BaseSchema):
    id = fields.Integer()
    project_id = fields.Integer()
    kind = fields.String()
    kind_label = fields.Function(lambda m: label_of("matter_kinds", m.kind))
    title = fields.String()
    request = fields.String()
    requested_amount = Money(allow_none=True)
    requested_on = fields.Date()
    owner_unit = fields.Function(lambda m: m.owner_unit_code)
    status = fields.String()
    status_label = fields.Function(lambda m: MATTER_STATUS_LABELS[MatterStatus(m.status)])
    decision_level = fields.String()
    decision_level_label = fields.Function(lambda m: DECISION_LEVELS[m.decision_level])
    proposal = fields.String(allow_none=True)
    support_amount = Money(allow_none=True)
    proposed_by = fields.String(allow_none=True)
    proposed_at = fields.DateTime(allow_none=True)
    decision = fields.String(allow_none=True)
    decision_text = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    meeting_ref = fields.String(allow_none=True)
    conditions_met = fields.Boolean(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    work_orders = fields.List(fields.Nested(WorkOrderSchema))
    conditions = fields.List(fields.Nested(ConditionSchema))
    version = fields.Integer()

"""Project input, actions and output."""

from __future__ import annotations

from marshmallow import fields, validate

from core.api.support import city_today
from core.lifecycle import STAGE_LABELS, STATUS_LABELS, Stage
from core.schemas.base import BaseSchema, Money, Page
from core.schemas.leads import LEAD_CHANNELS
from core.schemas.organisation import EnterpriseInput, EnterpriseSchema

MILESTONE_KINDS = {"start": "开工", "completion": "竣工", "production": "投产"}


class ProjectCreate(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    enterprise = fields.Nested(EnterpriseInput, required=True)
    industry = fields.String(load_default=None, allow_none=True)
    amount = Money(required=True)
    finding_unit = fields.String(required=True, metadata={"description": "招商单位（首谈地）编码"})
    host_unit = fields.String(load_default=None, allow_none=True,
                              metadata={"description": "落户单位编码，默认同招商单位"})
    intermediary_id = fields.Integer(load_default=None, allow_none=True)
    channel = fields.String(load_default="other", validate=validate.OneOf(list(LEAD_CHANNELS)))
    agreement_amount = Money(load_default=None, allow_none=True)
    leader_name = fields.String(load_default=None, allow_none=True)
    description = fields.String(load_default=None, allow_none=True)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)


class ProjectUpdate(BaseSchema):
    name = fields.String(validate=validate.Length(min=2, max=200))
    industry = fields.String(allow_none=True)
    amount = Money()
    agreement_amount = Money(allow_none=True)
    leader_name = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(list(STATUS_LABELS)))
    progress_note = fields.String(allow_none=True)
    progress_on = fields.Date(metadata={"description": "进展日期（填写进展时）"})
    attributes = fields.Dict(keys=fields.String(),
                             metadata={"description": "本市字段，按键合并；值为 null 表示删除"})


class TransitionCreate(BaseSchema):
    target = fields.String(required=True, validate=validate.OneOf([s.value for s in Stage]))
    occurred_on = fields.Date(load_default=city_today)
    reason = fields.String(load_default=None, allow_none=True)


class TransitionSchema(BaseSchema):
    id = fields.Integer()
    from_stage = fields.String()
    to_stage = fields.String()
    occurred_on = fields.Date()
    actor = fields.String()
    reason = fields.String(allow_none=True)
    recorded_at = fields.DateTime()


class FundCreate(BaseSchema):
    arrived_on = fields.Date(required=True)
    amount = Money(required=True, validate=validate.Range(min=0, min_inclusive=False))
    evidence_ref = fields.String(required=True, validate=validate.Length(min=2, max=200),
                                 metadata={"description": "凭证编号（银行回单等）"})


class FundVerify(BaseSchema):
    verification = fields.String(required=True, validate=validate.OneOf(["verified", "rejected"]))


class FundSchema(BaseSchema):
    id = fields.Integer()
    arrived_on = fields.Date()
    amount = Money()
    evidence_ref = fields.String()
    verification = fields.String()
    verified_by = fields.String(allow_none=True)
    verified_at = fields.DateTime(allow_none=True)
    reported_by = fields.String(allow_none=True)


class MilestoneInput(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(list(MILESTONE_KINDS)))
    planned_on = fields.Date(required=True)
    actual_on = fields.Date(load_default=None, allow_none=True)


class ChecklistItem(BaseSchema):
    """A field the next stage still needs, with its Chinese name for the checklist."""

    field = fields.String(metadata={"description": "字段路径，如 attributes.energy_review"})
    label = fields.String(metadata={"description": "字段中文名称"})


class MilestoneSchema(MilestoneInput):
    id = fields.Integer()


class TransferCreate(BaseSchema):
    to_unit = fields.String(required=True, metadata={"description": "落户单位编码"})
    agreed_on = fields.Date(load_default=city_today)
    reason = fields.String(load_default=None, allow_none=True)
    indicator_ratio = fields.String(load_default=None, allow_none=True,
                                    metadata={"description": "协商比例 招商方:落户方，如 4:6"})
    tax_ratio = fields.String(load_default=None, allow_none=True)


class TransferSchema(BaseSchema):
    id = fields.Integer()
    from_unit = fields.Function(lambda t: t.from_unit_code)
    to_unit = fields.Function(lambda t: t.to_unit_code)
    indicator_share_from = fields.Decimal(as_string=True)
    tax_share_from = fields.Decimal(as_string=True)
    indicator_sharing_from = fields.String()
    tax_sharing_from = fields.String()
    agreed_on = fields.Date()
    reason = fields.String(allow_none=True)
    actor = fields.String()


class ChangeSchema(BaseSchema):
    id = fields.Integer()
    actor = fields.String()
    action = fields.String()
    changes = fields.Dict()
    recorded_at = fields.DateTime()


class ProjectSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String(metadata={"title": "项目名称"})
    enterprise = fields.Nested(EnterpriseSchema)
    industry = fields.String(allow_none=True)
    amount = Money(metadata={"title": "总投资（万元）"})
    stage = fields.String()
    stage_label = fields.Function(lambda p: STAGE_LABELS.get(Stage(p.stage)))
    status = fields.String()
    tiers = fields.List(fields.String())
    finding_unit = fields.Function(lambda p: p.finding_unit_code)
    host_unit = fields.Function(lambda p: p.host_unit_code)
    intermediary_id = fields.Integer(allow_none=True)
    lead_id = fields.Integer(allow_none=True)
    channel = fields.String()
    out_of_province = fields.Boolean()
    signed_on = fields.Date(allow_none=True)
    started_on = fields.Date(allow_none=True)
    completed_on = fields.Date(allow_none=True)
    lost_on = fields.Date(allow_none=True)
    cleared_on = fields.Date(allow_none=True)
    agreement_amount = Money(allow_none=True)
    arrived_amount = Money()
    leader_name = fields.String(allow_none=True)
    last_progress_on = fields.Date(allow_none=True)
    progress_note = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    attributes = fields.Dict()
    milestones = fields.List(fields.Nested(MilestoneSchema), metadata={"export": False})
    # Filled in by the view from the city's gates (they need the city, not just the row).
    next_stage = fields.String(allow_none=True, dump_only=True)
    incomplete_fields = fields.List(fields.String(), dump_only=True)
    tier_names = fields.List(fields.String(), dump_only=True, metadata={
        "description": "项目类别的中文名称（与 tiers 一一对应）"})
    checklist = fields.List(fields.Nested(ChecklistItem), dump_only=True, metadata={
        "description": "下一阶段尚缺的字段及其中文名称"})
    version = fields.Integer()


class ProjectQuery(Page):
    stage = fields.String(validate=validate.OneOf([s.value for s in Stage]))
    unit = fields.String(metadata={"description": "招商或落户单位编码"})
    industry = fields.String()
    tier = fields.String()
    out_of_province = fields.Boolean()
    leader = fields.String(validate=validate.Length(min=1, max=100),
                           metadata={"description": "包抓领导姓名：该领导包抓的项目"})
    q = fields.String()

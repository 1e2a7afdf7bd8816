"""Project input, actions and output."""

from __future__ import annotations

from marshmallow import fields, validate

from core.api.support import city_today
from core.lifecycle import STAGE_LABELS, STATUS_LABELS, Stage
from core.models.projects import REPLAN_STATUS_LABELS
from core.schemas.base import BaseSchema, CreditCode, Money, Name, Page, SearchText, SortKey
from core.schemas.organisation import EnterpriseInput, EnterpriseSchema
from core.vocabularies import InVocabulary, label_of

MILESTONE_KINDS = {"start": "开工", "completion": "竣工", "production": "投产"}
OUT_OF_PROVINCE_LABELS = {True: "省外", False: "省内", None: "未知"}


class OutOfProvinceFilter(fields.Boolean):
    """``true``/``false`` as a boolean, or ``unknown`` (未知): the investor's province is not
    known."""

    def _deserialize(self, value, attr, data, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(value, str) and value.strip().lower() in ("unknown", "未知"):
            return "unknown"
        return super()._deserialize(value, attr, data, **kwargs)


class ProjectCreate(BaseSchema):
    name = Name(required=True, validate=validate.Length(min=2, max=200))
    enterprise = fields.Nested(EnterpriseInput, required=True)
    industry = fields.String(load_default=None, allow_none=True)
    amount = Money(required=True)
    finding_unit = fields.String(required=True, metadata={"description": "招商单位（首谈地）编码"})
    host_unit = fields.String(load_default=None, allow_none=True,
                              metadata={"description": "落户单位编码，默认同招商单位"})
    intermediary_id = fields.Integer(load_default=None, allow_none=True)
    channel = fields.String(load_default="other", validate=InVocabulary("lead_channels"))
    agreement_amount = Money(load_default=None, allow_none=True)
    leader_name = Name(load_default=None, allow_none=True)
    description = fields.String(load_default=None, allow_none=True)
    last_progress_on = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "最近一次进展报送日期（登记既有项目时填写，不得晚于今天）"})
    attributes = fields.Dict(keys=fields.String(), load_default=dict)


class ProjectUpdate(BaseSchema):
    name = Name(validate=validate.Length(min=2, max=200))
    industry = fields.String(allow_none=True)
    amount = Money()
    agreement_amount = Money(allow_none=True)
    leader_name = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(list(STATUS_LABELS)))
    progress_note = fields.String(allow_none=True)
    progress_on = fields.Date(metadata={"description": "进展日期（填写进展时）"})
    intermediary_id = fields.Integer(allow_none=True, metadata={
        "description": "引荐人（引荐人名录中在册的编号）；null 表示无"})
    attributes = fields.Dict(keys=fields.String(),
                             metadata={"description": "本市字段，按键合并；值为 null 表示删除"})


class TransitionCreate(BaseSchema):
    target = fields.String(required=True, validate=validate.OneOf([s.value for s in Stage]))
    occurred_on = fields.Date(load_default=city_today)
    reason = fields.String(load_default=None, allow_none=True)


class DateCorrectionCreate(BaseSchema):
    field = fields.String(required=True, validate=validate.OneOf(
        ["signed_on", "started_on", "completed_on", "lost_on", "cleared_on"]),
        metadata={"description": "更正的阶段日期字段"})
    date = fields.Date(required=True, metadata={"description": "更正后的日期"})
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000),
                           metadata={"description": "更正原因"})


class TransitionSchema(BaseSchema):
    id = fields.Integer()
    from_stage = fields.String()
    to_stage = fields.String()
    occurred_on = fields.Date()
    actor = fields.String()
    reason = fields.String(allow_none=True)
    recorded_at = fields.DateTime()


class FundCreate(BaseSchema):
    arrived_on = fields.Date(required=True, metadata={"description": "到位日期，不晚于今天、不早于签约"})
    amount = Money(required=True, validate=validate.Range(min=0, min_inclusive=False))
    evidence_ref = fields.String(required=True, validate=validate.Length(min=1, max=200),
                                 metadata={"description": "凭证编号（银行回单等），全市唯一"})
    payer_name = Name(required=True, validate=validate.Length(min=2, max=200),
                               metadata={"description": "出资方（实际付款的投资企业或其母公司）"})
    payer_credit_code = CreditCode(load_default=None, allow_none=True,
                                   metadata={"description": "出资方统一社会信用代码"})


class FundVerify(BaseSchema):
    """The office's judgement; who and when are the server's (never taken from the body)."""

    verification = fields.String(required=True, validate=validate.OneOf(["verified", "rejected"]))
    confirm_over_agreement = fields.Boolean(
        load_default=False, metadata={"description": "确认认定超出协议投资额比例的到位资金"})
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                           metadata={"description": "理由（确认超出协议时必填）"})


VERIFICATION_LABELS = {"pending": "待核实", "verified": "已核实", "rejected": "不予认定"}


class FundSchema(BaseSchema):
    id = fields.Integer()
    version = fields.Integer(dump_only=True)  # the ETag's version (core.api.versions)
    arrived_on = fields.Date()
    amount = Money()
    evidence_ref = fields.String()
    payer_name = fields.String(allow_none=True)
    payer_credit_code = fields.String(allow_none=True)
    verification = fields.String()
    verification_label = fields.Function(lambda t: VERIFICATION_LABELS.get(t.verification))
    over_agreement = fields.Boolean()
    over_agreement_ratio = fields.Decimal(as_string=True, allow_none=True)
    over_agreement_confirmed = fields.Boolean()
    verification_reason = fields.String(allow_none=True)
    verified_by = fields.String(allow_none=True, dump_only=True)
    verified_at = fields.DateTime(allow_none=True, dump_only=True)
    reported_by = fields.String(allow_none=True, dump_only=True)
    reported_at = fields.DateTime(allow_none=True, dump_only=True)


class MilestoneInput(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(list(MILESTONE_KINDS)))
    planned_on = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "约定计划日期：新设节点时必填；已约定的日期只能经节点调整（改期申请）变更"})
    actual_on = fields.Date(load_default=None, allow_none=True,
                            metadata={"description": "实际日期，不得晚于今天"})


class ChecklistItem(BaseSchema):
    """A field the next stage still needs, with its Chinese name for the checklist."""

    field = fields.String(metadata={"description": "字段路径，如 attributes.energy_review"})
    label = fields.String(metadata={"description": "字段中文名称"})


class MilestoneSchema(MilestoneInput):
    id = fields.Integer()
    original_planned_on = fields.Date(metadata={"description": "最初约定的计划日期（永久保留）"})


class ReplanCreate(BaseSchema):
    planned_on = fields.Date(required=True, metadata={"description": "申请调整后的计划日期"})
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000),
                           metadata={"description": "调整理由"})


class ReplanDecision(BaseSchema):
    decision = fields.String(required=True, validate=validate.OneOf(["approved", "rejected"]),
                             metadata={"description": "approved 批准，rejected 驳回"})
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                           metadata={"description": "审批意见"})


class ReplanSchema(BaseSchema):
    id = fields.Integer()
    project_id = fields.Integer()
    kind = fields.String()
    kind_label = fields.Function(lambda r: MILESTONE_KINDS.get(r.kind, r.kind))
    original_planned_on = fields.Date()
    previous_on = fields.Date(metadata={"description": "被调整的约定日期"})
    planned_on = fields.Date(metadata={"description": "申请的新日期"})
    reason = fields.String()
    status = fields.String(metadata={"description": "pending 待审批、approved 已批准、rejected 已驳回"})
    status_label = fields.Function(lambda r: REPLAN_STATUS_LABELS.get(r.status, r.status))
    requested_by = fields.String()
    requested_at = fields.DateTime()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    late = fields.Boolean(metadata={"title": "批准时已超期",
                                    "description": "批准时原约定日期是否已过（超期照计）"})


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
    intermediary_name = fields.Function(lambda p: p.intermediary_name, allow_none=True,
                                        metadata={"title": "引荐人"})
    lead_id = fields.Integer(allow_none=True)
    channel = fields.String()
    channel_label = fields.Function(lambda project: label_of("lead_channels", project.channel))
    out_of_province = fields.Boolean(allow_none=True, metadata={
        "description": "省外项目：由投资方省份（信用代码登记地，其次所填省份）推定；null 为未知"})
    out_of_province_label = fields.Function(
        lambda p: OUT_OF_PROVINCE_LABELS[p.out_of_province], metadata={"title": "省外/省内"})
    signed_on = fields.Date(allow_none=True)
    started_on = fields.Date(allow_none=True)
    completed_on = fields.Date(allow_none=True)
    lost_on = fields.Date(allow_none=True)
    cleared_on = fields.Date(allow_none=True)
    agreement_amount = Money(allow_none=True)
    arrived_amount = Money(metadata={"title": "到位资金·已核实（万元）"})
    arrived_pending_amount = Money(metadata={"title": "到位资金·待核实（万元）"})
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
    sort = SortKey("name", "amount", "stage", "industry", "leader_name", "signed_on",
                   "last_progress_on", "updated_at")
    stage = fields.String(validate=validate.OneOf([s.value for s in Stage]))
    enterprise_id = fields.Integer(validate=validate.Range(min=1), metadata={"description": "投资企业编号"})
    unit = fields.String(metadata={"description": "招商或落户单位编码"})
    industry = fields.String()
    tier = fields.String()
    out_of_province = OutOfProvinceFilter(metadata={
        "description": "true 省外、false 省内、unknown 投资方省份未知"})
    leader = fields.String(validate=validate.Length(min=1, max=100),
                           metadata={"description": "包抓领导姓名：该领导包抓的项目"})
    channel = fields.String(validate=InVocabulary("lead_channels"), metadata={"description": "招商方式"})
    # The records behind a dashboard figure: signed (or started) within a period, both ends
    # included, as the figures count them (core.figure_queries).
    signed_from = fields.Date(metadata={"description": "签约日期不早于"})
    signed_to = fields.Date(metadata={"description": "签约日期不晚于"})
    started_from = fields.Date(metadata={"description": "开工日期不早于"})
    started_to = fields.Date(metadata={"description": "开工日期不晚于"})
    q = SearchText(metadata={"description": "搜索：项目或企业名称的任意片段（至少2个字），或信用代码开头"})

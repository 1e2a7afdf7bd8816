"""Evaluation input, actions and output; the expert pool."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from core.evaluation_rules import DECISIONS, LEVELS, SUBJECTS
from core.problems import CodedMessage
from core.schemas.base import BaseSchema, Name, Page
from core.services.evaluations import evaluation_outcome, next_step, status_label


class ScoreValue(fields.Decimal):
    """A score: an exact decimal with at most two places, sent as a number or a string."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(as_string=True, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        number = super()._deserialize(value, attr, data, **kwargs)
        if number.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValidationError(CodedMessage("score.places", "评分最多保留两位小数"))
        return number


# -- input ------------------------------------------------------------------------


class ReviewerInput(BaseSchema):
    """An expert from the pool (``expert_id``), a unit (``unit``) or a named person (``name``)."""

    expert_id = fields.Integer(load_default=None, allow_none=True)
    unit = fields.String(load_default=None, allow_none=True, metadata={"description": "单位编码"})
    name = Name(load_default=None, allow_none=True,
                         validate=validate.Length(min=2, max=200))
    role = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100),
                         metadata={"description": "评审角色，如 行业主管部门"})

    @validates_schema
    def _one_kind(self, data: dict, **_: Any) -> None:
        given = [key for key in ("expert_id", "unit") if data.get(key) is not None]
        if len(given) > 1:
            raise ValidationError(CodedMessage("reviewer.ambiguous", "专家和单位只能填写其一"),
                                  "unit")
        if not given and not data.get("name"):
            raise ValidationError(CodedMessage("reviewer.missing", "请填写专家、单位或评审人姓名"),
                                  "name")


class EvaluationCreate(BaseSchema):
    form = fields.String(required=True, metadata={"description": "评估表编码"})
    reviewers = fields.List(fields.Nested(ReviewerInput), load_default=list)


class ReviewersAssign(BaseSchema):
    reviewers = fields.List(fields.Nested(ReviewerInput), required=True,
                            validate=validate.Length(min=1))


class ScoreInput(BaseSchema):
    dimension = fields.String(required=True)
    score = ScoreValue(required=True)
    note = fields.String(load_default=None, allow_none=True)


class HardRefusalInput(BaseSchema):
    code = fields.String(required=True)
    note = fields.String(load_default=None, allow_none=True, metadata={"description": "勾选时必填"})
    ticked = fields.Boolean(load_default=True, metadata={"description": "false 表示撤销勾选"})


class ScoresRecord(BaseSchema):
    reviewer_id = fields.Integer(load_default=None, allow_none=True,
                                 metadata={"description": "评分时必填：评审人编号"})
    scores = fields.List(fields.Nested(ScoreInput), load_default=list)
    hard_refusals = fields.List(fields.Nested(HardRefusalInput), load_default=list)


class StepComplete(BaseSchema):
    step = fields.String(required=True)
    opinion = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    decided_on = fields.Date(load_default=None, allow_none=True,
                             metadata={"description": "决定日期（补录以往的决定时填写；空缺为今天）"})
    decision = fields.String(load_default=None, allow_none=True,
                             validate=validate.OneOf(list(DECISIONS)),
                             metadata={"description": "最后一步必填；中间步骤填 rejected 即终止"})


class ExpertCreate(BaseSchema):
    name = Name(required=True, validate=validate.Length(min=2, max=100))
    field = fields.String(required=True, validate=validate.Length(min=2, max=100),
                          metadata={"description": "专业领域"})
    organisation = Name(load_default=None, allow_none=True,
                                 validate=validate.Length(max=200))
    title = Name(load_default=None, allow_none=True, validate=validate.Length(max=100))
    contact = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class ExpertQuery(Page):
    field = fields.String()
    q = fields.String(metadata={"description": "姓名或单位"})


# -- output -----------------------------------------------------------------------


class ExpertSchema(ExpertCreate):
    id = fields.Integer(dump_only=True)
    active = fields.Boolean(dump_only=True)


class DimensionSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    weight = fields.String()
    max_score = fields.Integer()


class NamedCodeSchema(BaseSchema):
    code = fields.String()
    name = fields.String()


class EvaluationFormSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    subject = fields.String()
    subject_label = fields.Function(lambda rules: SUBJECTS[rules["subject"]])
    pass_score = fields.String()
    dimensions = fields.List(fields.Nested(DimensionSchema))
    hard_refusals = fields.List(fields.Nested(NamedCodeSchema))
    steps = fields.List(fields.String())
    step_labels = fields.Dict(keys=fields.String(), values=fields.String())
    required_before = fields.String(allow_none=True)
    ratings = fields.List(fields.List(fields.String()), metadata={"description": "[[等级, 最低分]]"})


class ReviewerSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    expert_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    name = fields.String()
    role = fields.String(allow_none=True)
    assigned_by = fields.String()
    assigned_at = fields.DateTime()


class ScoreSchema(BaseSchema):
    reviewer_id = fields.Integer()
    dimension = fields.String()
    score = ScoreValue()
    note = fields.String(allow_none=True)
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class HardRefusalTickSchema(BaseSchema):
    code = fields.String()
    note = fields.String()
    ticked_by = fields.String()
    ticked_at = fields.DateTime()


class StepSchema(BaseSchema):
    step = fields.String()
    opinion = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    actor = fields.String()
    role = fields.String()
    completed_at = fields.DateTime()


class RefusalSchema(BaseSchema):
    rule = fields.String()
    message = fields.String()


class OutcomeSchema(BaseSchema):
    """The result the scores and ticks add up to so far (final once decided)."""

    result = fields.Decimal(as_string=True, allow_none=True)
    averages = fields.Dict(keys=fields.String(), values=fields.Decimal(as_string=True))
    missing = fields.List(fields.String(), metadata={"description": "尚无评分的维度"})
    failures = fields.List(fields.Nested(RefusalSchema))
    passed = fields.Boolean(allow_none=True)
    rating = fields.String(allow_none=True)


class EvaluationSchema(BaseSchema):
    id = fields.Integer()
    version = fields.Integer(dump_only=True)  # the ETag's version (core.api.versions)
    form_code = fields.String()
    form_name = fields.String()
    subject = fields.String()
    project_id = fields.Integer(allow_none=True)
    enterprise_id = fields.Integer(allow_none=True)
    level = fields.String()
    level_label = fields.Function(lambda e: LEVELS[e.level])
    status = fields.String()
    status_label = fields.Function(status_label)
    next_step = fields.Function(next_step, allow_none=True)
    result = fields.Decimal(as_string=True, allow_none=True)
    passed = fields.Boolean(allow_none=True)
    failures = fields.List(fields.Nested(RefusalSchema))
    rating = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    reviewers = fields.List(fields.Nested(ReviewerSchema))
    scores = fields.List(fields.Nested(ScoreSchema))
    hard_refusals = fields.List(fields.Nested(HardRefusalTickSchema))
    steps = fields.List(fields.Nested(StepSchema))
    current = fields.Function(lambda e: OutcomeSchema().dump(evaluation_outcome(e)),
                              metadata={"description": "按目前评分计算的结果"})
    rules = fields.Nested(EvaluationFormSchema, metadata={"description": "创建时的评估表"})


class EnterpriseRatingSchema(BaseSchema):
    form_code = fields.String()
    rating = fields.String()
    score = fields.Decimal(as_string=True)
    evaluation_id = fields.Integer()
    rated_at = fields.DateTime()


class EvaluationQuery(BaseSchema):
    form = fields.String()

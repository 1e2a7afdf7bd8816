"""The figures query and its answer."""

from __future__ import annotations

from marshmallow import fields, validate, validates_schema

from core.problems import CodedMessage
from core.schemas.base import BaseSchema, Money


class StatsQuery(BaseSchema):
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")
    group_by = fields.String(load_default=None,
                             validate=validate.OneOf(["unit", "industry", "channel", "month"]))
    out_of_province = fields.Boolean(load_default=None, allow_none=True)

    @validates_schema
    def _ordered(self, data: dict, **_: object) -> None:
        if data["date_from"] > data["date_to"]:
            from marshmallow import ValidationError

            raise ValidationError(CodedMessage("range.order", "起始日期不能晚于截止日期"), "from")


class StatsWorkbookQuery(StatsQuery):
    """The dashboard's workbook has every grouping, one sheet each: no ``group_by``."""

    class Meta:
        exclude = ("group_by",)


class FiguresSchema(BaseSchema):
    key = fields.String(allow_none=True)
    label = fields.String(allow_none=True)
    signed_count = fields.Decimal(as_string=True)
    signed_amount = Money()
    signed_amount_yi = fields.Decimal(as_string=True, metadata={"description": "亿元"})
    started_count = fields.Decimal(as_string=True)
    start_rate = fields.Decimal(as_string=True, allow_none=True)
    arrived_amount = Money(metadata={"description": "到位资金（已核实）"})
    arrived_amount_yi = fields.Decimal(as_string=True)
    arrived_pending_amount = Money(metadata={"description": "待核实的到位资金，不计入统计"})
    arrival_rate = fields.Decimal(as_string=True, allow_none=True)
    previous_signed_amount = Money()
    signed_amount_growth = fields.Decimal(as_string=True, allow_none=True,
                                          metadata={"description": "同比增长"})
    fulfilling_count = fields.Decimal(as_string=True)
    fulfilment_rate = fields.Decimal(as_string=True, allow_none=True)


class StatsSchema(BaseSchema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    out_of_province = fields.Boolean(allow_none=True)
    out_of_province_unknown_count = fields.Decimal(as_string=True, metadata={
        "description": "期内签约、投资方省份未知的项目数（不计入省外，也不计入省内）"})
    total = fields.Nested(FiguresSchema)
    groups = fields.List(fields.Nested(FiguresSchema))

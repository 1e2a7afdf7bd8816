"""A date range as query or body: ``from`` and ``to``, in order."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from core.problems import CodedMessage
from core.schemas.base import BaseSchema


class DateRange(BaseSchema):
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")

    @validates_schema
    def _ordered(self, data: dict, **_: object) -> None:
        if "date_from" in data and "date_to" in data and data["date_from"] > data["date_to"]:
            raise ValidationError(CodedMessage("range.order", "起始日期不能晚于截止日期"), "from")

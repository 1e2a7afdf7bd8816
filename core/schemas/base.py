"""The base schema, Chinese field messages and the domain's own field types."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from core.credit_code import CreditCodeError, validate_credit_code
from core.problems import CodedMessage

# Marshmallow's messages are English; a clerk reads Chinese. Field classes get
# Chinese defaults once, here, so every schema of the suite speaks Chinese.
_CHINESE_FIELD_MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {"required": "此项为必填项", "null": "此项不能为空",
                   "validator_failed": "取值无效"},
    fields.String: {"invalid": "应为文本", "invalid_utf8": "不是有效的文本"},
    fields.Integer: {"invalid": "应为整数", "too_large": "数值过大"},
    fields.Decimal: {"invalid": "应为数值", "too_large": "数值过大", "special": "数值无效"},
    fields.Boolean: {"invalid": "应为是或否"},
    fields.Date: {"invalid": "日期格式应为 YYYY-MM-DD", "format": "日期格式不正确"},
    fields.DateTime: {"invalid": "时间格式应为 ISO 8601", "format": "时间格式不正确"},
    fields.List: {"invalid": "应为列表"},
    fields.Dict: {"invalid": "应为对象"},
    fields.Nested: {"type": "应为对象"},
}
for _cls, _messages in _CHINESE_FIELD_MESSAGES.items():
    _cls.default_error_messages = {**_cls.default_error_messages, **_messages}
Schema._default_error_messages = {  # type: ignore[attr-defined]
    **Schema._default_error_messages,  # type: ignore[attr-defined]
    "type": "请求体应为 JSON 对象",
    "unknown": "不认识的字段",
}
validate.OneOf.default_message = "应为以下取值之一：{choices}"
validate.Length.message_min = "长度至少为 {min}"
validate.Length.message_max = "长度至多为 {max}"
validate.Range.message_min = "应{min_op} {{min}}"
validate.Range.message_max = "应{max_op} {{max}}"
validate.Range.message_all = "应{min_op} {{min}} 且{max_op} {{max}}"
validate.Range.message_gte = "不小于"
validate.Range.message_gt = "大于"
validate.Range.message_lte = "不大于"
validate.Range.message_lt = "小于"

# Input no database column can hold is a field problem, never a driver error (a 500):
# integers are 64-bit on SQLite and PostgreSQL alike.
INT64_MAX = 2**63 - 1
_integer_validated = fields.Integer._validated


def _bounded_integer(self: fields.Integer, value: Any) -> int:
    number = _integer_validated(self, value)
    if number is not None and not -INT64_MAX - 1 <= number <= INT64_MAX:
        raise self.make_error("too_large", input=value)
    return number


fields.Integer._validated = _bounded_integer  # type: ignore[method-assign]

# Dates a city works with lie well inside 1900–2100; outside it, date arithmetic (a day
# after 9999-12-31, working days before year 1) fails, and a range over millennia is no query.
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
_date_deserialize = fields.Date._deserialize


def _bounded_date(self: fields.Date, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
    day = _date_deserialize(self, value, attr, data, **kwargs)
    if isinstance(day, dt.date) and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(CodedMessage("date.out_of_range",
                                           "日期应在 1900-01-01 至 2100-12-31 之间"))
    return day


fields.Date._deserialize = _bounded_date  # type: ignore[method-assign]

# SQLite hands timezone-aware columns back naive. Every time the suite stores is UTC, so a
# naive one is written out as UTC: output times always carry their offset (RFC 3339).
_datetime_serialize = fields.DateTime._serialize


def _serialize_as_utc(self: fields.DateTime, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return _datetime_serialize(self, value, attr, obj, **kwargs)


fields.DateTime._serialize = _serialize_as_utc  # type: ignore[method-assign]


class BaseSchema(Schema):
    """Unknown fields are errors: a typo must not be silently dropped."""

    class Meta:
        unknown = RAISE
        ordered = True


MONEY_LIMIT = Decimal(10) ** 14  # 万元; the columns are NUMERIC(18,4)


class Money(fields.Decimal):
    """An amount in 万元: an exact decimal, at most 4 places, never negative.

    Serialised as a string so no JSON parser turns it into a float.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Range(min=Decimal(0)))
        super().__init__(places=4, as_string=True, **kwargs)
        self.metadata.setdefault("description", "金额，单位万元")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, float):
            # A float has already lost exactness; ask for a string or an integer.
            raise ValidationError(CodedMessage("money.float", "金额请以字符串或整数提交（单位万元）"))
        amount = super()._deserialize(value, attr, data, **kwargs)
        if amount is not None and abs(amount) >= MONEY_LIMIT:
            raise self.make_error("too_large", input=value)  # NUMERIC(18,4) holds no more
        # The parent quantizes to 4 places; rounding a clerk's figure silently is not exact.
        with contextlib.suppress(ArithmeticError, ValueError, TypeError):
            if Decimal(str(value).strip()) != amount:
                raise ValidationError(CodedMessage("money.places", "金额最多保留4位小数（万元，精确到元）"))
        return amount


class CreditCode(fields.String):
    """统一社会信用代码, checked with its check character."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return validate_credit_code(text)
        except CreditCodeError as exc:
            raise ValidationError(CodedMessage(exc.code, exc.message)) from exc


MAX_PAGE = 10_000_000


class Page(BaseSchema):
    """Common list parameters: page, page size and sort."""

    # Bounded so the row offset, (page - 1) × per_page, stays a 64-bit integer.
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    sort = fields.String(load_default=None, metadata={"description": "字段名，前加 - 表示倒序"})

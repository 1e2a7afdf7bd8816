"""The base schema, Chinese field messages and the domain's own field types."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate

from core.credit_code import CreditCodeError, validate_credit_code
from core.input_rules import (
    DATE_FORMAT_MESSAGE,
    DATE_RANGE_MESSAGE,
    NUL_MESSAGE,
    date_in_range,
    name_problem,
)
from core.periods import period_bounds
from core.problems import CodedMessage

# Marshmallow's messages are English; a clerk reads Chinese. Field classes get
# Chinese defaults once, here, so every schema of the suite speaks Chinese.
_CHINESE_FIELD_MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {"required": "此项为必填项", "null": "此项不能为空",
                   "validator_failed": "取值无效"},
    fields.String: {"invalid": "应为文本", "invalid_utf8": "不是有效的文本"},
    fields.Number: {"invalid": "应为数值", "too_large": "数值过大"},
    fields.Integer: {"invalid": "应为整数", "too_large": "数值过大"},
    fields.Float: {"invalid": "应为数值", "too_large": "数值过大", "special": "数值无效"},
    fields.Decimal: {"invalid": "应为数值", "too_large": "数值过大", "special": "数值无效"},
    fields.Boolean: {"invalid": "应为是或否"},
    fields.Date: {"invalid": DATE_FORMAT_MESSAGE, "format": "日期格式不正确",
                  "invalid_awareness": "日期格式不正确"},
    fields.DateTime: {"invalid": "时间格式应为 ISO 8601", "format": "时间格式不正确",
                      "invalid_awareness": "时间应注明时区"},
    fields.Time: {"invalid": "时间格式应为 HH:MM", "format": "时间格式不正确",
                  "invalid_awareness": "时间应注明时区"},
    fields.TimeDelta: {"invalid": "时长无效", "format": "时长格式不正确"},
    fields.List: {"invalid": "应为列表"},
    fields.Tuple: {"invalid": "应为列表"},
    fields.Mapping: {"invalid": "应为对象"},
    fields.Dict: {"invalid": "应为对象"},
    fields.Nested: {"type": "应为对象"},
    fields.Email: {"invalid": "电子邮箱格式不正确"},
    fields.Url: {"invalid": "网址格式不正确"},
    fields.UUID: {"invalid_uuid": "编号格式不正确"},
    fields.IP: {"invalid_ip": "IP 地址格式不正确"},
    fields.Enum: {"unknown": "应为以下取值之一：{choices}"},
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
validate.Length.message_all = "长度应在 {min} 至 {max} 之间"
validate.Length.message_equal = "长度应为 {equal}"
validate.Email.default_message = "电子邮箱格式不正确"
validate.URL.default_message = "网址格式不正确"
validate.Regexp.default_message = "格式不正确"
validate.Equal.default_message = "应为 {other}"
validate.NoneOf.default_message = "取值无效"
validate.Predicate.default_message = "取值无效"
validate.ContainsOnly.default_message = "所选取值不在以下范围内：{choices}"
validate.ContainsNoneOf.default_message = "不能选择以下取值：{values}"
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

# Dates a city works with lie well inside 1900–2100 (core.input_rules, shared with periods);
# outside it, date arithmetic (a day after 9999-12-31) fails, and a range over millennia is no query.
_date_deserialize = fields.Date._deserialize


def _bounded_date(self: fields.Date, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
    day = _date_deserialize(self, value, attr, data, **kwargs)
    if isinstance(day, dt.date) and not date_in_range(day):
        raise ValidationError(CodedMessage("date.out_of_range", DATE_RANGE_MESSAGE))
    return day


fields.Date._deserialize = _bounded_date  # type: ignore[method-assign]

# PostgreSQL stores no NUL in text: refused in every string of every schema, query or body.
_string_deserialize = fields.String._deserialize


def _no_nul(self: fields.String, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
    text = _string_deserialize(self, value, attr, data, **kwargs)
    if isinstance(text, str) and "\x00" in text:
        raise ValidationError(CodedMessage("text.nul", NUL_MESSAGE))
    return text


fields.String._deserialize = _no_nul  # type: ignore[method-assign]

# SQLite hands timezone-aware columns back naive. Every time the suite stores is UTC, so a
# naive one is written out as UTC: output times always carry their offset (RFC 3339).
_datetime_serialize = fields.DateTime._serialize


def _serialize_as_utc(self: fields.DateTime, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return _datetime_serialize(self, value, attr, obj, **kwargs)


fields.DateTime._serialize = _serialize_as_utc  # type: ignore[method-assign]


# Per type: whether instances are read by attribute only (no ``__getitem__``: records, rows).
_ATTRIBUTE_ONLY: dict[type, bool] = {}


class BaseSchema(Schema):
    """Unknown fields are errors: a typo must not be silently dropped."""

    class Meta:
        unknown = RAISE
        ordered = True

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        """As marshmallow reads a value, minus its per-value probing: an object whose type has
        no ``__getitem__`` (a record) ends in ``getattr`` there anyway (``obj[attr]`` is a
        ``TypeError``), so it is read directly — a list page reads some 800 values."""
        kind = type(obj)
        attribute_only = _ATTRIBUTE_ONLY.get(kind)
        if attribute_only is None:
            attribute_only = _ATTRIBUTE_ONLY[kind] = not hasattr(kind, "__getitem__")
        if attribute_only and "." not in attr:
            return getattr(obj, attr, default)
        return super().get_attribute(obj, attr, default)

    def _serialize(self, obj: Any, *, many: bool = False) -> Any:
        """Marshmallow's dump of a record with its per-value wrappers taken out: each field's
        own ``_serialize`` gets the value read by one ``getattr``, in a plan built once per
        schema instance (the instances live as long as the process: ``core.api.support``'s
        ``dumper``). A project list page dumps about 1,000 values. Anything the plan does not
        cover (a mapping, a dotted attribute, a missing value and its default) takes
        marshmallow's own path, so the result is the same."""
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        if obj is None or not _attribute_only(type(obj)):
            return super()._serialize(obj)
        plan = self.__dict__.get("_dump_plan")
        if plan is None:
            plan = self.__dict__["_dump_plan"] = _dump_plan(self)
        result = self.dict_class()
        for name, key, field, source in plan:
            if source is None:  # reads the record itself (fields.Function, fields.Method)
                value = field._serialize(None, name, obj)
            else:
                value = getattr(obj, source, missing)
                value = (field.serialize(name, obj, accessor=self.get_attribute)
                         if value is missing else field._serialize(value, name, obj))
                if value is missing:
                    continue
            result[key] = value
        return result


def _attribute_only(kind: type) -> bool:
    attribute_only = _ATTRIBUTE_ONLY.get(kind)
    if attribute_only is None:
        attribute_only = _ATTRIBUTE_ONLY[kind] = not hasattr(kind, "__getitem__")
    return attribute_only


# The fields whose ``serialize`` is marshmallow's own: the plan calls their ``_serialize``.
_PLAIN_SERIALIZE = fields.Field.serialize


def _dump_plan(schema: BaseSchema) -> list[tuple[str, str, fields.Field, str | None]]:
    """(name, output key, field, attribute to read — None for a field that reads the record)
    per dumped field; a field with its own ``serialize`` or a dotted attribute keeps the
    field's full path (``source`` = "." never names an attribute, so ``getattr`` misses)."""
    plan = []
    own_reader = type(schema).get_attribute is not BaseSchema.get_attribute
    for name, field in schema.dump_fields.items():
        key = field.data_key if field.data_key is not None else name
        source: str | None = field.attribute or name
        if own_reader or type(field).serialize is not _PLAIN_SERIALIZE or "." in source:
            source = "."  # always missing: marshmallow's own path
        elif not field._CHECK_ATTRIBUTE:
            source = None
        plan.append((name, key, field, source))
    return plan


MONEY_LIMIT = Decimal(10) ** 14  # 万元; the columns are NUMERIC(18,4)
MONEY_PLACES = 4
PLAIN_AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
MONEY_FORMAT_MESSAGE = "金额应为普通数字，如 12 或 12.50（单位万元；不含空格、科学计数法或全角数字）"


class Money(fields.Decimal):
    """An amount in 万元: an exact decimal, at most 4 places, never negative.

    Serialised as a string so no JSON parser turns it into a float.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Range(min=Decimal(0)))
        super().__init__(places=4, as_string=True, **kwargs)
        self.metadata.setdefault("description", "金额，单位万元")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        text = self._plain_text(value)
        if text.startswith("-") and self._never_negative():
            raise ValidationError(CodedMessage("money.negative", "金额不能为负数"))
        if len(text.partition(".")[2]) > MONEY_PLACES:
            # Rounding a clerk's figure silently is not exact.
            raise ValidationError(CodedMessage("money.places", "金额最多保留4位小数（万元，精确到元）"))
        if abs(Decimal(text)) >= MONEY_LIMIT:
            raise self.make_error("too_large", input=value)  # NUMERIC(18,4) holds no more
        return super()._deserialize(text, attr, data, **kwargs)

    def _plain_text(self, value: Any) -> str:
        """The amount as plain ASCII decimal text: a JSON number (parsed exactly, as a Decimal,
        by core.input_rules), an integer or a string such as ``"12"`` or ``"12.50"``."""
        if isinstance(value, float):
            # Only code, never a request, hands a float: it has already lost exactness.
            raise ValidationError(CodedMessage("money.float", "金额请以字符串或整数提交（单位万元）"))
        if isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        if isinstance(value, int):
            return str(value)
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise self.make_error("special", input=value)
            if value.as_tuple().exponent > 0:  # a JSON literal such as 1e3
                raise ValidationError(CodedMessage("money.format", MONEY_FORMAT_MESSAGE))
            return format(value, "f")
        if not isinstance(value, str):
            raise self.make_error("invalid", input=value)
        # Decimal() also takes "1e10", " 12 ", "NaN" and full-width or other non-ASCII digits.
        if not PLAIN_AMOUNT.fullmatch(value):
            raise ValidationError(CodedMessage("money.format", MONEY_FORMAT_MESSAGE))
        return value

    def _never_negative(self) -> bool:
        return any(isinstance(rule, validate.Range) and rule.min is not None and rule.min >= 0
                   for rule in self.validators)


class Name(fields.String):
    """A name or title (enterprise, project, lead, unit, person, intermediary…): one line of
    visible text. Control characters (newline and tab included), bidirectional overrides and
    zero-width characters are refused: they hide what a name says or forge another."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = name_problem(text)
        if problem is not None:
            raise ValidationError(CodedMessage(*problem))
        return text


class PeriodLabel(fields.String):
    """A period label of one kind (``2024-05``, ``2024-Q2``…), read with ``core.periods``: a label
    that does not fit, or lies outside 1900–2100, is a field problem."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind = kind

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        label = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            period_bounds(self.kind, label)
        except ValueError as exc:
            raise ValidationError(CodedMessage("period.format", str(exc))) from None
        return label


class CreditCode(fields.String):
    """统一社会信用代码, checked with its check character."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return validate_credit_code(text)
        except CreditCodeError as exc:
            raise ValidationError(CodedMessage(exc.code, exc.message)) from exc


class SearchText(fields.String):
    """A list's ``q`` (core.search): a fragment of at least two characters, trimmed; a single
    character would match most of the city."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).setdefault(
            "description", "搜索：名称、联系人或电话的任意片段（至少2个字），或信用代码开头")
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        from core.search import MAX_LENGTH, MIN_LENGTH

        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not MIN_LENGTH <= len(text) <= MAX_LENGTH:
            raise ValidationError(CodedMessage(
                "search.length", f"搜索词应为 {MIN_LENGTH}–{MAX_LENGTH} 个字"))
        return text


MAX_PAGE = 10_000_000


class SortKey(fields.String):
    """A list's ``sort``: one of the columns the list can be sorted by, ``-`` before it for
    descending. Declared per list so OpenAPI names the keys (``enum``) and an unknown one is
    refused in Chinese with the keys to choose from."""

    def __init__(self, *keys: str, **kwargs: Any) -> None:
        self.keys = keys
        kwargs.setdefault("load_default", None)
        # Absent means the list's own order: the document's enum names null too, as its type
        # and default do.
        absent = [None] if kwargs["load_default"] is None else []
        kwargs.setdefault("metadata", {}).update({
            "description": f"排序字段：{'、'.join(keys)}；前加 - 表示倒序",
            "enum": [*keys, *(f"-{key}" for key in keys), *absent]})
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if text.lstrip("-") not in self.keys:
            raise ValidationError(CodedMessage(
                "sort.unknown", f"不能按 {text} 排序，可选：{'、'.join(self.keys)}"))
        return text


class Page(BaseSchema):
    """Common list parameters: page, page size and sort."""

    # Bounded so the row offset, (page - 1) × per_page, stays a 64-bit integer.
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    sort = fields.String(load_default=None, metadata={"description": "字段名，前加 - 表示倒序"})

"""Every message a refused field carries is Chinese (issue 25): marshmallow's English defaults
are replaced at the schema base for every field type and validator the suite's schemas use, so
the matter form no longer answers ``Length must be between 2 and 10000.``"""

from __future__ import annotations

import re

import pytest
from marshmallow import ValidationError, fields, validate

from core.schemas.base import BaseSchema

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# What a message may show in Latin letters: the formats a clerk types or sends.
SHOWN_FORMATS = re.compile(r"YYYY-MM-DD|ISO 8601|HH:MM|JSON|IP")


class Everything(BaseSchema):
    title = fields.String(required=True, validate=validate.Length(min=2, max=10000))
    code = fields.String(validate=validate.Length(equal=4))
    short = fields.String(validate=validate.Length(max=3))
    pattern = fields.String(validate=validate.Regexp(r"^\d+$"))
    kind = fields.String(validate=validate.OneOf(["a", "b"]))
    count = fields.Integer(validate=validate.Range(min=1, max=9))
    amount = fields.Decimal()
    ratio = fields.Float()
    flag = fields.Boolean()
    day = fields.Date()
    at = fields.DateTime()
    tags = fields.List(fields.String(), validate=validate.ContainsOnly(["x"]))
    extra = fields.Dict()
    email = fields.Email()
    site = fields.Url()
    child = fields.Nested(BaseSchema)
    other = fields.String(allow_none=False)


BAD = {"title": "x", "code": "12345", "short": "abcd", "pattern": "a1", "kind": "c", "count": 0,
       "amount": "十", "ratio": "x", "flag": "maybe", "day": "2024/1/1", "at": "noon",
       "tags": ["y"], "extra": [1], "email": "not-mail", "site": "nowhere", "child": 3,
       "other": None, "typo": 1}


def _messages(errors: object) -> list[str]:
    if isinstance(errors, dict):
        return [text for value in errors.values() for text in _messages(value)]
    if isinstance(errors, list):
        return [text for value in errors for text in _messages(value)]
    return [str(errors)]


def test_a_refused_body_is_explained_in_chinese_field_by_field():
    with pytest.raises(ValidationError) as refused:
        Everything().load(BAD)
    errors = refused.value.messages
    assert set(errors) == set(BAD)  # every field refused, the unknown one too
    assert errors["title"] == ["长度应在 2 至 10000 之间"]
    assert errors["code"] == ["长度应为 4"]
    english = [text for text in _messages(errors) if LATIN_WORD.search(SHOWN_FORMATS.sub("", text))]
    assert english == []
    with pytest.raises(ValidationError) as missing:
        Everything().load({})
    assert missing.value.messages == {"title": ["此项为必填项"]}


def test_no_field_type_or_validator_the_schemas_use_keeps_an_english_default():
    used = [fields.Field(), fields.String(), fields.Integer(), fields.Decimal(), fields.Float(),
            fields.Boolean(), fields.Date(), fields.DateTime(), fields.List(fields.String()),
            fields.Dict(), fields.Nested(BaseSchema), fields.Email(), fields.Url(), fields.Raw()]
    for field in used:
        for key, text in field.error_messages.items():
            plain = SHOWN_FORMATS.sub("", re.sub(r"\{[^}]*\}", "", text))
            assert not LATIN_WORD.search(plain), (type(field).__name__, key, text)
    for validator in (validate.Length, validate.Range, validate.OneOf, validate.Regexp,
                      validate.Email, validate.URL, validate.Equal, validate.NoneOf,
                      validate.ContainsOnly, validate.ContainsNoneOf, validate.Predicate):
        for name in dir(validator):
            text = getattr(validator, name)
            if "message" in name and isinstance(text, str):
                plain = re.sub(r"\{[^}]*\}", "", text)
                assert not LATIN_WORD.search(plain), (validator.__name__, name, text)

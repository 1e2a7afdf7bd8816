"""A contact's fields: who to call and the number (core.phones)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from core.phones import PhoneError, normalise_phone
from core.problems import CodedMessage
from core.schemas.base import Name


class Phone(fields.String):
    """A mainland mobile or landline number, kept in one form (core.phones)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            return None  # an empty form field is no phone
        try:
            return normalise_phone(text)
        except PhoneError as exc:
            raise ValidationError(CodedMessage(exc.code, exc.message)) from None


def contact_name(**kwargs: Any) -> Name:
    return Name(validate=validate.Length(max=50), metadata={"title": "联系人"}, **kwargs)


def contact_phone(**kwargs: Any) -> Phone:
    return Phone(metadata={"title": "联系电话",
                           "description": "手机号码或固定电话（区号-号码[-分机]）"}, **kwargs)

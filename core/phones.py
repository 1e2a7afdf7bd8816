"""Chinese mainland phone numbers as a lead's contact gives them: a mobile or a landline.

- mobile: 11 digits from 13–19 (``13912345678``), optionally after ``+86``/``86``;
- landline: an area code of 3–4 digits from 0 (``0931``, ``010``), then 7–8 digits, optionally
  an extension (``-123``, ``转123``), the parts separated by ``-``, a space or nothing, or the
  area code in brackets: ``0931-8123456``, ``(010)62345678``, ``0931-8123456-801``.

A number is kept in one form so that two spellings of it compare equal: the mobile's 11
digits, the landline's ``area-number[-extension]``.
"""

from __future__ import annotations

import re

MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
LANDLINE = re.compile(r"^[(（]?(0\d{2,3})[)）]?-?([2-9]\d{6,7})(?:(?:-|转|ext\.?)(\d{1,6}))?$")


class PhoneError(ValueError):
    code = "phone.invalid"
    message = "联系电话应为手机号码（11位，如 13912345678）或固定电话（区号-号码，如 0931-8123456）"


def normalise_phone(text: str) -> str:
    """The number in its one form; :class:`PhoneError` if it is neither a mobile nor a landline."""
    compact = re.sub(r"[\s\u3000]+", "", text).replace("－", "-").replace("—", "-")
    mobile = MOBILE.match(compact.replace("-", ""))
    if mobile:
        return mobile.group(1)
    landline = LANDLINE.match(compact)
    if landline:
        area, number, extension = landline.groups()
        return f"{area}-{number}" + (f"-{extension}" if extension else "")
    raise PhoneError(PhoneError.message)

"""A JSON column's text is read back as the value that was stored (``core.db.json_value``):
the empty list and object without a parse, each a new object a caller may change."""

from __future__ import annotations

import pytest

from core.db import json_text, json_value


@pytest.mark.parametrize("value", [[], {}, ["key", "major"], {"note": None, "n": 1},
                                   "文本", None, 0, [{"a": []}]])
def test_what_is_stored_is_what_is_read(value):
    text = json_text(value)
    assert json_value(text) == value  # SQLite hands over text
    assert json_value(text.encode()) == value  # PostgreSQL's driver, UTF-8 bytes


def test_an_empty_value_is_a_new_object_each_time():
    first = json_value(b"[]")
    first.append("changed")
    assert json_value(b"[]") == [] and json_value("{}") == {}

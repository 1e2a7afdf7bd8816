"""``core.api.project_rows.compile_dump``: the generated row → dict function answers what the
schema's own ``dump`` answers for a record holding the same values, field by field."""

from __future__ import annotations

import collections
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from marshmallow import Schema, fields

from core.api.project_rows import compile_dump
from core.schemas.base import Money


class Investor(Schema):
    name = fields.String()
    credit_code = fields.String(allow_none=True)


class Shouted(fields.Function):
    """A Function field that serializes in its own way: the compiled dump must go through it."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(value, attr, obj, **kwargs).upper()


class Record(Schema):
    id = fields.Integer()
    name = fields.String()
    amount = Money()
    signed_on = fields.Date(allow_none=True)
    enterprise = fields.Nested(Investor)
    label = fields.Function(lambda record: f"项目{record.id}")
    shouted = Shouted(lambda record: record.name)
    renamed = fields.Boolean(data_key="isNew")
    arrived = Money()
    milestones = fields.List(fields.Dict())
    view_only = fields.String()


COLUMNS = ["id", "name", "amount", "signed_on", "enterprise__name", "enterprise__credit_code",
           "renamed"]
LABELS = {name: index for index, name in enumerate(COLUMNS)}


# A row as the list's statement gives it: by position, and by label for fields.Function.
ListRow = collections.namedtuple("ListRow", COLUMNS)


@pytest.mark.parametrize("signed_on, credit_code", [(dt.date(2026, 2, 28), "91620100MA"),
                                                    (None, None)])
def test_a_row_dumps_as_the_schema_dumps_the_record(signed_on, credit_code):
    dump = compile_dump(Record(), LABELS, children=("arrived", "milestones"),
                        absent=("view_only",))
    row = ListRow(id=7, name="abc", amount=Decimal("1234.5"), signed_on=signed_on,
                             enterprise__name="某公司", enterprise__credit_code=credit_code,
                             renamed=True)
    kids = {"arrived": Decimal("12.3"), "milestones": [{"kind": "signed"}]}
    record = SimpleNamespace(
        id=7, name="abc", amount=Decimal("1234.5"), signed_on=signed_on,
        enterprise=SimpleNamespace(name="某公司", credit_code=credit_code),
        renamed=True, arrived=Decimal("12.3"), milestones=[{"kind": "signed"}])
    expected = Record(exclude=("view_only",)).dump(record)
    answer = dump(row, kids)
    assert answer == expected
    assert list(answer) == list(expected)  # the schema's order: responses keep it
    assert answer["shouted"] == "ABC" and answer["isNew"] is True
    assert "def dump(row, kids)" in dump.source


def test_a_field_without_a_column_is_refused_when_the_dump_is_built():
    with pytest.raises(LookupError, match="Record.name"):
        compile_dump(Record(only=("id", "name")), {"id": 0})


def test_a_field_with_its_own_serialize_is_refused_when_the_dump_is_built():
    class Custom(fields.String):
        def serialize(self, attr, obj, accessor=None, **kwargs):
            return "custom"

    class WithCustom(Schema):
        id = Custom()

    with pytest.raises(TypeError, match="own serialize"):
        compile_dump(WithCustom(), {"id": 0})

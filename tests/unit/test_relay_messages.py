"""The relay's fast message builder gives, byte for byte, the CloudEvents message of
``cloudevent_message`` for every kind of stored time: naive UTC (SQLite), aware in UTC or in
another zone (PostgreSQL's session time zone), with and without microseconds, and the epoch."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pytest

from core.relay import MessageBuilder, cloudevent_message

BEIJING = dt.timezone(dt.timedelta(hours=8))


class Row(NamedTuple):
    """An outbox row as the relay reads it (MessageBuilder.columns' order)."""

    position: int
    id: str
    source: str
    type: str
    time: dt.datetime
    subject: str
    city: str
    schema_version: int
    aggregate_id: str
    wire: bytes
    request_id: str | None


TIMES = [
    dt.datetime(2026, 12, 31, 15, 30, 0, 123456),  # naive UTC: 23:30 in Beijing
    dt.datetime(2024, 2, 29, 0, 0, 0),  # no microseconds: no fraction in the text
    dt.datetime(2026, 12, 31, 15, 30, 0, 999, tzinfo=dt.UTC),
    dt.datetime(2027, 1, 1, 7, 30, 0, 500, tzinfo=BEIJING),  # the day before, in UTC
    dt.datetime(1970, 1, 1, 0, 0, 0, 1),
]


@pytest.mark.parametrize("moment", TIMES, ids=str)
@pytest.mark.parametrize("request_id", [None, "req-1"])
def test_a_built_message_is_the_cloudevents_one(moment, request_id):
    row = Row(42, "3f0c5c2e-1", "/zhaoshang/cities/alpha", "zhaoshang.lead.reported", moment,
              "lead/7", "alpha", 1, "alpha:lead:7", "{\"名称\":\"甲\"}".encode(), request_id)
    built = MessageBuilder().message(row)
    assert built == cloudevent_message(row)
    headers = dict(built.headers)
    assert headers["ce_time"].endswith(b"Z") and b"+" not in headers["ce_time"]
    assert built.timestamp_ms == round(
        (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp() * 1000)


@pytest.mark.parametrize("stored", ["2026-12-31 15:30:00.123456", "2024-02-29 00:00:00.000000",
                                    "2024-02-29 00:00:00"])
def test_sqlite_stored_time_text_gives_the_message_of_its_time(stored):
    """The relay reads SQLite's rows through the driver: the time is the naive UTC text
    SQLAlchemy stored, and gives the message of the datetime it stands for."""
    def row(moment):
        return Row(7, "id-7", "/zhaoshang/cities/alpha", "zhaoshang.lead.reported", moment,
                   "lead/7", "alpha", 1, "alpha:lead:7", b"{}", None)

    assert MessageBuilder().message(row(stored)) == cloudevent_message(
        row(dt.datetime.fromisoformat(stored)))

"""The province's dead letters: records set aside instead of applied, and what operators do
with them.

A record that is not a valid event of the city whose topic it came on is kept here byte for
byte with its reason (``set_aside``, by the consumer); an operator lists, inspects, replays
or discards it (the operator actions below).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.clock import utcnow
from core.db import unit_of_work
from core.policy import FieldProblem, Refusal
from core.problems import Problem, invalid_input, not_found, refused
from province.config import ProvinceConfig
from province.models import DeadLetter
from province.records import BadRecord, RawRecord, read_event
from province.store import apply_events

# DeadLetter's text columns (event_id, event_type) are 200 wide; PostgreSQL refuses NUL in text.
CLAIMED_WIDTH = 200


def _text(value: str | None, width: int | None = None) -> str | None:
    """Text safe for any backend: NUL shown escaped, cut to the column's width."""
    if value is None:
        return None
    text = value.replace("\x00", "\\x00")
    return text[:width] if width is not None else text


def _encoded(value: bytes | None) -> str | None:
    return base64.b64encode(value).decode("ascii") if value is not None else None


def set_aside(session: Session, raw: RawRecord, city: str, bad: BadRecord,
              received_at: dt.datetime) -> DeadLetter:
    """Keep ``raw`` as a held dead letter with ``bad``'s reason, in the caller's transaction.

    Idempotent on the record's position (topic, partition, offset): setting the same record
    aside again returns the letter already kept, so a redelivered round never duplicates one.
    """
    held = session.scalar(sa.select(DeadLetter).where(
        DeadLetter.topic == raw.topic, DeadLetter.partition == raw.partition,
        DeadLetter.offset == raw.offset))
    if held is not None:
        return held
    letter = DeadLetter(
        topic=raw.topic, partition=raw.partition, offset=raw.offset, city=city,
        key=raw.key, value=raw.value,
        # Header names are text (Kafka's wire format); a name is kept as JSON text, escaped.
        headers=[[name, _encoded(value)] for name, value in raw.headers],
        record_time=raw.timestamp, reason=bad.reason, detail=_text(bad.detail) or "",
        event_id=_text(bad.event_id, CLAIMED_WIDTH),
        event_type=_text(bad.event_type, CLAIMED_WIDTH),
        sequence=bad.sequence, received_at=received_at, status="held", attempts=0)
    session.add(letter)
    session.flush()  # its id now; a clash with a concurrent consumer fails here, not later
    return letter


def raw_record_of(letter: DeadLetter) -> RawRecord:
    """The raw record a letter keeps, byte for byte as it was received."""
    return RawRecord(
        topic=letter.topic, partition=letter.partition, offset=letter.offset, key=letter.key,
        value=letter.value,
        headers=tuple((name, base64.b64decode(value) if value is not None else None)
                      for name, value in letter.headers or ()),
        timestamp=letter.record_time)


# --- operator actions
# What an operator does with a held letter (province/api.py, ``zhaoshang province dead-letters``
# and the admin page /web/province/dead-letters all call these): list, inspect, replay,
# discard. Replay reads the stored raw record again (the catalogue or the configuration may
# have been fixed since) and applies it in the same transaction as the letter's new status;
# it never touches Kafka offsets.

STATUSES = {"held": "待处理", "replayed": "已重放", "discarded": "已放弃"}
RESOLUTION_APPLIED = "已重放并应用"
RESOLUTION_DUPLICATE = "已应用过（重复），未重复计入"
MAX_ID = 2**31 - 1  # the id column's range: a larger id names no letter (404, not a 500)
MAX_REASON = 500


@dataclass(frozen=True)
class ReplayOutcome:
    """What one replay did: ``applied``, ``duplicate`` (its event id was already applied) or
    ``still_bad`` (the record is still not a valid event: the letter stays held)."""

    letter_id: int
    outcome: str
    reason: str | None = None
    detail: str | None = None

    @property
    def resolved(self) -> bool:
        return self.outcome != "still_bad"

    def refusal(self) -> Problem:
        """The 409 a caller answers when the record is still bad, with its reason code."""
        reason = self.reason or "dead_letter.still_bad"
        return refused([Refusal(reason, f"{reason}：{self.detail or ''}")],
                       f"死信 {self.letter_id} 重放未成功，仍为待处理")


def dead_letter_query(city: str | None = None, status: str | None = None) -> sa.Select:
    """Dead letters of ``city`` in ``status`` (None: any), oldest first."""
    query = sa.select(DeadLetter)
    if city is not None:
        query = query.where(DeadLetter.city == city)
    if status is not None:
        query = query.where(DeadLetter.status == status)
    return query.order_by(DeadLetter.id)


def list_dead_letters(session: Session, city: str | None = None, status: str | None = None,
                      limit: int = 50, offset: int = 0) -> list[DeadLetter]:
    return list(session.scalars(dead_letter_query(city, status).limit(limit).offset(offset)))


def get(session: Session, letter_id: int, lock: bool = False) -> DeadLetter:
    """The letter ``letter_id``, or a 404 problem (an id outside the column's range too).
    ``lock``: held for update, so two operators acting at once act one after the other."""
    letter = None
    if 1 <= letter_id <= MAX_ID:
        query = sa.select(DeadLetter).where(DeadLetter.id == letter_id)
        letter = session.scalar(query.with_for_update() if lock else query)
    if letter is None:
        raise not_found("死信", letter_id)
    return letter


def _held(session: Session, letter_id: int) -> DeadLetter:
    letter = get(session, letter_id, lock=True)
    if letter.status != "held":
        label = STATUSES.get(letter.status, letter.status)
        raise refused([Refusal("dead_letter.not_held",
                               f"死信 {letter_id} {label}（{letter.resolved_by or '—'}），"
                               "只能处理待处理的死信")])
    return letter


def replay(session: Session, config: ProvinceConfig, letter_id: int,
           actor_label: str) -> ReplayOutcome:
    """Read letter ``letter_id``'s raw record again and apply it, in ``session``'s transaction.

    Applied: ``replayed``. Its event id already in the inbox: ``replayed`` too, nothing applied
    twice. Still bad (reading or applying fails): stays ``held`` with the new reason and
    ``attempts`` + 1; the caller commits that and answers :meth:`ReplayOutcome.refusal`.
    A letter that is not held is a 409 problem."""
    letter = _held(session, letter_id)
    now = config.clock.utcnow()
    letter.attempts += 1
    try:
        event = read_event(raw_record_of(letter), config)
        with session.begin_nested():  # a failing apply leaves the letter's own update intact
            applied = apply_events(session, [event], received_at=now)
    except BadRecord as bad:
        letter.event_id = _text(bad.event_id, CLAIMED_WIDTH) or letter.event_id
        letter.event_type = _text(bad.event_type, CLAIMED_WIDTH) or letter.event_type
        if bad.sequence is not None:
            letter.sequence = bad.sequence
        return _still_bad(letter, bad.reason, bad.detail)
    except (OperationalError, InterfaceError, DisconnectionError):
        raise  # the database is away: nothing is decided about the record
    except Exception as exc:  # noqa: BLE001 - whatever the store raised, the record stays held
        return _still_bad(letter, "apply.failed", f"应用失败：{exc}"[:2000])
    letter.status = "replayed"
    letter.resolved_at, letter.resolved_by = now, actor_label
    letter.resolution = RESOLUTION_APPLIED if applied else RESOLUTION_DUPLICATE
    return ReplayOutcome(letter.id, "applied" if applied else "duplicate")


def _still_bad(letter: DeadLetter, reason: str, detail: str) -> ReplayOutcome:
    letter.reason, letter.detail = reason, _text(detail) or ""
    return ReplayOutcome(letter.id, "still_bad", reason, letter.detail)


def replay_all(sessions: sessionmaker[Session], config: ProvinceConfig, actor_label: str,
               city: str | None = None) -> list[ReplayOutcome]:
    """Replay every held letter (of ``city``), oldest first, each in its own transaction."""
    with sessions() as session:
        ids = list(session.scalars(dead_letter_query(city, "held")
                                   .with_only_columns(DeadLetter.id)))
    outcomes = []
    for letter_id in ids:
        with unit_of_work(sessions) as session:
            outcomes.append(replay(session, config, letter_id, actor_label))
    return outcomes


def discard(session: Session, letter_id: int, actor_label: str, reason: str | None,
            now: dt.datetime | None = None) -> DeadLetter:
    """Give letter ``letter_id`` up for good: ``reason`` is required and kept with who and
    when. A letter that is not held is a 409 problem."""
    text = (reason or "").strip()
    if not text:
        raise invalid_input([FieldProblem("reason", "reason.required", "请填写放弃该死信的理由")])
    if len(text) > MAX_REASON:
        raise invalid_input([FieldProblem("reason", "reason.too_long",
                                          f"理由不能超过 {MAX_REASON} 个字")])
    letter = _held(session, letter_id)
    letter.status = "discarded"
    letter.resolved_at, letter.resolved_by = now or utcnow(), actor_label
    letter.resolution = f"已放弃：{text}"
    return letter


def shown(data: bytes | None) -> dict[str, Any] | None:
    """Raw bytes as an operator reads them: UTF-8 text when they are, else base64 and hex."""
    if data is None:
        return None
    try:
        return {"encoding": "utf-8", "data": data.decode("utf-8"), "hex": None,
                "size": len(data)}
    except UnicodeDecodeError:
        return {"encoding": "base64", "data": base64.b64encode(data).decode("ascii"),
                "hex": data.hex(), "size": len(data)}


def value_text(data: bytes | None) -> str | None:
    """The value for reading: indented JSON when it parses, else its text, else None."""
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    except ValueError:
        return text


def inspected(letter: DeadLetter) -> dict[str, Any]:
    """The letter's raw key, headers and value as shown (:func:`shown`)."""
    raw = raw_record_of(letter)
    return {"key": shown(raw.key), "value": shown(raw.value),
            "value_text": value_text(raw.value),
            "headers": [{"name": name} | (shown(value) or {"encoding": None, "data": None,
                                                           "hex": None, "size": 0})
                        for name, value in raw.headers]}

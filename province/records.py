"""Reading a Kafka record of a city topic: an event the province can apply, or a bad record.

:func:`read_event` is total: whatever the bytes, it returns a
:class:`~province.store.ReceivedEvent` or raises :class:`BadRecord` — never anything else —
so one bad record can never fail a round (and block the records behind it). A bad record
carries a stable reason code (documented in ``docs/events.md``, "Every record has one fate")
and a readable detail; the consumer sets it aside as a dead letter (province.dead_letters).

What is checked, in order: the topic is a collected city's; the CloudEvents headers are
present, UTF-8 and well formed; the event claims to come from the topic's own city; the value
is a JSON object; the type is catalogued — the core's and every installed city plugin's
types (core.plugin_events), a renamed type's former name read as its current one — at its
schema version and the data matches its entry; and the values fit the province's columns,
so applying cannot fail on them (a failure there would otherwise be found only inside the
transaction).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from core.event_catalogue import check_event
from core.events import event_source
from core.plugin_events import installed_aliases, installed_catalogue
from province.config import ProvinceConfig
from province.header_names import undecodable_names
from province.models import CityLead, CityProject, InboxEvent
from province.store import ReceivedEvent

REQUIRED_HEADERS = ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time")
SPECVERSION = "1.0"
DIGITS = re.compile(r"[0-9]+")
MAX_SEQUENCE = 2**63  # ce_sequence goes in a BIGINT column
MAX_ID = 2**31 - 1  # project and lead ids go in INTEGER columns
MAX_MONEY = Decimal(10) ** 14  # Numeric(18, 4): 14 digits before the point

# Reason codes and what they mean (docs/events.md shows the same table).
REASONS = {
    "topic.unknown": "the record's topic is not a collected city's",
    "headers.missing": "a required CloudEvents header is missing or null",
    "header.not_utf8": "a header name or value is not UTF-8",
    "header.duplicate": "a ce_* header appears twice",
    "specversion.unsupported": "ce_specversion is not 1.0",
    "id.invalid": "ce_id is empty, longer than the inbox column or holds a NUL",
    "sequence.invalid": "ce_sequence is not a non-negative integer below 2^63",
    "time.invalid": "ce_time is not an ISO 8601 time",
    "city.not_this_topic": "ce_city or ce_source names another city than the topic's",
    "value.empty": "no value (null or empty: a tombstone)",
    "value.not_json": "the value is not UTF-8 JSON",
    "value.not_object": "the value is JSON but not an object",
    "type.uncatalogued": "ce_type is not in the event catalogue",
    "schema.version_unknown": "ce_schemaversion is not the catalogued version",
    "data.invalid": "the data departs from the catalogue or does not fit the province's columns",
    "record.unreadable": "reading the record failed unexpectedly (the detail names the error)",
    "apply.failed": "applying the event raised (set aside by the consumer)",
}


class BadRecord(Exception):
    """A record that is not an applicable event of its topic's city.

    ``reason`` is a stable code (:data:`REASONS`), ``detail`` a readable explanation; what
    could be read of the event (id, type, sequence) is kept for the operator, None otherwise.
    """

    def __init__(self, reason: str, detail: str, event_id: str | None = None,
                 event_type: str | None = None, sequence: int | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.event_id = event_id
        self.event_type = event_type
        self.sequence = sequence


@dataclass(frozen=True)
class RawRecord:
    """A Kafka record's bytes and position, as received (or as kept in a dead letter)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None = None
    value: bytes | None = None
    headers: tuple[tuple[str, bytes | None], ...] = ()
    timestamp: dt.datetime | None = None

    @classmethod
    def of(cls, record: Any) -> RawRecord:
        """The raw record of a kafka-python ``ConsumerRecord`` (or alike); never raises."""
        return cls(topic=str(getattr(record, "topic", "")),
                   partition=_int(getattr(record, "partition", -1)),
                   offset=_int(getattr(record, "offset", -1)),
                   key=_bytes(getattr(record, "key", None)),
                   value=_bytes(getattr(record, "value", None)),
                   headers=_headers(getattr(record, "headers", None)),
                   timestamp=_timestamp(getattr(record, "timestamp", None)))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return -1


def _bytes(value: Any) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    try:
        return bytes(value)
    except (TypeError, ValueError):
        return repr(value).encode()


def _headers(headers: Any) -> tuple[tuple[str, bytes | None], ...]:
    try:
        return tuple((name if isinstance(name, str) else str(name), _bytes(value))
                     for name, value in headers or ())
    except (TypeError, ValueError):
        return ()


def _timestamp(milliseconds: Any) -> dt.datetime | None:
    """The record's Kafka timestamp (milliseconds since the epoch), if it has a usable one."""
    try:
        if milliseconds is None or int(milliseconds) < 0:
            return None
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
            milliseconds=int(milliseconds))
    except (TypeError, ValueError, OverflowError):
        return None


# --------------------------------------------------------------------------- reading


def read_event(raw: RawRecord, config: ProvinceConfig) -> ReceivedEvent:
    """The event ``raw`` carries; raises :class:`BadRecord` (only) when it is not one."""
    reader = _Reader(raw)
    try:
        event = reader.read(config)
    except BadRecord as bad:
        if not undecodable_names(raw):
            raise
        reader = _Reader(raw)  # what could be read of the event, then the name's fault
        reader.event_id, reader.event_type, reader.sequence = (bad.event_id, bad.event_type,
                                                               bad.sequence)
    except Exception as exc:  # totality: an unforeseen failure is this record's, not the round's
        raise reader.bad("record.unreadable", f"读取消息时出错：{exc!r}") from exc
    else:
        if not undecodable_names(raw):
            return event
        reader.event_id, reader.event_type, reader.sequence = event.id, event.type, event.sequence
    # A header name that is not UTF-8 makes the record bad whatever else it holds.
    names = undecodable_names(raw)
    shown = "、".join(f"{name.raw[:60]!r}（记为 {name[:90]}）" for name in names[:5])
    raise reader.bad("header.not_utf8", f"消息头名称不是 UTF-8 编码：{shown}")


class _Reader:
    """Reads one record, remembering what it could read for the bad record it may become."""

    def __init__(self, raw: RawRecord) -> None:
        self.raw = raw
        self.event_id: str | None = None
        self.event_type: str | None = None
        self.sequence: int | None = None

    def bad(self, reason: str, detail: str) -> BadRecord:
        return BadRecord(reason, detail, self.event_id, self.event_type, self.sequence)

    def read(self, config: ProvinceConfig) -> ReceivedEvent:
        raw = self.raw
        city = config.city_of_topic(raw.topic)
        if city is None:
            raise self.bad("topic.unknown", f"主题 {raw.topic!r} 不是本省收集的城市主题")
        headers = self._headers()
        self.event_id = headers.get("ce_id") or None
        self.event_type = headers.get("ce_type") or None
        missing = [name for name in REQUIRED_HEADERS if name not in headers]
        if missing:
            raise self.bad("headers.missing", f"缺少消息头：{', '.join(missing)}")
        if headers["ce_specversion"] != SPECVERSION:
            raise self.bad("specversion.unsupported",
                           f"ce_specversion 为 {headers['ce_specversion']!r}，仅支持 1.0")
        event_id = headers["ce_id"]
        limit = InboxEvent.__table__.c.id.type.length
        if not event_id or len(event_id) > limit or "\x00" in event_id:
            raise self.bad("id.invalid", f"ce_id {event_id[:80]!r} 为空、含 NUL 或超过 {limit} 个字符")
        self.sequence = self._sequence(headers.get("ce_sequence"))
        moment = self._time(headers["ce_time"])
        self._check_city(city, headers)
        data = self._data()
        # A renamed type's former name is read as the type it became (core.plugin_events).
        event_type = installed_aliases().get(headers["ce_type"], headers["ce_type"])
        catalogue = installed_catalogue()
        entry = catalogue.get(event_type)
        if entry is None:
            raise self.bad("type.uncatalogued", f"事件类型 {event_type[:100]!r} 不在事件目录中")
        version = headers.get("ce_schemaversion")
        if version is not None and (not DIGITS.fullmatch(version) or len(version) > 9
                                    or int(version) != entry.version):
            raise self.bad("schema.version_unknown",
                           f"{event_type} 的 ce_schemaversion 为 {version[:20]!r}，"
                           f"目录中的版本为 {entry.version}")
        problems = (check_event(event_type, data, catalogue=catalogue)
                    + fits_columns(event_type, data))
        if problems:
            raise self.bad("data.invalid", "数据与事件目录或省级库字段不符：" + "；".join(problems[:20]))
        return ReceivedEvent(id=event_id, source=headers["ce_source"], type=event_type, city=city,
                             time=moment, data=data, sequence=self.sequence,
                             subject=headers.get("ce_subject"),
                             schema_version=int(version) if version is not None else None,
                             topic=raw.topic, partition=raw.partition, offset=raw.offset,
                             # an extension header: read when present, never a reason to refuse
                             request_id=headers.get("ce_requestid"))

    def _headers(self) -> dict[str, str]:
        """The headers as text; a null value counts as absent."""
        found: dict[str, str] = {}
        for name, value in self.raw.headers:
            if value is None:
                continue
            try:
                text = value.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise self.bad("header.not_utf8",
                               f"消息头 {name[:60]!r} 的值不是 UTF-8 编码（{exc.reason}，"
                               f"第 {exc.start} 字节）") from exc
            if name in found and name.startswith("ce_"):
                raise self.bad("header.duplicate", f"消息头 {name[:60]!r} 出现了两次")
            found.setdefault(name, text)
        return found

    def _sequence(self, text: str | None) -> int | None:
        if text is None:
            return None
        if not DIGITS.fullmatch(text) or len(text) > 25 or int(text) >= MAX_SEQUENCE:
            raise self.bad("sequence.invalid",
                           f"ce_sequence {text[:40]!r} 不是小于 2^63 的非负整数")
        return int(text)

    def _time(self, text: str) -> dt.datetime:
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise self.bad("time.invalid", f"ce_time {text[:60]!r} 不是 ISO 8601 时间") from exc
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

    def _check_city(self, city: str, headers: dict[str, str]) -> None:
        source = headers["ce_source"]
        claimed = headers.get("ce_city")
        if claimed is not None and claimed != city:
            raise self.bad("city.not_this_topic",
                           f"ce_city 为 {claimed[:40]!r}，但消息来自 {city} 的主题 {self.raw.topic}")
        if source != event_source(city):
            raise self.bad("city.not_this_topic",
                           f"ce_source 为 {source[:80]!r}，{city} 的主题只接受 {event_source(city)}")

    def _data(self) -> dict[str, Any]:
        value = self.raw.value
        if not value:
            raise self.bad("value.empty", "消息值为空（null 或零字节，即墓碑消息）")
        try:
            data = json.loads(value.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise self.bad("value.not_json", f"消息值不是 UTF-8 JSON：{str(exc)[:200]}") from exc
        if not isinstance(data, dict):
            raise self.bad("value.not_object", f"消息值是 JSON {type(data).__name__}，不是对象")
        return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# --------------------------------------------------------------------------- the columns

# Which data the store writes into which province column (province.store): the catalogue
# says a field is a string or an integer, the columns say how long or how large it may be.
_ENTERPRISE_TEXT = {"name": "enterprise_name", "normalized_name": "normalized_name",
                    "credit_code": "credit_code", "origin_province": "origin_province"}
_TEXT = {
    "project": (CityProject, {"name": "name", "industry": "industry", "stage": "stage",
                              "status": "status", "channel": "channel"}),
    "lead": (CityLead, {"title": "title", "status": "status", "industry": "industry"}),
}
_IDS = {"project": ("project_id",), "lead": ("lead_id", "project_id")}


def fits_columns(event_type: str, data: dict[str, Any]) -> list[str]:
    """Where catalogue-valid data of a state-carrying type would not fit the province's
    columns (ids, money, text lengths); empty when it fits."""
    entry = installed_catalogue().get(event_type)
    carries = entry.carries if entry is not None else None
    if carries is None:
        return []
    model, texts = _TEXT[carries]
    enterprise = data.get("enterprise") if isinstance(data.get("enterprise"), dict) else {}
    found = []
    for field, column in texts.items():
        found += _text_problem(f"data.{field}", data.get(field), model, column)
    for field, column in _ENTERPRISE_TEXT.items():
        found += _text_problem(f"data.enterprise.{field}", enterprise.get(field), model, column)
    for field in _IDS[carries]:
        value = data.get(field)
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            found.append(f"data.{field}: {value} 超出 1..2^31-1")
    if carries == "project":
        found += _money_problem("data.amount", data.get("amount"))
        tranches = [t for t in data.get("funds") or [] if isinstance(t, dict)]
        for index, tranche in enumerate(tranches):
            found += _money_problem(f"data.funds[{index}].amount", tranche.get("amount"))
        if not found:
            arrived = sum((_decimal(t.get("amount")) or Decimal(0) for t in tranches
                           if t.get("verification") == "verified"), Decimal(0))
            found += _money_problem("data.funds (已核实合计)", str(arrived))
    else:
        found += _money_problem("data.intended_amount", data.get("intended_amount"))
    return found


def _text_problem(path: str, value: Any, model: Any, column: str) -> list[str]:
    if not isinstance(value, str):
        return []
    limit = model.__table__.c[column].type.length
    if len(value) > limit:
        return [f"{path}: {len(value)} 个字符，超过 {limit}"]
    return [f"{path}: 含 NUL 字符"] if "\x00" in value else []


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        return None


def _money_problem(path: str, value: Any) -> list[str]:
    amount = _decimal(value)
    if amount is None:
        return []
    if not amount.is_finite() or abs(amount) >= MAX_MONEY:
        return [f"{path}: {value[:40]} 不是有限的或超出 Numeric(18,4)"]
    return []

"""Header names that are not UTF-8, read without loss by the province's Kafka consumer.

kafka-python (3.0.12) decodes each header NAME of a v2 record itself, strictly
(``DefaultRecordBatch._read_msg``). On a name that is not UTF-8 its UnicodeDecodeError (a
ValueError) becomes a ``CorruptRecordError`` of the batch iterator, which ends the fetcher's
record generator (``Fetcher.PartitionRecords._unpack_records``): ``poll()`` returns the records
before it, raises the error once, and every later ``poll()`` spins forever inside
``Fetcher.fetched_records`` (``take()`` of the dead generator returns nothing and never drains
it, so the same reader stays "next in line"). One such record would stop the consumer.

:func:`read_header_names_losslessly` changes that for ONE consumer instance, and only for such
records: its fetcher's ``PartitionRecords`` (looked up on the fetcher instance, so no other
KafkaConsumer of the process is touched) becomes :class:`_PartitionRecords`, whose v2 batches
are :class:`_Batch`. A record kafka-python reads is returned exactly as kafka-python read it;
only a record whose reading raises UnicodeDecodeError is read again by :func:`_read_record`
(our reader of the documented v2 record format), which keeps each name that is not UTF-8 as an
:class:`UndecodedName`: ASCII text ``base64:<its bytes>`` (safe in JSON, logs and any
database) carrying the raw bytes. The consumer sets such a record aside as ``header.not_utf8``
with its key, value and headers (:func:`undecodable_names`).
"""

from __future__ import annotations

import base64
from typing import Any

from kafka.consumer.fetcher import Fetcher
from kafka.errors import CorruptRecordError
from kafka.record.default_records import DefaultRecord, DefaultRecordBatch
from kafka.record.util import decode_varint

PREFIX = "base64:"


class UndecodedName(str):
    """A header name that is not UTF-8: the text ``base64:<its bytes>``, the bytes ``raw``."""

    raw: bytes

    def __new__(cls, raw: bytes) -> UndecodedName:
        name = super().__new__(cls, PREFIX + base64.b64encode(raw).decode("ascii"))
        name.raw = raw
        return name


def undecodable_names(raw: Any) -> list[UndecodedName]:
    """The header names of a :class:`~province.records.RawRecord` that are not UTF-8: as read
    from Kafka, or as kept in a dead letter (the same ``base64:`` text, so a replay judges the
    record as the intake did)."""
    found = []
    for name, _ in raw.headers:
        if isinstance(name, UndecodedName):
            found.append(name)
        elif isinstance(name, str) and name.startswith(PREFIX):
            try:
                found.append(UndecodedName(base64.b64decode(name[len(PREFIX):], validate=True)))
            except ValueError:
                found.append(UndecodedName(name.encode()))
    return found


def read_header_names_losslessly(consumer: Any) -> None:
    """Make ``consumer`` (a KafkaConsumer) deliver a record with a header name that is not
    UTF-8 (as :class:`UndecodedName`) instead of failing on it; other records are unchanged."""
    fetcher = getattr(consumer, "_fetcher", None)  # kafka-python keeps no public handle on it
    if not isinstance(fetcher, Fetcher):
        raise RuntimeError("kafka-python changed: KafkaConsumer._fetcher is not a Fetcher; "
                           "see province/header_names.py")
    fetcher.PartitionRecords = _PartitionRecords


class _PartitionRecords(Fetcher.PartitionRecords):
    """One fetched partition's records, whose v2 batches are :class:`_Batch`."""

    def __init__(self, fetch_offset: int, tp: Any, records: Any, *args: Any,
                 **kwargs: Any) -> None:
        super().__init__(fetch_offset, tp, _Records(records), *args, **kwargs)

    def take(self, n: int | None = None) -> list[Any]:
        records = super().take(n)
        if not records and self:
            # The generator died of an error (raised by an earlier take): kafka-python would
            # offer this reader forever (a busy loop in fetched_records). Drained, the
            # partition is fetched again at its position and the error is raised by poll().
            self.drain()
        return records


class _Records:
    """A fetched ``MemoryRecords`` whose v2 batches are read as :class:`_Batch`."""

    def __init__(self, records: Any) -> None:
        self._records = records

    def next_batch(self, *args: Any, **kwargs: Any) -> Any:
        batch = self._records.next_batch(*args, **kwargs)
        if type(batch) is DefaultRecordBatch:
            batch.__class__ = _Batch  # same slots, not yet read: no copy of its bytes
        return batch

    def __getattr__(self, name: str) -> Any:
        return getattr(self._records, name)


class _Batch(DefaultRecordBatch):
    """A v2 batch whose records are kafka-python's, except one with a name that is not UTF-8."""

    __slots__ = ()

    def _read_msg(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super()._read_msg(*args, **kwargs)
        except UnicodeDecodeError:  # a header name; self._pos is still at the record's start
            if self.is_control_batch:
                raise
            record, self._pos = _read_record(self, self._buffer, self._pos)
            return record


def _read_record(batch: DefaultRecordBatch, buffer: bytearray, pos: int) -> tuple[Any, int]:
    """The v2 record at ``pos`` of ``batch``'s (uncompressed) records and the position after
    it; a header name that is not UTF-8 is an :class:`UndecodedName`.

    Record: length varint, attributes int8, timestamp delta varlong, offset delta varint, key
    and value (varint length, -1 for null, then the bytes), header count varint, then each
    header's name (varint length, bytes) and value (as the key).
    """
    length, pos = decode_varint(buffer, pos)
    start = pos
    pos += 1  # attributes: unused by record format v2
    timestamp_delta, pos = decode_varint(buffer, pos)
    offset_delta, pos = decode_varint(buffer, pos)
    key, pos = _bytes_at(buffer, pos)
    value, pos = _bytes_at(buffer, pos)
    count, pos = decode_varint(buffer, pos)
    if count < 0:
        raise CorruptRecordError(f"invalid header count {count}")
    headers = []
    for _ in range(count):
        name, pos = _bytes_at(buffer, pos)
        if name is None:
            raise CorruptRecordError("a null header name")
        header_value, pos = _bytes_at(buffer, pos)
        headers.append((_name(name), header_value))
    if pos - start != length:
        raise CorruptRecordError(f"record of {length} bytes, {pos - start} read")
    timestamp = (batch.max_timestamp if batch.timestamp_type == batch.LOG_APPEND_TIME
                 else batch.first_timestamp + timestamp_delta)
    return DefaultRecord(length, batch.base_offset + offset_delta, timestamp,
                         batch.timestamp_type, key, value, headers), pos


def _bytes_at(buffer: bytearray, pos: int) -> tuple[bytes | None, int]:
    size, pos = decode_varint(buffer, pos)
    if size < 0:
        return None, pos
    if pos + size > len(buffer):
        raise CorruptRecordError(f"{size} bytes announced, {len(buffer) - pos} left")
    return bytes(buffer[pos:pos + size]), pos + size


def _name(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return UndecodedName(data)

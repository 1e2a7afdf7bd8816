"""Which partition of a topic a record key goes to: Kafka's default partitioner, cheaper.

kafka-python's ``DefaultPartitioner`` hashes every key with a byte-by-byte pure-Python
murmur2 on each ``send()`` — a large share of a send's cost. The relay picks the partition
itself and passes it to ``send(partition=…)``: the same partition (``murmur2(key) &
0x7fffffff`` modulo the number of partitions, as the Java client and kafka-python), so the
order per key and the records' placement are those of the default partitioner, at a fraction
of the cost (words unpacked at once; a key seen recently is looked up, not hashed again).
"""

from __future__ import annotations

import struct

_M = 0x5BD1E995
_MASK = 0xFFFFFFFF
_unpack = struct.unpack_from


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 of ``data`` (unsigned 32-bit), equal to kafka-python's ``murmur2``."""
    length = len(data)
    h = 0x9747B28C ^ length
    words = length >> 2
    for k in _unpack(f"<{words}I", data) if words else ():
        k = (k * _M) & _MASK
        k ^= k >> 24
        h = ((h * _M) & _MASK) ^ ((k * _M) & _MASK)
    rest = length & 3
    if rest:
        tail = length & ~3
        if rest == 3:
            h ^= data[tail + 2] << 16
        if rest >= 2:
            h ^= data[tail + 1] << 8
        h = ((h ^ data[tail]) * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    return h ^ (h >> 15)


class KeyPartitions:
    """The default partitioner's choice per key, remembered for the keys seen recently (an
    aggregate's events come close together). Bounded: forgotten wholesale past ``limit``."""

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._partitions: tuple[int, ...] = ()
        self._chosen: dict[bytes, int] = {}

    def for_topic(self, partitions: set[int] | list[int] | tuple[int, ...]) -> None:
        """The topic's partitions as the producer's metadata has them (before each batch:
        should they ever change, keys are placed as the default partitioner then would)."""
        ordered = tuple(sorted(partitions))
        if ordered != self._partitions:
            self._partitions = ordered
            self._chosen = {}

    def __call__(self, key: bytes) -> int:
        chosen = self._chosen.get(key)
        if chosen is None:
            if len(self._chosen) >= self.limit:
                self._chosen = {}
            partitions = self._partitions
            chosen = self._chosen[key] = partitions[(murmur2(key) & 0x7FFFFFFF) % len(partitions)]
        return chosen

"""The relay picks each record's partition itself (``send(partition=…)``, skipping
kafka-python's pure-Python hashing): it must be the default partitioner's choice, key for key,
or an aggregate's events would land where a consumer of the default layout does not expect."""

from __future__ import annotations

import random

from kafka.partitioner.default import DefaultPartitioner
from kafka.partitioner.default import murmur2 as kafka_murmur2

from core.key_partitions import KeyPartitions, murmur2


class Layout:
    """The part of kafka-python's ClusterMetadata its DefaultPartitioner reads."""

    def __init__(self, partitions: set[int]) -> None:
        self.partitions = partitions

    def topics(self) -> set[str]:
        return {"t"}

    def partitions_for_topic(self, topic: str) -> set[int]:
        return self.partitions

    def available_partitions_for_topic(self, topic: str) -> set[int]:
        return self.partitions


def test_murmur2_is_kafkas_for_every_length_and_byte():
    chance = random.Random(21)
    for length in range(70):
        for _ in range(30):
            data = bytes(chance.randrange(256) for _ in range(length))
            assert murmur2(data) == kafka_murmur2(data), data
    for key in (b"", b"\xff\xff\xff", "兰州:project:1".encode(), b"sanming:lead:123456"):
        assert murmur2(key) == kafka_murmur2(key)


def test_each_key_gets_the_default_partitioners_partition_and_keeps_it_when_asked_again():
    chance = random.Random(5)
    keys = [f"city{n % 5}:project:{chance.randrange(10**9)}".encode() for n in range(2000)]
    for partitions in ({0}, {0, 1, 2}, set(range(12))):
        default, layout = DefaultPartitioner(), Layout(partitions)
        picked = KeyPartitions(limit=100)  # small: forgetting must not change a choice
        picked.for_topic(partitions)
        for key in keys + keys:
            assert picked(key) == default.partition("t", key, key, b"", b"", layout)


def test_a_topic_given_more_partitions_places_keys_anew():
    picked = KeyPartitions()
    picked.for_topic({0, 1, 2})
    key = next(k for n in range(100) if (k := f"a:{n}".encode()) and
               (kafka_murmur2(k) & 0x7FFFFFFF) % 3 != (kafka_murmur2(k) & 0x7FFFFFFF) % 8)
    before = picked(key)
    picked.for_topic(set(range(8)))
    assert picked(key) == (kafka_murmur2(key) & 0x7FFFFFFF) % 8 != before

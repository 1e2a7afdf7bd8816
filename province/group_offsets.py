"""Where the province's consumer group stands on each city topic, read from the broker.

One reading serves two readers: the freshness report's lag (:func:`province.reports.consumer_lag`)
and the consumer's own check that its group is still reading (:class:`province.consumer.StallWatch`).
"""

from __future__ import annotations

from typing import Any

from province.config import ProvinceConfig

# topic -> partition -> (the group's committed offset, 0 if none; the partition's end offset),
# or None for a topic without partitions (not created yet).
GroupOffsets = dict[str, dict[int, tuple[int, int]] | None]


def group_offsets(config: ProvinceConfig, timeout_ms: int = 3000) -> GroupOffsets:
    """The group's committed and the end offsets of every partition of the configured topics.

    Reads without joining the group (a consumer with the group's id that never subscribes).
    """
    from kafka import KafkaConsumer, TopicPartition

    consumer: Any = KafkaConsumer(
        bootstrap_servers=config.bootstrap_servers, group_id=config.group_id,
        enable_auto_commit=False, bootstrap_timeout_ms=timeout_ms,
        request_timeout_ms=max(timeout_ms, 5000), client_id=f"zhaoshang-{config.code}-lag")
    try:
        offsets: GroupOffsets = {}
        for topic in config.topics:
            partitions = consumer.partitions_for_topic(topic)
            if not partitions:
                offsets[topic] = None
                continue
            tps = [TopicPartition(topic, p) for p in sorted(partitions)]
            ends = consumer.end_offsets(tps)
            offsets[topic] = {tp.partition: (consumer.committed(tp) or 0, ends[tp]) for tp in tps}
        return offsets
    finally:
        consumer.close(autocommit=False)


def lag_of(offsets: GroupOffsets) -> dict[str, int | None]:
    """Records not yet consumed by the group, per topic (None: the topic has no partitions)."""
    return {topic: None if partitions is None
            else sum(end - committed for committed, end in partitions.values())
            for topic, partitions in offsets.items()}

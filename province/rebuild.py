"""Rebuilding the province from nothing: ``zhaoshang province rebuild --yes``.

The province's tables are a copy derived from the cities' topics, which keep every record
(``retention.ms=-1`` unless a deployment chose otherwise; docs/events.md, "Retention, replay
and rebuild"). A rebuild empties every province table in one transaction and moves the
consumer group's committed offsets of every city topic back to the beginning; the province
consumer, started again, re-reads everything (with no partition positions in the database,
Kafka's offsets apply) and arrives at the same figures.

It refuses while the group has members: a running consumer would keep applying (and
committing offsets) into the tables being emptied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from core.db import unit_of_work
from province.config import ProvinceConfig
from province.models import ProvinceBase


class RebuildRefused(RuntimeError):
    """The rebuild would be unsafe now; the message says why and what to do."""


@dataclass
class Rebuilt:
    """What :func:`rebuild` did."""

    rows_deleted: dict[str, int] = field(default_factory=dict)  # table -> rows
    offsets_reset: dict[str, int] = field(default_factory=dict)  # topic -> partitions
    missing_topics: list[str] = field(default_factory=list)  # no such topic yet

    def as_dict(self) -> dict[str, Any]:
        return {"rows_deleted": self.rows_deleted, "offsets_reset": self.offsets_reset,
                "missing_topics": self.missing_topics}


def active_members(config: ProvinceConfig, admin_factory: Any = None) -> list[str]:
    """The members of the province's consumer group (client id@host of each)."""
    from kafka import KafkaAdminClient

    admin = (admin_factory or KafkaAdminClient)(
        bootstrap_servers=config.bootstrap_servers, client_id=f"zhaoshang-{config.code}-rebuild",
        request_timeout_ms=15_000, bootstrap_timeout_ms=5_000)
    try:
        # kafka-python 3 names it describe_groups (KafkaAdminClient.describe_consumer_groups
        # in other clients): {group id: {"state": …, "members": [{"client_id": …}, …]}}.
        group = admin.describe_groups([config.group_id]).get(config.group_id) or {}
        return [f"{member.get('client_id')}@{member.get('client_host')}"
                for member in group.get("members") or []]
    finally:
        admin.close()


def empty_tables(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Delete every row of every province table (children first), in one transaction."""
    deleted: dict[str, int] = {}
    with unit_of_work(sessions) as session:
        for table in reversed(ProvinceBase.metadata.sorted_tables):
            deleted[table.name] = session.execute(sa.delete(table)).rowcount
    return deleted


def reset_offsets(config: ProvinceConfig) -> tuple[dict[str, int], list[str]]:
    """Commit the beginning of every partition of every city topic as the group's offsets."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    consumer = KafkaConsumer(bootstrap_servers=config.bootstrap_servers,
                             group_id=config.group_id, enable_auto_commit=False,
                             client_id=f"zhaoshang-{config.code}-rebuild",
                             bootstrap_timeout_ms=5_000, request_timeout_ms=30_000)
    try:
        partitions = [TopicPartition(topic, number) for topic in config.topics
                      for number in sorted(consumer.partitions_for_topic(topic) or [])]
        missing = [topic for topic in config.topics
                   if not any(tp.topic == topic for tp in partitions)]
        if partitions:
            # The earliest offset still held (0 unless the broker deleted records), asked of
            # the broker rather than assumed.
            beginnings = consumer.beginning_offsets(partitions)
            consumer.commit({tp: OffsetAndMetadata(beginnings[tp], "", -1) for tp in partitions})
        reset: dict[str, int] = {}
        for tp in partitions:
            reset[tp.topic] = reset.get(tp.topic, 0) + 1
        return reset, missing
    finally:
        consumer.close(autocommit=False)


def rebuild(config: ProvinceConfig, sessions: sessionmaker[Session],
            admin_factory: Any = None) -> Rebuilt:
    """Empty the province and rewind its group, refusing while a consumer runs."""
    members = active_members(config, admin_factory)
    if members:
        raise RebuildRefused(
            f"consumer group {config.group_id} has {len(members)} active member(s) "
            f"({', '.join(members)}): stop every province consumer first")
    done = Rebuilt(rows_deleted=empty_tables(sessions))
    done.offsets_reset, done.missing_topics = reset_offsets(config)
    return done

"""The province group's partition assignor, which remembers what it could not assign.

kafka-python's group leader compares the metadata it assigned from with later metadata and
rejoins when they differ. Its snapshot is taken before it asks the cluster for partitions, so
a topic whose partitions arrive in between is assigned to nobody and then looks unchanged:
the group never reads that city (seen in CI: a fresh consumer over two existing topics read
nothing for two minutes). This assignor is kafka-python's range assignor that also records
which subscribed topics had no partitions when it ran, so the consumer knows exactly when the
group's assignment left a topic out and can rejoin as soon as that topic has partitions.
"""

from __future__ import annotations

from typing import Any

from kafka.coordinator.assignors.range import RangePartitionAssignor


class GapNotingRangeAssignor(RangePartitionAssignor):
    """Range assignment, noting the subscribed topics it found without partitions.

    Only the group's leader assigns, so only the leader's instance notes anything; the
    leader's rejoin rebalances the whole group.
    """

    def __init__(self) -> None:
        self.assigned_without: set[str] = set()

    def assign(self, cluster: Any, members: Any) -> Any:  # type: ignore[override]
        subscribed = {topic for member in members for topic in member.metadata.topics}
        self.assigned_without = {topic for topic in subscribed
                                 if cluster.partitions_for_topic(topic) is None}
        return RangePartitionAssignor.assign(cluster, members)

    def forget(self) -> None:
        """A new membership starts with nothing left out."""
        self.assigned_without = set()

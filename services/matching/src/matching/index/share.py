"""Which districts an instance matches in: those Kafka's consumer group gives it.

Every instance reads every need and supply event (suppliers' records, and supply across a
district's border, are the whole city's), and proposes for the needs of its own districts: those
whose partition of the needs topic (where Kafka's default partitioner puts the district's code)
the group `matching.districts` assigns it. A new instance takes a share at the next rebalance;
the share of one that stops goes to the others at once, that of one that dies once the group
misses its heartbeats (`session_seconds`)."""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka.partitioner import murmur2


def partition_of(district: str, partitions: int) -> int:
    """The partition Kafka's default partitioner gives the key `district` (murmur2, as Java's)."""
    hashed: int = murmur2(district.encode())
    return (hashed & 0x7FFFFFFF) % partitions


class Share:
    """The partitions of the needs topic (of `partitions`) this instance holds: by default all
    of one, the whole city."""

    def __init__(self, partitions: int = 1, owned: Iterable[int] = (0,)) -> None:
        self.partitions = partitions
        self.owned = frozenset(owned)

    def owns(self, area_code: str) -> bool:
        """Whether this instance matches in that area's district."""
        return partition_of(area_code[:6], self.partitions) in self.owned

"""Who belongs to which organisation, as the registry's `member.*` events tell it, kept in memory
by each process that asks (the needs service's writers, the points service).

Every such process reads the members' topic itself (no consumer group), so each knows every
membership. It starts from its snapshot and reads on from the offsets the snapshot had read;
without a usable one it reads the topic from its beginning, after the member events published
on the organisations' topic before the members' had one (all of them older). It answers only
once it has read up to where the topic ended when it started.

Stored by both services, a city's 237,649 memberships were half a million more documents written
while the registry imported its members (some 30 of the load's 420 CPU-seconds, most of them the
database's); in memory they are ~57 MB a process."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aiokafka import TopicPartition

from contract.errors import Forbidden
from contract.events import MEMBERS_TOPIC, ORGANIZATIONS_TOPIC
from contract.events.organizations import MemberJoined, MemberLeft
from runtime.config import ServiceSettings
from runtime.handlers import Handlers
from runtime.kafka import EventReader, Reading, create_consumer
from runtime.replica import SnapshotFile, offsets_kept, snapshotting

log = logging.getLogger(__name__)


class Memberships:
    """Each member's organisations, in the order they joined them, and each organisation's members."""

    def __init__(self) -> None:
        self.organizations_of: dict[str, tuple[str, ...]] = {}
        self.members_in: dict[str, set[str]] = {}

    async def on_memberships(self, events: Sequence[MemberJoined | MemberLeft]) -> None:
        """Each event in turn: a join told again, or a departure of no member, changes nothing."""
        for event in events:
            member, organization = event.data.member_id, sys.intern(event.data.organization_id)
            theirs = self.organizations_of.get(member, ())
            if isinstance(event, MemberJoined):
                if organization not in theirs:
                    self.organizations_of[member] = (*theirs, organization)
                    self.members_in.setdefault(organization, set()).add(member)
            elif organization in theirs:
                if rest := tuple(o for o in theirs if o != organization):
                    self.organizations_of[member] = rest
                else:
                    del self.organizations_of[member]
                self.members_in[organization].discard(member)

    def has(self, organization_id: str, member_id: str) -> bool:
        return organization_id in self.organizations_of.get(member_id, ())

    async def members_of(self, organization_ids: set[str] | None) -> dict[str, list[str]]:
        """The members of any of those organisations (of every one: None), each with all their
        organisations."""
        if organization_ids is None:
            return {member: list(theirs) for member, theirs in self.organizations_of.items()}
        chosen = set().union(*(self.members_in.get(o, ()) for o in organization_ids))
        return {member: list(self.organizations_of[member]) for member in chosen}

    async def require_member(self, organization_id: str, member_id: str) -> None:
        """Forbidden unless the registry announced the person a member of the organisation."""
        if not self.has(organization_id, member_id):
            raise Forbidden("a member acts only through an organisation they belong to", member_id=member_id)


@dataclass
class MembershipsState:
    """A snapshot: the memberships, and where the members' topic had been read up to."""

    memberships: Memberships
    positions: dict[TopicPartition, int]


class KeptMemberships:
    """`memberships`, kept from the members' topic in this process (`open`, then `run`), and
    snapshotted every `every` seconds they changed and when the process stops."""

    def __init__(self, settings: ServiceSettings, snapshot: SnapshotFile | None, every: float) -> None:
        self.settings = settings
        self.snapshot = snapshot
        self.every = every
        self.memberships = Memberships()
        self.positions: dict[TopicPartition, int] = {}
        self.restored = False  # from the snapshot

    async def open(self) -> Memberships:
        """The memberships up to where the members' topic ends now: from the snapshot and the
        offsets it had read, else from the organisations' topic and then the members'."""
        start = None
        if restored := await self._restored():
            self.memberships, start, self.restored = restored.memberships, restored.positions, True
        else:
            await self._replay(ORGANIZATIONS_TOPIC, None)  # the member events of before the members' topic
        started = time.perf_counter()
        self.positions = await self._replay(MEMBERS_TOPIC, start)
        took = round(time.perf_counter() - started, 2)
        fields = {"members": len(self.memberships.organizations_of), "seconds": took, "restored": self.restored}
        log.info("memberships read up to where the topic ended", extra={"fields": fields})
        return self.memberships

    async def run(self) -> None:
        """Reads on until cancelled, with the snapshots."""
        reader = self._reader(MEMBERS_TOPIC, self.positions)
        written = -1  # the events read when the last snapshot was taken

        def changed() -> bool:
            return reader.events != written

        def state() -> MembershipsState:  # taken only to be written
            nonlocal written
            written = reader.events
            return MembershipsState(self.memberships, dict(reader.positions))

        await asyncio.gather(reader.run(), snapshotting(self.snapshot, state, changed, self.every, what="memberships"))

    async def _restored(self) -> MembershipsState | None:
        loaded = self.snapshot.load() if self.snapshot else None
        if loaded is None:
            return None
        state = loaded.state
        if not isinstance(state, MembershipsState):
            log.warning("memberships' snapshot passed over: it holds something else")
            return None
        if not await offsets_kept(self.settings, state.positions):
            log.warning("memberships' snapshot passed over: the topic no longer has its offsets")
            return None
        return state

    async def _replay(self, topic: str, start: dict[TopicPartition, int] | None) -> dict[TopicPartition, int]:
        """Reads the topic's member events from `start` (None: its beginning) up to where it
        ends now; where it read up to."""
        done = asyncio.Event()
        reader = self._reader(topic, start, on_caught_up=done.set)
        reading, waiting = asyncio.create_task(reader.run()), asyncio.create_task(done.wait())
        try:
            await asyncio.wait({reading, waiting}, return_when=asyncio.FIRST_COMPLETED)
            if reading.done():
                reading.result()  # what stopped it
        finally:
            for task in (reading, waiting):
                task.cancel()
            await asyncio.gather(reading, waiting, return_exceptions=True)
        return dict(reader.positions)

    def _reader(
        self, topic: str, start: dict[TopicPartition, int] | None, on_caught_up: Callable[[], None] = lambda: None
    ) -> EventReader:
        return EventReader(
            create_consumer(self.settings, [self.settings.topic(topic)], Reading.REPLAY),
            Handlers().batched((MemberJoined, MemberLeft), self.memberships.on_memberships),
            Reading.REPLAY,
            on_caught_up=on_caught_up,
            start=start,
        )

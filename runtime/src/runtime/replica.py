"""A read model every replica of a service keeps alike, and starts again in seconds.

Each process keeps its read model from its own writes (the repositories put what they store)
and from its service's own topics, read in every process (no consumer group): an event names
its aggregate (`subject`), which is read again from the database and put in, so what one
replica wrote reaches the others. A snapshot of the read model, with the offsets of the topics
it reflects, is written periodically and at shutdown; a process starts from it and reads the
topics on from those offsets. A snapshot that is missing, unreadable, of other code, or whose
offsets the topics no longer have is passed over: the read model is then loaded from the
database, and the topics read on from where they ended before that load began. Either way the
process answers only once it has read up to where the topics ended when it started.

Why re-read and not apply the event: events say what changed for other services, not a whole
aggregate; the database has the whole. Applying one twice, late or out of order changes
nothing, as the read models keep the newer version of an aggregate.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import pickle
import signal
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, TypeVar

from aiokafka import AIOKafkaConsumer, TopicPartition
from prometheus_client import Gauge

from contract.events import Envelope
from runtime.config import ServiceSettings
from runtime.pacing import collector_paused, long_lived

log = logging.getLogger(__name__)
S = TypeVar("S")
Refresh = Callable[[Sequence[str]], Awaitable[None]]  # reads aggregates again by id, puts them in the read model

MAGIC = b"pbs-read-model-snapshot 1\n"
SNAPSHOT_SECONDS = Gauge("read_model_snapshot_seconds", "How long the last snapshot of the read model took to write")


def code_fingerprint(*packages: ModuleType) -> str:
    """A digest of the packages' source: a snapshot written by other code is not read back,
    since the classes it holds may have changed shape."""
    digest = hashlib.sha256()
    for package in packages:
        for root in package.__path__:
            for path in sorted(Path(root).rglob("*.py")):
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Snapshot(Generic[S]):
    state: S
    positions: dict[Any, int]  # partition (a read model's: TopicPartition) → the next offset to read


class SnapshotFile:
    """One read model's snapshot on disk: a header (what it is of, its length and digest), then
    the pickled state and offsets. Written to a temporary file and renamed, so a crash while
    writing leaves the previous snapshot whole. Only ever read back from the service's own
    disk: a pickle is code, never taken from anyone else."""

    def __init__(self, path: Path, identity: str) -> None:
        self.path = path
        self.identity = identity  # database, topic and code fingerprint
        self.writer: tuple[int, float] | None = None  # a child writing one aside: its pid, since when

    def save_aside(self, state: object, positions: Mapping[Any, int]) -> bool:
        """Writes the snapshot of the state as it is now in a forked child, while this process
        goes on (pickling a city's read model takes seconds: the service would not answer
        meanwhile); `written` says when it is done. False when one is being written already."""
        if self.writer is not None:
            return False
        pid = os.fork()
        if pid == 0:  # the child: the state as it was at the fork, copied on write; no logging, no loop
            code = 1
            try:
                self.save(state, positions)
                code = 0
            finally:
                os._exit(code)
        self.writer = (pid, time.perf_counter())
        return True

    def written(self) -> tuple[bool, float] | None:
        """Whether the snapshot being written aside is written now, and in how many seconds;
        None while it is being written, or when none is."""
        if self.writer is None:
            return None
        pid, since = self.writer
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            return None
        self.writer = None
        return os.waitstatus_to_exitcode(status) == 0, time.perf_counter() - since

    def abandon(self) -> None:
        """Stops the snapshot being written aside, if any: the one written next is later."""
        if self.writer is not None:
            pid, _ = self.writer
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            self.writer = None

    def save(self, state: object, positions: Mapping[Any, int]) -> int:
        """Writes the snapshot; its size in bytes."""
        with collector_paused():
            body = pickle.dumps((dict(positions), state), protocol=pickle.HIGHEST_PROTOCOL)
        header = {"of": self.identity, "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
        with partial.open("wb") as out:
            out.write(MAGIC + json.dumps(header).encode() + b"\n")
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(self.path)
        return len(body)

    def load(self) -> Snapshot[object] | None:
        """The snapshot, or None when there is none or it cannot be trusted (said in the log)."""
        try:
            return self._read()
        except FileNotFoundError:
            log.info("no snapshot of the read model", extra={"fields": {"path": str(self.path)}})
        except Unusable as exc:
            fields = {"path": str(self.path), "why": str(exc)}
            log.warning("snapshot passed over: what it held is built anew", extra={"fields": fields})
        return None

    def _read(self) -> Snapshot[object]:
        with self.path.open("rb") as source:
            if source.readline() != MAGIC:
                raise Unusable("not a snapshot")
            try:
                header = json.loads(source.readline())
            except ValueError as exc:
                raise Unusable("its header is unreadable") from exc
            if header.get("of") != self.identity:
                raise Unusable("of another database, topic or version of the code")
            body = source.read()
        if len(body) != header.get("bytes") or hashlib.sha256(body).hexdigest() != header.get("sha256"):
            raise Unusable("cut short or corrupt")
        try:
            with long_lived():  # what is loaded lives as long as the process
                positions, state = pickle.loads(body)  # our own file, checked against its digest
        except Exception as exc:
            raise Unusable(f"not loadable ({type(exc).__name__})") from exc
        return Snapshot(state, positions)


class Unusable(Exception):
    """A snapshot that cannot be trusted, and why."""


class KeptReadModel(Generic[S]):
    """The read model `make` builds, restored from its snapshot when it can be (`restored`),
    kept current from the service's `topics` in this process (`catch_up`, then `run`), and
    snapshotted every `every` seconds it changed and when the process stops.
    `snapshot`: where its snapshot lives (None: no snapshots, every start loads the database)."""

    def __init__(
        self,
        settings: ServiceSettings,
        topics: Sequence[str],
        make: Callable[[], S],
        *,
        partitions: Callable[[str], Awaitable[set[int]]],
        snapshot: SnapshotFile | None,
        every: float,
    ) -> None:
        self.topics = [settings.topic(topic) for topic in topics]
        self.partitions_of = partitions  # a topic's partition numbers (the producer knows them)
        self.make = make
        self.file = snapshot
        self.every = every
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            group_id=None,
            client_id=f"{settings.service_name}-read-model",
            enable_auto_commit=False,
        )
        self.positions: dict[TopicPartition, int] = {}
        self.restored = False
        self.refreshers: Mapping[str, Refresh] = {}
        self.changed = False
        self.state: S | None = None
        self.mine: set[str] = set()  # ids of the events this process wrote, not yet read back

    async def open(self) -> S:
        """The read model to fill: the snapshot's when there is a usable one (`restored`), else
        an empty one, to be loaded from the database by the caller."""
        await self.consumer.start()
        partitions = await self._partitions()
        first = await self.consumer.beginning_offsets(partitions)
        ends = await self.consumer.end_offsets(partitions)
        snapshot = self.file.load() if self.file else None
        state: S
        if snapshot is not None and _fits(snapshot.positions, first, ends):
            state, self.restored = snapshot.state, True  # type: ignore[assignment]  # what `make` made, then pickled
            self.positions = {tp: snapshot.positions.get(tp, first[tp]) for tp in partitions}
        else:
            if snapshot is not None:
                log.warning("snapshot passed over: the topics no longer have its offsets")
            state = self.make()
            self.positions = {tp: ends[tp] for tp in partitions}  # taken before the database is read
        for tp in partitions:
            self.consumer.seek(tp, self.positions[tp])
        self.state = state
        return state

    async def _partitions(self) -> list[TopicPartition]:
        partitions = [
            TopicPartition(topic, n) for topic in self.topics for n in sorted(await self.partitions_of(topic))
        ]
        self.consumer.assign(partitions)
        return partitions

    def written(self, events: Iterable[Envelope]) -> None:
        """This process wrote these events' aggregates (its read model has them): when the
        events come back on the topics, there is nothing to read again."""
        self.mine.update(event.id for event in events)

    async def catch_up(self, refreshers: Mapping[str, Refresh]) -> int:
        """Reads the topics up to where they end now, each event's aggregate read again through the
        refresher of its kind (`need` for `need.posted`); how many events it read."""
        self.refreshers = refreshers
        started, read = time.perf_counter(), 0
        ends = await self.consumer.end_offsets(list(self.consumer.assignment()))
        while any(self.positions[tp] < end for tp, end in ends.items()):
            read += await self._read(timeout_ms=200)
        fields = {"events": read, "seconds": round(time.perf_counter() - started, 2), "restored": self.restored}
        log.info("read model caught up with the service's topics", extra={"fields": fields})
        return read

    async def run(self) -> None:
        """Follows the topics until cancelled, snapshotting (aside) every `every` seconds it
        changed, and once more when cancelled (the process stopping)."""
        last = time.monotonic()
        try:
            while True:
                await self._read(timeout_ms=500)
                if self.file is not None:
                    said(self.file.written())
                    if self.changed and time.monotonic() - last >= self.every:
                        self.changed = not self.file.save_aside(self.state, dict(self.positions))
                        last = time.monotonic()
        finally:
            self.save()
            await self.consumer.stop()

    async def _read(self, *, timeout_ms: int) -> int:
        batches = await self.consumer.getmany(timeout_ms=timeout_ms, max_records=2000)
        named: dict[str, dict[str, None]] = {}  # kind → ids, in order, once each
        read = 0
        for records in batches.values():
            for record in records:
                event_id, kind, subject = _named(record.value)
                if event_id in self.mine:
                    self.mine.discard(event_id)
                elif kind in self.refreshers and subject:
                    named.setdefault(kind, {})[subject] = None
            read += len(records)
        for kind, ids in named.items():
            await self.refreshers[kind](list(ids))
        for tp, records in batches.items():
            self.positions[tp] = records[-1].offset + 1
        if read:
            self.changed = True
        return read

    def save(self) -> None:
        """Writes the snapshot now (when snapshots are kept and there is a read model)."""
        if self.file is None or self.state is None:
            return
        if saved_now(self.file, self.state, self.positions):
            self.changed = False


def saved_now(file: SnapshotFile, state: object, positions: Mapping[Any, int], *, what: str = "snapshot") -> bool:
    """Writes the snapshot now (the process stopping), the one being written aside abandoned,
    and logs how it went; False when it was not written (the previous one stays)."""
    file.abandon()
    started = time.perf_counter()
    try:
        size = file.save(state, positions)
    except Exception:
        log.exception(f"{what} not written; the previous one stays")
        return False
    took = time.perf_counter() - started
    SNAPSHOT_SECONDS.set(took)
    log.info(f"{what} written", extra={"fields": {"bytes": size, "seconds": round(took, 2)}})
    return True


async def snapshotting(
    snapshot: SnapshotFile | None, state: Callable[[], object], due: Callable[[], bool], every: float, *, what: str
) -> None:
    """A snapshot of `state()` (which holds where it had read the topics up to) every `every`
    seconds that `due()` says one is (written aside: the process goes on meanwhile), and when
    the process stops; until one is due again, the next start reads on from the one before."""
    if snapshot is None:
        return
    last = time.monotonic()
    try:
        while True:
            await asyncio.sleep(min(every, 5))
            said(snapshot.written())
            if time.monotonic() - last >= every and snapshot.writer is None and due():
                snapshot.save_aside(state(), {})
                last = time.monotonic()
    finally:
        if snapshot.writer is not None or due():  # one cut short is written whole now
            saved_now(snapshot, state(), {}, what=f"{what} snapshot")
        else:
            snapshot.abandon()


def said(written: tuple[bool, float] | None) -> None:
    """Logs how writing a snapshot aside went, once it is done."""
    if written is None:
        return
    ok, seconds = written
    if ok:
        SNAPSHOT_SECONDS.set(seconds)
        log.info("snapshot written aside", extra={"fields": {"seconds": round(seconds, 2)}})
    else:
        log.error("snapshot not written aside; the previous one stays")


async def offsets_kept(settings: ServiceSettings, positions: Mapping[TopicPartition, int]) -> bool:
    """Whether the topics still have every offset from these on (a snapshot of what was read
    of them is of no use once they were made anew or emptied past them)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = list(positions)
        first = await consumer.beginning_offsets(partitions)
        ends = await consumer.end_offsets(partitions)
    finally:
        try:
            await consumer.stop()
        except asyncio.CancelledError:  # aiokafka's own task, cancelled before it ever ran
            if (task := asyncio.current_task()) is not None and task.cancelling():
                raise
    return all(first[tp] <= positions[tp] <= ends[tp] for tp in partitions)


def _fits(
    positions: Mapping[Any, int], first: Mapping[TopicPartition, int], ends: Mapping[TopicPartition, int]
) -> bool:
    """The topics still have every offset from the snapshot's on (they were not deleted, emptied
    by retention past them, or made anew)."""
    return all(first[tp] <= positions.get(tp, first[tp]) <= ends[tp] for tp in ends)


def _named(value: bytes | None) -> tuple[str, str, str]:
    """An event's id, kind of aggregate (`need` of `need.posted`) and subject; blanks for a
    record that is no event."""
    try:
        event = json.loads(value or b"")
        return str(event["id"]), str(event["type"]).split(".", 1)[0], str(event["subject"])
    except (ValueError, KeyError, TypeError):
        return "", "", ""


def refreshing(get_many: Callable[[Sequence[str]], Awaitable[Iterable[S]]], put: Callable[[S], None]) -> Refresh:
    """A refresher reading aggregates with `get_many` and putting each in with `put`."""

    async def refresh(ids: Sequence[str]) -> None:
        for aggregate in await get_many(ids):
            put(aggregate)

    return refresh

"""One writing process per service database on FerretDB: a lease taken at start, renewed while
the process runs, released when it stops.

FerretDB 1.24 applies a single-document update as read, change, write back, so two processes
updating one document can both "win" a conditional update (docs/storage.md): two processes of
the needs service granted 60-80 claims on a need of 50. `runtime.mongo.document_lock` makes
updates atomic within one process only, so on FerretDB a service that updates its documents
runs as one process: the second one waits for the lease and, while the first keeps it, gives
up with a message saying who holds it. A process that dies (no release) is replaced once its
lease expires; one stopped cleanly hands it over at once.

The lease rests on what FerretDB does guarantee, a unique `_id` on insert: each holding is a
document `<name>:<generation>`; a process takes the lease by inserting the next generation
(of two doing so at once, one insert succeeds), and only the holder ever updates its own
document (renewal, release). Expiry is read on the database server's clock (`hello`'s
`localTime`), so processes on several machines agree on it. A holder that cannot renew before
its lease could expire, or finds a later generation, has lost it: it says so on `/readyz` (503)
and stops itself.

A real MongoDB makes every single-document update atomic, so there no lease is taken and any
number of processes may run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from runtime.mongo import Document

log = logging.getLogger(__name__)

COLLECTION = "writer_leases"


class LeaseHeld(RuntimeError):
    """Another live process holds the lease; the message says which and what to do."""


async def is_ferretdb(client: AsyncMongoClient[Document]) -> bool:
    """FerretDB names itself in `buildInfo` (`ferretdbVersion`); MongoDB does not."""
    info = await client.admin.command("buildInfo")
    return "ferretdbVersion" in info


class WriterLease:
    """The lease `name` in `db`, for this process. `seconds`: how long a holding lasts unless
    renewed (renewed every third of it); `wait`: how long `take` waits for another holder's
    lease to be released or to expire before giving up; `on_lost`: called once if it is lost.
    The holder renews every quarter of `seconds` and stops at the latest a tenth of `seconds`
    (at most one second) before its holding could expire unrenewed."""

    def __init__(
        self,
        db: AsyncDatabase[Document],
        name: str,
        *,
        seconds: float,
        wait: float,
        on_lost: Callable[[], None] = lambda: None,
    ) -> None:
        self.collection = db[COLLECTION]
        self.database = db.name
        self.name = name
        self.ttl = timedelta(seconds=seconds)
        self.renew_every = seconds / 4
        self.margin = min(1.0, seconds / 10)
        self.wait = wait
        self.on_lost = on_lost
        self.holder = f"{socket.gethostname()} pid {os.getpid()} ({uuid.uuid4().hex[:6]})"
        self.generation = 0
        self.held = False
        self.held_by: str | None = None  # who holds it, as last seen
        self._valid_until = 0.0  # monotonic: past it, another process may have taken over

    def describe(self) -> dict[str, Any]:
        """What `/readyz` says about the lease."""
        return {
            "name": self.name,
            "holder": self.holder if self.held else self.held_by,
            "this_process": self.held,
            "generation": self.generation,
        }

    async def take(self) -> None:
        """Holds the lease on return; raises `LeaseHeld` when another process keeps it for
        longer than `wait`."""
        deadline = time.monotonic() + self.wait
        waiting_for: str | None = None
        while True:
            asked = time.monotonic()
            now = await self._server_time()
            latest = await self.collection.find_one({"name": self.name}, sort=[("generation", -1)])
            if latest is None or latest.get("released") or latest["expires"] <= now:
                generation = latest["generation"] + 1 if latest else 1
                document = {
                    "_id": f"{self.name}:{generation}",
                    "name": self.name,
                    "generation": generation,
                    "holder": self.holder,
                    "taken": now,
                    "expires": now + self.ttl,
                    "released": False,
                }
                try:
                    await self.collection.insert_one(document)
                except DuplicateKeyError:
                    continue  # another process took this generation first: look again
                self._taken(generation, asked, latest)
                return
            self.held_by = latest["holder"]
            if time.monotonic() > deadline:
                raise LeaseHeld(
                    f"{latest['holder']} holds the writer lease {self.name!r} of database "
                    f"{self.database!r} (renewed until {latest['expires'].isoformat()}): on FerretDB one "
                    "process writes a service's database (docs/storage.md). Stop the other process, "
                    "or run a real MongoDB (MONGO_URL) for several."
                )
            if waiting_for != latest["holder"]:
                waiting_for = latest["holder"]
                fields = {"lease": self.name, "holder": waiting_for, "expires": latest["expires"].isoformat()}
                log.warning("waiting for the writer lease another process holds", extra={"fields": fields})
            await asyncio.sleep(min(self.renew_every, max(0.05, deadline - time.monotonic())))

    def _taken(self, generation: int, asked: float, previous: Document | None) -> None:
        self.generation, self.held, self.held_by = generation, True, self.holder
        # the server read its clock after `asked`, so the holding cannot expire sooner than this
        self._valid_until = asked + self.ttl.total_seconds()
        how = "new" if previous is None else "released" if previous.get("released") else "expired"
        fields = {"lease": self.name, "generation": generation, "previous": how, "holder": self.holder}
        log.info("writer lease taken", extra={"fields": fields})

    async def keep(self) -> None:
        """Renews the lease until cancelled; loses it (and calls `on_lost`) when another process
        has taken it or it could not be renewed in time."""
        pruned = False
        while self.held:
            await asyncio.sleep(self.renew_every)
            # stop with time to spare: past `_valid_until` another process may be writing
            try:
                async with asyncio.timeout(max(0.0, self._valid_until - self.margin - time.monotonic())):
                    successor = await self._renew()
            except Exception as exc:  # whatever it was, the holding is only as good as its renewal
                if time.monotonic() < self._valid_until - self.margin:
                    log.warning("writer lease not renewed; trying again", extra={"fields": {"error": repr(exc)}})
                    continue
                self._lose(None, f"not renewed in time ({type(exc).__name__})")
                return
            if successor is not None:
                self._lose(successor, "taken over")
                return
            if not pruned:  # earlier holdings are of no use to anyone (a tiny collection either way)
                with suppress(PyMongoError, TimeoutError):
                    async with asyncio.timeout(self.renew_every):
                        await self.collection.delete_many({"name": self.name, "generation": {"$lt": self.generation}})
                pruned = True

    async def _renew(self) -> str | None:
        """Extends this holding; answers the holder of a later one, if any (the lease is lost)."""
        asked = time.monotonic()
        now = await self._server_time()
        renewed = await self.collection.update_one(
            {"_id": f"{self.name}:{self.generation}", "holder": self.holder, "released": False},
            {"$set": {"expires": now + self.ttl}},
        )
        later = await self.collection.find_one({"_id": f"{self.name}:{self.generation + 1}"})
        if later is not None:
            return str(later["holder"])
        if renewed.matched_count == 0:
            return "another process"
        self._valid_until = asked + self.ttl.total_seconds()
        return None

    def _lose(self, successor: str | None, why: str) -> None:
        self.held, self.held_by = False, successor
        fields = {"lease": self.name, "generation": self.generation, "why": why, "holder": successor}
        log.critical("writer lease lost: this process stops writing", extra={"fields": fields})
        self.on_lost()

    async def release(self) -> None:
        """Hands the lease over at once (a clean stop): the next process need not wait for expiry."""
        if not self.held:
            return
        self.held = False
        await self.collection.update_one(
            {"_id": f"{self.name}:{self.generation}", "holder": self.holder}, {"$set": {"released": True}}
        )
        log.info("writer lease released", extra={"fields": {"lease": self.name, "generation": self.generation}})

    async def _server_time(self) -> datetime:
        hello = await self.collection.database.client.admin.command("hello")
        moment = hello.get("localTime")
        if not isinstance(moment, datetime):
            return datetime.now(UTC)  # a server that does not say: this machine's clock
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class NoLeaseNeeded:
    """On a real MongoDB: every single-document update is atomic, any number of processes may run."""

    held = True

    def describe(self) -> dict[str, Any]:
        return {"needed": False, "why": "MongoDB updates each document atomically"}


@asynccontextmanager
async def writer_lease(
    client: AsyncMongoClient[Document],
    db: AsyncDatabase[Document],
    name: str,
    *,
    seconds: float,
    on_lost: Callable[[], None],
) -> AsyncIterator[WriterLease | NoLeaseNeeded]:
    """Holds the lease `name` for the block on FerretDB (waiting up to twice its length for a
    holder that died to expire), renewing it meanwhile, and releases it at the end."""
    if not await is_ferretdb(client):
        yield NoLeaseNeeded()
        return
    lease = WriterLease(db, name, seconds=seconds, wait=2 * seconds + 1, on_lost=on_lost)
    try:
        await lease.take()
    except LeaseHeld as exc:
        log.critical("not started: %s", exc)
        raise
    keeping = asyncio.create_task(lease.keep())
    try:
        yield lease
    finally:
        keeping.cancel()
        with suppress(asyncio.CancelledError):
            await keeping
        with suppress(PyMongoError):
            await lease.release()

"""One writing process per service database on FerretDB (runtime.lease), against the real
server: the lease itself, then the needs service run twice on one database."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pymongo import AsyncMongoClient, MongoClient
from pymongo.asynchronous.database import AsyncDatabase

from devkit.testing import ServiceProcess, free_port
from runtime.app import _probes
from runtime.lease import COLLECTION, LeaseHeld, WriterLease, is_ferretdb
from runtime.mongo import Document

pytestmark = pytest.mark.stack


@pytest.fixture
async def db(infra: tuple[str, str]) -> AsyncIterator[AsyncDatabase[Document]]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(infra[1], tz_aware=True)
    if not await is_ferretdb(client):
        await client.close()
        pytest.skip("the writer lease is taken on FerretDB only")
    database = client[f"lease_{uuid.uuid4().hex[:8]}"]
    yield database
    await client.drop_database(database.name)
    await client.close()


def lease(db: AsyncDatabase[Document], seconds: float = 1.5, wait: float = 0.5, **kwargs: Any) -> WriterLease:
    return WriterLease(db, "needs", seconds=seconds, wait=wait, **kwargs)


class TestLease:
    async def test_a_second_process_waits_then_gives_up_naming_the_holder(self, db: AsyncDatabase[Document]) -> None:
        first = lease(db)
        await first.take()
        keeping = asyncio.create_task(first.keep())
        try:
            second = lease(db, wait=2 * first.ttl.total_seconds())  # longer than a holding lasts: renewed
            with pytest.raises(LeaseHeld, match=re.escape(f"{first.holder} holds the writer lease 'needs'")):
                await second.take()
            assert first.held and not second.held and second.held_by == first.holder
        finally:
            keeping.cancel()

    async def test_of_many_taking_at_once_exactly_one_holds_it(self, db: AsyncDatabase[Document]) -> None:
        takers = [lease(db, wait=0.3) for _ in range(12)]
        outcomes = await asyncio.gather(*(t.take() for t in takers), return_exceptions=True)
        assert sum(o is None for o in outcomes) == 1
        assert all(isinstance(o, LeaseHeld) for o in outcomes if o is not None)
        assert sum(t.held for t in takers) == 1

    async def test_a_dead_holders_lease_is_taken_once_it_expires(self, db: AsyncDatabase[Document]) -> None:
        dead = lease(db, seconds=2)
        await dead.take()  # and never renewed, as if the process were killed
        taken_at = time.monotonic()
        successor = lease(db, seconds=2, wait=5)
        await successor.take()
        assert time.monotonic() - taken_at >= 1.5  # not before it expired
        assert (successor.held, successor.generation) == (True, 2)

    async def test_a_released_lease_is_taken_at_once(self, db: AsyncDatabase[Document]) -> None:
        first = lease(db, seconds=60)
        await first.take()
        await first.release()
        started = time.monotonic()
        second = lease(db, seconds=60, wait=0)
        await second.take()
        assert second.held and time.monotonic() - started < 1

    async def test_a_holder_whose_lease_was_taken_over_stops_and_names_the_new_holder(
        self, db: AsyncDatabase[Document]
    ) -> None:
        lost = asyncio.Event()
        holder = lease(db, on_lost=lost.set)
        await holder.take()
        keeping = asyncio.create_task(holder.keep())
        # another process judged the lease expired (a holder paused too long) and took it
        await db[COLLECTION].insert_one({"_id": "needs:2", "name": "needs", "generation": 2, "holder": "elsewhere"})
        await asyncio.wait_for(lost.wait(), 5)
        await keeping
        assert holder.describe() == {"name": "needs", "holder": "elsewhere", "this_process": False, "generation": 1}

    async def test_a_holder_that_cannot_renew_in_time_stops(self, db: AsyncDatabase[Document]) -> None:
        lost = asyncio.Event()
        holder = lease(db, on_lost=lost.set)
        await holder.take()

        async def never_answers() -> None:
            await asyncio.sleep(3600)

        holder._renew = never_answers  # type: ignore[method-assign,assignment]  # the database stalls
        keeping = asyncio.create_task(holder.keep())
        await asyncio.wait_for(lost.wait(), 5)
        await keeping
        assert not holder.held


class _Answers:
    async def command(self, name: str) -> dict[str, float]:
        return {"ok": 1.0}

    async def fetch_all_metadata(self) -> None:
        return None


class _Infra:
    settings = type("Settings", (), {"role": "writer"})()
    mongo = type("Mongo", (), {"admin": _Answers()})()
    producer = type("Producer", (), {"client": _Answers()})()


async def test_readyz_names_the_holder_and_is_503_when_this_process_does_not_hold_it(
    db: AsyncDatabase[Document],
) -> None:
    app = FastAPI()
    app.include_router(_probes())
    app.state.infra = _Infra()
    app.state.lease = holder = lease(db)
    await holder.take()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as http:
        ready = await http.get("/readyz")
        assert ready.status_code == 200
        mine = {"name": "needs", "holder": holder.holder, "this_process": True, "generation": 1}
        assert ready.json()["lease"] == mine
        holder._lose("elsewhere", "taken over")
        refused = await http.get("/readyz")
    assert refused.status_code == 503
    assert refused.json()["error"]["lease"] == {
        "name": "needs",
        "holder": "elsewhere",
        "this_process": False,
        "generation": 1,
    }


# --- the needs service, run twice on one database -------------------------------------------


@pytest.fixture
def needs_twice(infra: tuple[str, str], tmp_path: Path) -> Iterator[list[ServiceProcess]]:
    """Two needs processes (not started) on one fresh database and topic prefix."""
    run = uuid.uuid4().hex[:8]
    env = {
        "ENVIRONMENT": "test",
        "KAFKA_BOOTSTRAP_SERVERS": infra[0],
        "MONGO_URL": infra[1],
        "MONGO_DB": f"lease_{run}_needs",
        "TOPIC_PREFIX": f"lease{run}.",
        "LEASE_SECONDS": "5",
    }
    processes = []
    for n in (1, 2):
        port = free_port()
        processes.append(ServiceProcess("needs", port, {**env, "HTTP_PORT": str(port)}, tmp_path / f"needs-{n}.log"))
    yield processes
    for process in processes:
        process.kill()
    client: MongoClient[Document] = MongoClient(infra[1])
    client.drop_database(env["MONGO_DB"])
    client.close()


def readyz(process: ServiceProcess) -> httpx.Response:
    return httpx.get(process.url + "/readyz", timeout=2)


def exits_within(process: ServiceProcess, seconds: float) -> int | None:
    """The process's exit code, if it exits within `seconds`, never answering ready meanwhile."""
    assert process.process is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.process.poll() is not None:
            return process.process.returncode
        with suppress(httpx.HTTPError):  # not listening: still waiting for the lease
            assert readyz(process).status_code != 200, "a second writer became ready"
        time.sleep(0.3)
    return None


class TestNeedsProcesses:
    def test_a_second_process_refuses_to_run_while_the_first_holds_the_lease(
        self, needs_twice: list[ServiceProcess]
    ) -> None:
        first, second = needs_twice
        first.start()
        first.wait_ready()
        lease = readyz(first).json()["lease"]
        assert lease["this_process"] is True and lease["generation"] == 1
        second.start()
        code = exits_within(second, 40)
        assert code not in (None, 0), f"the second process did not give up:\n{second.log_tail()}"
        assert f"{lease['holder']} holds the writer lease 'needs'" in second.log_tail(60)
        assert readyz(first).json()["lease"] == lease  # the first never noticed

    def test_when_the_first_dies_the_second_takes_over_once_the_lease_expires(
        self, needs_twice: list[ServiceProcess]
    ) -> None:
        first, second = needs_twice
        first.start()
        first.wait_ready()
        second.start()
        time.sleep(3)  # the second is waiting for the lease
        first.kill()
        second.wait_ready(timeout=40)
        lease = readyz(second).json()["lease"]
        assert lease["this_process"] is True and lease["generation"] == 2
        assert '"previous": "expired"' in second.log_tail(60)

    def test_a_clean_restart_takes_the_lease_at_once(self, needs_twice: list[ServiceProcess]) -> None:
        first, second = needs_twice
        first.start(lease_seconds="600")  # far longer than the wait below: only a release lets it in
        first.wait_ready()
        first.stop()
        started = time.monotonic()
        second.start(lease_seconds="600")
        second.wait_ready(timeout=30)
        assert time.monotonic() - started < 30
        assert '"previous": "released"' in second.log_tail(60)
        assert readyz(second).json()["lease"]["generation"] == 2

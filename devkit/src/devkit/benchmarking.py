"""What every benchmark shares: percentiles, timing, memory, the machine it ran on."""

from __future__ import annotations

import asyncio
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
from aiokafka import AIOKafkaProducer

from contract.events.organizations import OrganizationRegistered, OrganizationRegisteredData
from contract.ids import entity_id
from devkit.synthetic import City
from devkit.testing import ServiceProcess, ensure_infra, free_port
from runtime.kafka import encode

T = TypeVar("T")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


async def timed(samples: list[float], call: Awaitable[T]) -> T:
    """Awaits `call` and adds how long it took, in milliseconds, to `samples`."""
    started = time.perf_counter()
    result = await call
    samples.append((time.perf_counter() - started) * 1000)
    return result


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def print_table(title: str, rows: list[tuple[str, str, str, str]]) -> None:
    print(f"\n{title}, on {machine()}\n")
    for row in rows:
        print(f"  {row[0]:<36} {row[1]:<44} {row[2]:<14} {row[3]}")
    print()


async def in_flight(what: str, jobs: Iterable[Callable[[], Awaitable[None]]], total: int, concurrency: int) -> float:
    """Runs the jobs with `concurrency` in flight, printing progress; returns the seconds taken."""
    queue = iter(jobs)
    done = 0
    started = time.perf_counter()

    async def worker() -> None:
        nonlocal done
        for job in queue:
            await job()
            done += 1
            if done % max(1, total // 10) == 0:
                elapsed = time.perf_counter() - started
                print(f"  {what}: {done:,}/{total:,} ({done / elapsed:,.0f}/s)", flush=True)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


async def announce(kafka: str, topic: str, city: City) -> None:
    """The registry's `organization.registered` for each organisation, as the registry sends them."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka, enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        for org in city.organizations:
            data = OrganizationRegisteredData(
                organization_id=entity_id("organization", org.code),
                name=org.name,
                kind=org.kind,
                area_code=org.area_code,
            )
            key, value, headers = encode(
                OrganizationRegistered(source="/bench", subject=data.organization_id, data=data)
            )
            await producer.send(topic, value=value, key=key, headers=headers)
        await producer.flush()
    finally:
        await producer.stop()


def until_known(url: str, expected: int) -> None:
    while (count := httpx.get(f"{url}/known-organizations").json()["count"]) < expected:
        print(f"  organisations known to the service: {count:,}/{expected:,}", flush=True)
        time.sleep(1)


READY_WITHIN_S = 180  # a service starting on two cores other work shares may take minutes


@dataclass(frozen=True)
class OwnService:
    """A service a benchmark started on the running local stack, with a database and topics of
    its own (named after `run`)."""

    process: ServiceProcess
    run: str
    kafka: str
    mongo: str

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def database(self) -> str:
        return f"{self.run}_{self.process.name}"

    def topic(self, name: str) -> str:
        return f"{self.run}.{name}"


def own_service(name: str, **settings: str) -> OwnService:
    """Starts the service `name` (`python -m name`) for a benchmark and waits until it is ready;
    `settings` are more of its settings (environment variables)."""
    kafka, mongo = ensure_infra()
    run = f"bench{uuid.uuid4().hex[:6]}"
    port = free_port()
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "MONGO_URL": mongo,
        "MONGO_DB": f"{run}_{name}",
        "TOPIC_PREFIX": f"{run}.",
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "WARNING",
        **{key.upper(): value for key, value in settings.items()},
    }
    process = ServiceProcess(name, port, env, Path(tempfile.mkdtemp(prefix=f"{name}-bench-")) / f"{name}.log")
    process.start()
    try:
        process.wait_ready(timeout=READY_WITHIN_S)
    except Exception:
        process.stop()  # not left running when it did not come up in time
        raise
    return OwnService(process, run, kafka, mongo)

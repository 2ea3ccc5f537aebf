"""Test helpers every test suite shares: the stack, service processes, Kafka readers, polling.

One `TestStack` per test session: it makes sure Kafka and a MongoDB-compatible server are up
(the servers named by `KAFKA_BOOTSTRAP_SERVERS` and `MONGO_URL` when set, else the local stack
of `deploy/local/stack.py`, started when it is not running), then runs the eight services as
real processes with the session's own topic prefix and database names.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from aiohttp import web
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.structs import RecordMetadata
from pymongo import MongoClient

from contract.events.organizations import MemberJoined, MemberJoinedData, MemberLeft, MemberLeftData
from contract.opening_hours import LOCAL
from runtime.actors import Actor, ActorKind, sign
from runtime.config import DEVELOPMENT_ACTOR_SECRET, DEVELOPMENT_ADMIN_TOKEN

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("organizations", "needs", "resources", "matching", "points", "notifications", "cobuilding", "gateway")
PORTAL_PASSWORD = "portal-tests-2026"  # of every portal account the tests make
T = TypeVar("T")


def ensure_infra() -> tuple[str, str]:
    """Kafka's bootstrap servers and MongoDB's URL, starting the local stack when needed."""
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    mongo = os.environ.get("MONGO_URL")
    if not (kafka and mongo):
        subprocess.run([sys.executable, str(ROOT / "deploy/local/stack.py"), "up"], check=True)
    return kafka or "127.0.0.1:9092", mongo or "mongodb://127.0.0.1:27017"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def partner_endpoint(
    handle: Callable[[web.Request], Awaitable[web.Response]], path: str = "/hooks"
) -> AsyncIterator[str]:
    """A partner's (or a stand-in service's) HTTP endpoint taking POSTs at its URL (yielded) with
    `handle`, while in the block."""
    app = web.Application()
    app.router.add_post(path, handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        await runner.cleanup()


@dataclass
class ServiceProcess:
    """One service run as `python -m <name>`, as operations run it."""

    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, **overrides: str) -> None:
        env = {**os.environ, **self.env, **{k.upper(): v for k, v in overrides.items()}}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.name], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
            )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:  # the probe itself may take 4 s (MongoDB and Kafka, 2 s each): a broker of thousands of topics
                if httpx.get(self.url + "/readyz", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready within {timeout}s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, as when a machine dies."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self, **overrides: str) -> None:
        self.kill()
        self.start(**overrides)
        self.wait_ready()

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class TestStack:
    """Kafka, MongoDB and the eight services, isolated by a per-session prefix."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    kafka: str
    mongo: str
    prefix: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:8]}")
    services: dict[str, ServiceProcess] = field(default_factory=dict)

    def topic(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    def group(self, service: str) -> str:
        """The service's Kafka consumer group."""
        return f"{self.prefix}.{service}"

    def database(self, service: str) -> str:
        return f"{self.prefix}_{service}"

    def url(self, service: str) -> str:
        return self.services[service].url

    def start(self, log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        ports = {name: free_port() for name in SERVICES}
        common = {
            "ENVIRONMENT": "test",
            # what the tests sign with, whatever a developer's .env says
            "ACTOR_SECRET": DEVELOPMENT_ACTOR_SECRET,
            "ADMIN_TOKEN": DEVELOPMENT_ADMIN_TOKEN,
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka,
            "MONGO_URL": self.mongo,
            "TOPIC_PREFIX": self.prefix + ".",
            "OUTBOX_POLL_SECONDS": "0.2",
            "SWEEP_SECONDS": "0.5",
            "REMIND_AFTER_HOURS": "0.002",  # notifications: a booking waiting 7 s for approval is reminded of
            "SEND_SECONDS": "0.5",  # notifications: mails and SMS due are looked for this often
            "RETRY_SECONDS": "0.5",
            "PORTAL_URL": f"http://127.0.0.1:{ports['gateway']}",  # the links in mails
            # a service killed by a test is replaced this soon (its writer lease expires)
            "LEASE_SECONDS": "10",
            "CACHE_SECONDS": "0.5",
            "SNAPSHOT_DIR": str(log_dir / "snapshots"),
            "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",  # the tests' partner endpoints (`partner_endpoint`)
            "KEY_FAILURES_PER_MINUTE": "100000",  # every test comes from 127.0.0.1, many with made-up keys
            **{f"{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()},
        }
        for name, port in ports.items():
            env = {**common, "HTTP_PORT": str(port), "MONGO_DB": self.database(name)}
            self.services[name] = ServiceProcess(name, port, env, log_dir / f"{name}.log")
        for service in self.services.values():
            service.start()
        for service in self.services.values():
            service.wait_ready()

    def stop(self) -> None:
        """Stops the services and drops the session's databases."""
        for service in self.services.values():
            service.stop()
        client: MongoClient[dict[str, Any]] = MongoClient(self.mongo)
        try:
            for name in SERVICES:
                client.drop_database(self.database(name))
        finally:
            client.close()


async def eventually(probe: Callable[[], Awaitable[T]], *, within: float = 20, every: float = 0.2) -> T:
    """The probe's first result that raises no AssertionError, polling for `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            return await probe()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(every)


async def read_topic(
    bootstrap: str,
    topic: str,
    *,
    until: Callable[[list[ConsumerRecord[bytes, bytes]]], bool] = lambda _: False,
    within: float = 20,
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of a topic from its beginning, read until `until` holds or `within` seconds pass."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"reader-{uuid.uuid4().hex}",  # a group of its own starts at the beginning
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        records: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + within
        while not until(records) and time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=300)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


async def send_raw(
    bootstrap: str, topic: str, messages: Iterable[tuple[bytes | None, bytes, Any]]
) -> list[RecordMetadata]:
    """Publishes raw (key, value, headers) messages, poison included; returns where each landed."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        return [
            await producer.send_and_wait(topic, value=value, key=key, headers=headers or [])
            for key, value, headers in messages
        ]
    finally:
        await producer.stop()


async def wait_consumed(bootstrap: str, group: str, sent: Iterable[RecordMetadata], within: float = 20) -> None:
    """Returns once the consumer group has committed past every one of the `sent` records."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:

        async def committed_past_all() -> None:
            try:
                offsets = await admin.list_consumer_group_offsets(group)
            except KafkaError as exc:  # a new broker makes its offsets topic on first use
                raise AssertionError(f"offsets of {group} not readable yet: {exc}") from exc
            for record in sent:
                committed = offsets.get(TopicPartition(record.topic, record.partition))
                assert committed is not None and committed.offset > record.offset, f"{group} not past {record}"

        await eventually(committed_past_all, within=within)
    finally:
        await admin.close()


def next_weekday(weekday: int = 1) -> date:
    """The next day of this ISO weekday (1 = Monday) in the city's time, one to seven days after
    its today: the day tests of opening hours and calendars book on (from the machine's UTC
    date, Monday 06:00 had passed by a Sunday evening)."""
    day = datetime.now(LOCAL).date() + timedelta(days=1)
    return day + timedelta(days=(weekday - day.isoweekday()) % 7)


def point_of(area_code: str) -> tuple[float, float]:
    """A point for things of this community in tests: each street of its own about 11 km from
    any other (so tests do not meet in matching), communities of a street 100 m apart."""
    street = int(area_code[:9]) % 9973
    community = int(area_code[9:12] or 0)
    return round(22 + (street % 100) * 0.1 + community * 0.001, 6), round(110 + (street // 100) * 0.1, 6)


def member_joined(member_id: str, organization_id: str) -> MemberJoined:
    """The registry's event of a person joining an organisation."""
    data = MemberJoinedData(member_id=member_id, organization_id=organization_id, roles=["volunteer"])
    return MemberJoined(source="/services/organizations", subject=member_id, data=data)


def member_left(member_id: str, organization_id: str) -> MemberLeft:
    """The registry's event of a person leaving an organisation."""
    data = MemberLeftData(member_id=member_id, organization_id=organization_id)
    return MemberLeft(source="/services/organizations", subject=member_id, data=data)


def organization(organization_id: str, area_code: str | None = None, member_id: str | None = None) -> Actor:
    return Actor(kind=ActorKind.ORGANIZATION, organization_id=organization_id, area_code=area_code, member_id=member_id)


PLATFORM = Actor(kind=ActorKind.PLATFORM)


def acting(actor: Actor | None) -> dict[str, str]:
    """The headers the gateway sends for `actor`, signed with the development secret."""
    return {"X-Actor": sign(actor, DEVELOPMENT_ACTOR_SECRET)} if actor else {}


class PlatformApi:
    """The services' HTTP APIs as a test drives them: each call checks its status."""

    def __init__(self, stack: TestStack, http: httpx.AsyncClient) -> None:
        self.stack = stack
        self.http = http

    async def post(
        self, service: str, path: str, body: dict[str, Any], status: int = 201, *, actor: Actor | None = None
    ) -> dict[str, Any]:
        response = await self.http.post(self.stack.url(service) + path, json=body, headers=acting(actor))
        assert response.status_code == status, response.text
        result: dict[str, Any] = response.json()
        return result

    async def get(
        self, service: str, path: str, status: int = 200, *, actor: Actor | None = None, **params: Any
    ) -> Any:
        response = await self.http.get(self.stack.url(service) + path, params=params, headers=acting(actor))
        assert response.status_code == status, response.text
        return response.json()

    async def members_known_to_points(self, organization_id: str, *member_ids: str) -> None:
        """Until the points service has read those members' joins (it reads the members' topic
        in its own time): its assessment of the organisation lists them."""

        async def listed() -> None:
            found = await self.get("points", "/assessment", actor=organization(organization_id))
            assert set(member_ids) <= {row["member_id"] for row in found["items"]}

        await eventually(listed)

    async def ensure_area(self, code: str) -> None:
        """The community `code` (12 digits) and the nodes above it, made where missing."""
        nodes = [
            ("350100", "city", None),
            (code[:6], "district", "350100"),
            (code[:9], "street", code[:6]),
            (code[:12], "community", code[:9]),
        ]
        for node_code, level, parent in nodes:
            body = {"code": node_code, "name": f"{level} {node_code}", "level": level, "parent_code": parent}
            response = await self.http.post(
                self.stack.url("organizations") + "/areas", json=body, headers=acting(PLATFORM)
            )
            assert response.status_code in (201, 409), response.text

    async def register_organization(self, name: str, area_code: str, kind: str = "branch", **extra: Any) -> str:
        """Registers an organisation (in a community made for it if need be) and waits until
        needs, resources and points know it."""
        await self.ensure_area(area_code)
        body = {"name": name, "kind": kind, "area_code": area_code, **extra}
        org_id: str = (await self.post("organizations", "/organizations", body, actor=PLATFORM))["id"]

        async def known_everywhere() -> None:
            for service in ("needs", "resources", "points", "cobuilding"):
                found = await self.http.get(self.stack.url(service) + f"/known-organizations/{org_id}")
                assert found.status_code == 200, f"{service} does not know {org_id} yet"

        await eventually(known_everywhere)
        return org_id

    async def issue_key(self, organization_id: str, scopes: list[str]) -> dict[str, str]:
        """A partner API key of the organisation, as `Authorization` headers."""
        body = {"name": "tests", "scopes": scopes}
        response = await self.http.post(
            self.stack.url("organizations") + f"/organizations/{organization_id}/api-keys",
            json=body,
            headers=acting(PLATFORM),
        )
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['key']}"}

    async def post_need(self, org_id: str, category: str, area_code: str, quantity: int = 10, **extra: Any) -> str:
        fields = {"organization_id": org_id, "title": f"需要{category}", "quantity": quantity, **extra}
        return await self._post_at("needs", "/needs", org_id, category, area_code, fields)

    async def share_resource(
        self, org_id: str, category: str, area_code: str, capacity: int = 50, kind: str = "venue", **extra: Any
    ) -> str:
        """Shares a resource of the organisation (a venue, at its community's `point_of`, unless told otherwise)."""
        fields = {"kind": kind, "name": f"{category}场地", "capacity": capacity, **extra}
        return await self._post_at("resources", "/resources", org_id, category, area_code, fields)

    async def _post_at(
        self, service: str, path: str, org_id: str, category: str, area_code: str, fields: dict[str, Any]
    ) -> str:
        """Posts what the organisation makes in a category, at its area's point unless `fields`
        says otherwise; the id it was given."""
        lat, lon = point_of(area_code)
        body = {"category": category, "area_code": area_code, "lat": lat, "lon": lon, **fields}
        made: str = (await self.post(service, path, body, actor=organization(org_id)))["id"]
        return made

    async def proposals_for(self, need_id: str, expected: int = 1) -> list[dict[str, Any]]:
        """The need's proposals, once there are at least `expected` of them."""

        async def probe() -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = (await self.get("matching", "/proposals", actor=PLATFORM, need_id=need_id))[
                "items"
            ]
            assert len(items) >= expected, f"{len(items)} proposals for {need_id}, waiting for {expected}"
            return items

        return await eventually(probe)


MAIL_CATCHER = os.environ.get("MAIL_CATCHER_URL", "http://127.0.0.1:8025")  # the local stack's Mailpit


async def mails_to(http: httpx.AsyncClient, address: str) -> list[dict[str, Any]]:
    """The mails the catcher received for `address`, the latest first, each whole (Subject,
    Text, HTML, headers as Mailpit's API gives them)."""
    found = await http.get(f"{MAIL_CATCHER}/api/v1/search", params={"query": f'to:"{address}"'})
    found.raise_for_status()
    whole = [await http.get(f"{MAIL_CATCHER}/api/v1/message/{m['ID']}") for m in found.json()["messages"]]
    return [answer.json() for answer in whole]

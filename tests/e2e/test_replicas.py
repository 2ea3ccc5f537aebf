"""Replicas that agree and restarts from a snapshot.

A second process of the needs, the resources and the registry service runs beside the session's
one as a reader (on FerretDB one process writes: `runtime.lease`); the test's own round-robin asks both.
What is written through the writer is found through the reader within a bound, and searches,
"free between" and figures agree. A service stopped writes its read model's snapshot and starts
from it; one killed starts from the older snapshot and reads on from the topic; a corrupt
snapshot is passed over and the read model is loaded from the database. The registry's read
model follows two topics (its organisations' and its members'), from a snapshot too."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract.opening_hours import LOCAL
from devkit.testing import PlatformApi, ServiceProcess, TestStack, eventually, free_port, organization
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack
DISTRICT = "350188"  # these tests' own
PLATFORM = Actor(kind=ActorKind.PLATFORM)


@contextmanager
def reader_of(stack: TestStack, name: str) -> Iterator[ServiceProcess]:
    """A reader replica of the session's service `name`: the same database and topics."""
    writer = stack.services[name]
    port = free_port()
    env = {**writer.env, "HTTP_PORT": str(port), "ROLE": "reader"}
    reader = ServiceProcess(name, port, env, writer.log_path.with_name(f"{name}-reader.log"))
    reader.start()
    reader.wait_ready()
    try:
        yield reader
    finally:
        reader.stop()


class RoundRobin:
    """The test's load balancer: each read goes to the next replica."""

    def __init__(self, http: httpx.AsyncClient, *urls: str) -> None:
        self.http = http
        self.urls = urls
        self._next = cycle(urls)

    async def get(self, path: str, **params: Any) -> Any:
        response = await self.http.get(next(self._next) + path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    async def agree(self, path: str, **params: Any) -> Any:
        """What every replica answers, once they all answer the same."""

        async def same() -> Any:
            answers = [await self.get(path, **params) for _ in self.urls]
            assert all(answer == answers[0] for answer in answers), differences(answers)
            return answers[0]

        return await eventually(same, within=10)


def differences(answers: list[Any]) -> list[str]:
    """Where the replicas' answers differ (paths of the first answer's JSON)."""
    found: list[str] = []

    def compare(a: Any, b: Any, path: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                compare(a.get(key), b.get(key), f"{path}.{key}")
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for n, (x, y) in enumerate(zip(a, b, strict=True)):
                compare(x, y, f"{path}[{n}]")
        elif a != b:
            found.append(f"{path}: {a!r} != {b!r}")

    for other in answers[1:]:
        compare(answers[0], other, "")
    return found[:10]


async def visible_after(http: httpx.AsyncClient, url: str, within: float = 5) -> float:
    """Seconds until `url` answers 200."""
    started = time.perf_counter()
    while (await http.get(url)).status_code != 200:
        assert time.perf_counter() - started < within, f"{url} not found within {within}s"
    return time.perf_counter() - started


async def test_two_replicas_of_needs_agree_on_searches_and_figures(stack: TestStack, http: httpx.AsyncClient) -> None:
    api = PlatformApi(stack, http)
    area = f"{DISTRICT}001001"
    poster = await api.register_organization("副本测试社区党委", area, kind="party_committee")
    helper = await api.register_organization("副本测试志愿队", area)
    with reader_of(stack, "needs") as reader:
        replicas = RoundRobin(http, stack.url("needs"), reader.url)
        waits = []
        need_ids = []
        for n in range(8):
            need_ids.append(await api.post_need(poster, "elderly_care", area, quantity=2, title=f"陪护老人{n}"))
            waits.append(await visible_after(http, f"{reader.url}/needs/{need_ids[-1]}"))
        assert max(waits) < 2, waits  # the bound is measured in `make bench-replicas`
        await api.post("needs", f"/needs/{need_ids[0]}/claims", {"quantity": 2}, actor=organization(helper))

        found = await replicas.agree("/needs", area_code=DISTRICT, q="陪护老人", limit=50)
        assert sorted(n["id"] for n in found["items"]) == sorted(need_ids)
        claimed = await replicas.agree(f"/needs/{need_ids[0]}")
        assert [c["organization_id"] for c in claimed["claims"]] == [helper]
        figures = await replicas.agree("/stats", area_code=DISTRICT)
        assert figures["totals"]["posted"] == 8

        refused = await http.post(f"{reader.url}/needs", json={"title": "x"}, headers={"X-Actor": "anything"})
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "read_replica"
        ready = (await http.get(reader.url + "/readyz")).json()
        assert ready["role"] == "reader" and "lease" not in ready


async def test_two_replicas_of_resources_agree_on_what_is_free_between_two_times(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    area = f"{DISTRICT}002001"
    owner = await api.register_organization("副本测试党群服务中心", area, kind="party_committee")
    with reader_of(stack, "resources") as reader:
        replicas = RoundRobin(http, stack.url("resources"), reader.url)
        venues = [await api.share_resource(owner, "venue", area, name=f"活动室{n}") for n in range(3)]
        for venue in venues:
            await visible_after(http, f"{reader.url}/resources/{venue}")
        start = (datetime.now(LOCAL) + timedelta(days=2)).replace(hour=14, minute=0, second=0, microsecond=0)
        slot = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}
        await api.post("resources", f"/venues/{venues[1]}/bookings", slot, actor=organization(owner))

        free = {"free_from": slot["starts_at"], "free_to": slot["ends_at"]}
        found = await replicas.agree("/resources", area_code=area, **free)
        assert sorted(r["id"] for r in found["items"]) == sorted([venues[0], venues[2]])
        figures = await replicas.agree("/stats", area_code=area)
        assert figures["totals"]["venue"] == 3


async def test_a_reader_of_the_registry_learns_a_membership_from_the_members_topic(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    org = await api.register_organization("成员同步测试党支部", f"{DISTRICT}004001", kind="branch")
    with reader_of(stack, "organizations") as reader:
        replicas = RoundRobin(http, stack.url("organizations"), reader.url)
        assert (await replicas.agree(f"/organizations/{org}"))["members"] == 0
        member = {
            "name": "林芳",
            "phone": "13812341234",
            "id_number": "11010519491231002X",
            "roles": ["party_member"],
            "organization_ids": [org],
        }
        await api.post("organizations", "/members", member, actor=PLATFORM)  # through the writer

        assert (await replicas.agree(f"/organizations/{org}"))["members"] == 1  # the reader too


async def test_the_registry_restarts_from_a_snapshot_of_both_its_topics(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    org = await api.register_organization("快照成员测试党支部", f"{DISTRICT}005001", kind="branch")
    registry = stack.services["organizations"]
    registry.stop()  # a clean stop writes the snapshot
    registry.start()
    registry.wait_ready()
    assert started_from(registry) == "snapshot", registry.log_tail()
    member = {
        "name": "陈明",
        "phone": "13812345678",
        "id_number": "11010519491231002X",
        "roles": ["party_member"],
        "organization_ids": [org],
    }
    await api.post("organizations", "/members", member, actor=PLATFORM)

    registry.kill()  # the snapshot of the clean stop stays; the members' topic has the join
    registry.start()
    registry.wait_ready()

    assert started_from(registry) == "snapshot"
    assert (await http.get(f"{registry.url}/organizations/{org}")).json()["members"] == 1


async def test_a_restart_starts_from_the_snapshot_and_a_corrupt_one_from_the_database(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    area = f"{DISTRICT}003001"
    poster = await api.register_organization("快照测试社区党委", area, kind="party_committee")
    needs = stack.services["needs"]
    before = await api.post_need(poster, "elderly_care", area, title="停下之前")

    needs.stop()  # a clean stop writes the snapshot
    snapshot = snapshot_of(stack, "needs")
    assert snapshot.exists()
    started = time.perf_counter()
    needs.start()
    needs.wait_ready()
    assert started_from(needs) == "snapshot", needs.log_tail()
    print(f"needs ready {time.perf_counter() - started:.1f}s after a start from its snapshot")
    after = await api.post_need(poster, "elderly_care", area, title="快照之后")

    needs.kill()  # no snapshot at the end: the one of the clean stop stays, the topic has the rest
    needs.start()
    needs.wait_ready()
    assert started_from(needs) == "snapshot"
    for need_id in (before, after):
        assert (await http.get(f"{needs.url}/needs/{need_id}")).status_code == 200

    needs.stop()
    body = bytearray(snapshot.read_bytes())
    body[len(body) // 2] ^= 0xFF  # one flipped byte
    snapshot.write_bytes(body)
    needs.start()
    needs.wait_ready()
    assert started_from(needs) == "database", needs.log_tail()
    assert "cut short or corrupt" in needs.log_tail(60)
    for need_id in (before, after):
        assert (await http.get(f"{needs.url}/needs/{need_id}")).status_code == 200


def snapshot_of(stack: TestStack, name: str) -> Path:
    service = stack.services[name]
    return Path(service.env["SNAPSHOT_DIR"]) / f"{stack.database(name)}.{stack.topic(f'{name}.events')}.snapshot"


def started_from(service: ServiceProcess) -> str:
    """Where the service's last start took its read model from, as its log says."""
    for line in reversed(service.log_path.read_text().splitlines()):
        if "read model caught up" in line:
            return "snapshot" if '"restored": true' in line else "database"
    raise AssertionError("the service did not say where its read model came from")

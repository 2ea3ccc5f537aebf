"""Two matching instances share the city by the districts Kafka's consumer group gives each: each
proposes for its own, never both; killed, one's districts go to the other, which proposes for
them within seconds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devkit.testing import PlatformApi, ServiceProcess, TestStack, eventually, free_port
from matching.index.share import partition_of

pytestmark = pytest.mark.stack
DISTRICTS = [str(code) for code in range(350170, 350180)]  # these tests' own


@pytest.fixture
def two_instances(stack: TestStack) -> Iterator[tuple[ServiceProcess, ServiceProcess]]:
    """The session's matching service and a second process beside it (same database, same groups)."""
    first = stack.services["matching"]
    port = free_port()
    second = ServiceProcess(
        "matching",
        port,
        {**first.env, "HTTP_PORT": str(port), "INSTANCE": "1"},
        first.log_path.with_name("matching-1.log"),
    )
    second.start()
    second.wait_ready()
    try:
        yield first, second
    finally:
        second.stop()


async def shares(http: httpx.AsyncClient, *instances: ServiceProcess) -> tuple[list[set[int]], int]:
    """The partitions each instance holds, once they hold them all between them, none twice; and of how many."""

    async def split() -> tuple[list[set[int]], int]:
        states = [(await http.get(instance.url + "/index")).json() for instance in instances]
        owned = [set(state["partitions"]) for state in states]
        assert all(owned) and sum(map(len, owned)) == len(set().union(*owned)) == states[0]["of"], owned
        return owned, states[0]["of"]

    return await eventually(split, within=30)


async def test_each_instance_proposes_for_its_districts_and_takes_a_killed_ones_share(
    two_instances: tuple[ServiceProcess, ServiceProcess], stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    first, second = two_instances
    owned, partitions = await shares(http, first, second)
    districts = [next(d for d in DISTRICTS if partition_of(d, partitions) in share) for share in owned]
    posters, pairs = [], []  # each instance's district's: a poster, and (its need, a helper's supply)
    for code in districts:
        poster = await api.register_organization(f"{code}某社区党委", f"{code}009001", kind="party_committee")
        helper = await api.register_organization(f"{code}某志愿队", f"{code}009002")
        need_id = await api.post_need(poster, "elderly_care", f"{code}009001", quantity=2)
        resource_id = await api.share_resource(helper, "elderly_care", f"{code}009002", kind="service")
        posters.append(poster)
        pairs.append((need_id, resource_id))

    for need_id, resource_id in pairs:
        assert len(await proposed(api, need_id, resource_id)) == 1
    need_ids = [need_id for need_id, _ in pairs]
    assert [await held_needs(http, instance, need_ids) for instance in (first, second)] == [{n} for n in need_ids]

    second.kill()  # no goodbye: the group notices the silence
    killed = time.perf_counter()
    await shares(http, first)
    taken_over = time.perf_counter() - killed
    again = await api.post_need(posters[1], "elderly_care", f"{districts[1]}009001", quantity=1)
    assert len(await proposed(api, again, pairs[1][1])) == 1
    resumed = time.perf_counter() - killed
    print(f"districts taken over {taken_over:.1f}s and proposed for {resumed:.1f}s after the kill")
    assert resumed < 15
    assert await held_needs(http, first, need_ids) == set(need_ids)


async def proposed(api: PlatformApi, need_id: str, resource_id: str) -> list[dict[str, Any]]:
    """The need's proposals of that supply, once there is one."""

    async def probe() -> list[dict[str, Any]]:
        found = [p for p in await api.proposals_for(need_id) if p["resource_id"] == resource_id]
        assert found, f"no proposal for {need_id} yet"
        return found

    return await eventually(probe, within=30)


async def held_needs(http: httpx.AsyncClient, instance: ServiceProcess, need_ids: list[str]) -> set[str]:
    """Which of these needs the instance's index holds."""
    held = (await http.get(instance.url + "/index", params={"need_id": need_ids})).json()["holds"]
    return set(held)

"""Two matching instances share the city by district: each proposes for its own, never both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devkit.testing import PlatformApi, ServiceProcess, TestStack, eventually, free_port

pytestmark = pytest.mark.stack


@pytest.fixture
def two_instances(stack: TestStack) -> Iterator[tuple[str, str]]:
    """The session's matching service as instance 0 of 2, and a second process as instance 1
    (same database, same consumer group); afterwards the one instance it was."""
    first = stack.services["matching"]
    first.restart(instances="2", instance="0")
    port = free_port()
    second = ServiceProcess(
        "matching",
        port,
        {**first.env, "HTTP_PORT": str(port), "INSTANCES": "2", "INSTANCE": "1"},
        first.log_path.with_name("matching-1.log"),
    )
    second.start()
    second.wait_ready()
    try:
        yield first.url, second.url
    finally:
        second.stop()
        first.restart()


async def test_each_instance_proposes_for_its_own_districts_and_never_both(
    two_instances: tuple[str, str], stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    pairs = {}
    for district in ("350102", "350103"):  # even: instance 0; odd: instance 1
        poster = await api.register_organization(f"{district}某社区党委", f"{district}009001", kind="party_committee")
        helper = await api.register_organization(f"{district}某志愿队", f"{district}009002")
        need_id = await api.post_need(poster, "elderly_care", f"{district}009001", quantity=2)
        resource_id = await api.share_resource(helper, "elderly_care", f"{district}009002", kind="service")
        pairs[district] = (need_id, resource_id)

    for need_id, resource_id in pairs.values():

        async def proposed(need_id: str = need_id, resource_id: str = resource_id) -> list[dict[str, Any]]:
            found = [p for p in await api.proposals_for(need_id) if p["resource_id"] == resource_id]
            assert found, f"no proposal for {need_id} yet"
            return found

        assert len(await eventually(proposed)) == 1

    first, second = two_instances
    states = [(await http.get(url + "/index")).json() for url in two_instances]
    assert [(s["instance"], s["instances"]) for s in states] == [(0, 2), (1, 2)]
    held = [await held_needs(http, url, [n for n, _ in pairs.values()]) for url in (first, second)]
    assert held == [{pairs["350102"][0]}, {pairs["350103"][0]}]


async def held_needs(http: httpx.AsyncClient, url: str, need_ids: list[str]) -> set[str]:
    """Which of these needs the instance's index holds."""
    held = (await http.get(url + "/index", params={"need_id": need_ids})).json()["holds"]
    return set(held)

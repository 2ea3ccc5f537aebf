"""The demo's loader: a refusal comes back as `Refused`, which the co-building part waits out
while the co-building service has not yet heard of a venue (behind the city's bookings)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from devkit.testing import partner_endpoint
from runtime.actors import Actor, ActorKind

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))
from cobuilding_demo import Refused, _once_the_venue_is_known
from demo import Loader  # a script's module, beside the stack

PROPOSER = Actor(kind=ActorKind.ORGANIZATION, organization_id="o1", area_code="350102001001")
NOT_YET = '{"error":{"code":"unprocessable","message":"no venue \'v1\' is shared","field":"venue_id"}}'


@pytest.fixture
async def cobuilding() -> AsyncIterator[tuple[str, list[int]]]:
    """A co-building service that knows the venue from its third request on."""
    answered: list[int] = []

    async def agreements(request: web.Request) -> web.Response:
        assert request.headers["X-Actor"]  # the loader signs as the actor
        answered.append(201 if len(answered) >= 2 else 422)
        if answered[-1] == 422:
            return web.Response(status=422, text=NOT_YET, content_type="application/json")
        return web.json_response({"id": "a1"}, status=201)

    async with partner_endpoint(agreements, "/agreements") as url:
        yield url.removesuffix("/agreements"), answered


async def test_an_agreement_is_proposed_once_its_venue_is_known(cobuilding: tuple[str, list[int]]) -> None:
    url, answered = cobuilding
    async with aiohttp.ClientSession() as http:
        loader = Loader(http, {"cobuilding": url}, concurrency=2)
        made = await _once_the_venue_is_known(loader.post, {}, PROPOSER)
    assert made == {"id": "a1"} and answered == [422, 422, 201]


async def test_another_refusal_is_not_waited_out() -> None:
    async def forbidden(service: str, path: str, body: dict[str, Any], actor: Actor) -> dict[str, Any]:
        raise Refused(service + path, 403, '{"error":{"code":"forbidden"}}')

    with pytest.raises(Refused) as refused:
        await _once_the_venue_is_known(forbidden, {}, PROPOSER)
    assert refused.value.status == 403


def test_started_before_the_stack_it_waits_to_be_told_and_loads_nothing_when_the_stack_did_not_start() -> None:
    """`stack.py up --demo` starts the loader first (it makes the city meanwhile); a stack that
    fails closes its stdin without the line."""
    script = Path(__file__).resolve().parents[2] / "deploy" / "local" / "demo.py"
    nowhere = "http://127.0.0.1:9"  # nothing listens: a loader that did not wait would fail on it
    loader = subprocess.Popen(
        [sys.executable, str(script), "--scale", "0.001", "--when-told", "--organizations-url", nowhere],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            loader.wait(timeout=5)  # the city made, waiting
        _, errors = loader.communicate(input=b"", timeout=60)  # the stack failed: no line, stdin closed
    finally:
        loader.kill()
    assert loader.returncode == 1 and errors == b""

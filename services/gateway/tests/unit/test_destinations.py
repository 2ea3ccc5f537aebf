"""Where a webhook may point: the public internet, and the networks allowed for tests only."""

from __future__ import annotations

import socket

import pytest
from aiohttp.abc import ResolveResult

from contract.errors import Unprocessable
from gateway.webhooks.destinations import Destinations, GuardedResolver, Refused, networks

NOWHERE = Destinations(networks(""), own=[("127.0.0.1", 8001)])  # as deployed: WEBHOOK_ALLOWED_NETWORKS empty
TESTS = Destinations(networks("127.0.0.1/32, 10.9.0.0/16"), own=[("127.0.0.1", 8001)])
INSIDE = [
    "http://127.0.0.1:8001/hooks",
    "http://127.0.0.1/hooks",
    "http://10.0.0.5/hooks",
    "http://172.16.3.4/hooks",
    "http://192.168.1.1/hooks",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8000/hooks",
    "http://[::ffff:127.0.0.1]/hooks",
    "http://[fe80::1]/hooks",
    "http://[fd00::1]/hooks",
    "http://0.0.0.0/hooks",
    "http://224.0.0.1/hooks",
    "http://240.0.0.1/hooks",
    "http://100.64.0.1/hooks",  # carrier-grade NAT: not public
    "http://localhost:9000/hooks",  # a name that resolves to loopback
]


class TestAtSubscription:
    @pytest.mark.parametrize("url", INSIDE)
    async def test_an_address_inside_is_refused_naming_the_url(self, url: str) -> None:
        with pytest.raises(Unprocessable) as refused:
            await NOWHERE.check(url)
        assert refused.value.details["field"] == "url"

    async def test_a_public_address_may_be_reached(self) -> None:
        await NOWHERE.check("https://93.184.215.14/hooks")
        await NOWHERE.check("http://[2606:4700::6810:84e5]/hooks")

    async def test_an_allowed_network_may_be_reached_but_never_the_platforms_own_services(self) -> None:
        await TESTS.check("http://127.0.0.1:9000/hooks")
        await TESTS.check("http://10.9.3.4/hooks")
        with pytest.raises(Unprocessable):
            await TESTS.check("http://127.0.0.1:8001/hooks")
        with pytest.raises(Unprocessable):
            await TESTS.check("http://10.8.0.1/hooks")

    async def test_a_name_that_does_not_resolve_is_refused(self) -> None:
        with pytest.raises(Unprocessable):
            await NOWHERE.check("http://no-such-host.invalid/hooks")


class Rebinding(GuardedResolver):
    """A name that resolved to a public address at subscription, and to `now` at delivery."""

    def __init__(self, destinations: Destinations, now: list[str]) -> None:
        super().__init__(destinations)
        self.now = now

    async def _found(self, host: str, port: int, family: socket.AddressFamily) -> list[ResolveResult]:
        return [ResolveResult(hostname=host, host=a, port=port, family=family, proto=0, flags=0) for a in self.now]


class TestAtDelivery:
    async def test_a_name_that_now_resolves_inside_is_refused(self) -> None:
        for now in (["127.0.0.1"], ["169.254.169.254"], ["10.0.0.7"]):
            with pytest.raises(Refused):
                await Rebinding(NOWHERE, now).resolve("partner.example", 443)

    async def test_only_the_addresses_that_may_be_reached_are_connected_to(self) -> None:
        found = await Rebinding(NOWHERE, ["10.0.0.7", "93.184.215.14"]).resolve("partner.example", 443)
        assert [entry["host"] for entry in found] == ["93.184.215.14"]

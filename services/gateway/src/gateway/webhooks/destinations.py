"""Where a partner's webhook may send the gateway: the public internet only.

A webhook makes the gateway POST to a URL a partner chose, from inside the platform's network.
Pointed at 127.0.0.1, a private or link-local address (a cloud's metadata service at
169.254.169.254), a multicast or reserved one, or one of the platform's own services, it would
let a partner reach what only the platform should, and its delivery log would map the inside.
So such URLs are refused when subscribed (422) and again at every delivery, on the addresses
the name resolves to then: the deliverer's resolver (`GuardedResolver`) hands the connector only
addresses it has checked, and the connection is made to those, so a name that resolves to a
public address at subscription and to 127.0.0.1 later (DNS rebinding) is refused all the same.
Redirects are not followed.

`WEBHOOK_ALLOWED_NETWORKS` (comma-separated, empty by default) lets webhooks into networks
that would be refused otherwise: the test stack's partner endpoints on 127.0.0.1, say. The
platform's own services (the gateway's and its services' host and port) stay refused even
there.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from contract.errors import Unprocessable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Refused(OSError):
    """A destination a webhook may not reach; an OSError, as the connector expects of a resolver."""


def networks(listed: str) -> list[Network]:
    """`WEBHOOK_ALLOWED_NETWORKS`: networks or single addresses, comma-separated."""
    return [ipaddress.ip_network(item.strip(), strict=False) for item in listed.split(",") if item.strip()]


def _why_not(address: Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    for refused, why in (
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_unspecified, "the unspecified address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "not a public address"),
    ):
        if refused:
            return why
    return None


class Destinations:
    """Which addresses a webhook may reach (see the module's docstring)."""

    def __init__(self, allowed: Iterable[Network], own: Iterable[tuple[str, int]]) -> None:
        self.allowed = list(allowed)
        self.own = list(own)  # (host, port) of the platform's own services

    def refusal(self, address: str, port: int) -> str | None:
        """Why a webhook may not reach `address`:`port`; None when it may."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 address may carry its zone
        if any(str(ip) == host and port == own_port for host, own_port in self.own):
            return "one of the platform's own services"
        if any(ip in network for network in self.allowed):
            return None
        return _why_not(ip)

    async def check(self, url: str) -> None:
        """Unprocessable (naming `url`) unless every address the URL's host has now may be reached."""
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError:
            raise Unprocessable(f"the webhook's host {host!r} does not resolve", field="url") from None
        for *_, sockaddr in found:
            if why := self.refusal(str(sockaddr[0]), port):
                raise Unprocessable(f"a webhook may not point at {why} ({sockaddr[0]})", field="url")


class GuardedResolver(AbstractResolver):
    """The deliverer's resolver: a name's addresses, less those a webhook may not reach; none
    left is `Refused`. An address written in the URL itself never comes here (the connector
    uses it as it is): the deliverer checks those with `Destinations.refusal` first."""

    def __init__(self, destinations: Destinations) -> None:
        self.destinations = destinations
        self.resolver = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._found(host, port, family)
        allowed = [entry for entry in found if self.destinations.refusal(entry["host"], entry["port"]) is None]
        if not allowed:
            raise Refused(f"{host} resolves to no address a webhook may reach")
        return allowed

    async def _found(self, host: str, port: int, family: socket.AddressFamily) -> list[ResolveResult]:
        return await self.resolver.resolve(host, port, family)

    async def close(self) -> None:
        await self.resolver.close()

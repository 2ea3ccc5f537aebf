"""The services behind the gateway, over HTTP."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from fastapi import Request, Response

from contract.errors import DomainError, NotFound
from contract.tracing import correlation_id
from runtime.logs import client_address


class UpstreamError(DomainError):
    status_code = 502
    code = "upstream_error"


class Answer:
    """A service's answer, read whole: what the gateway uses of one."""

    def __init__(self, status_code: int, content: bytes, headers: Mapping[str, str]) -> None:
        self.status_code = status_code
        self.content = content
        self.headers = headers

    def json(self) -> Any:
        return json.loads(self.content)


Params = Mapping[str, Any] | Iterable[tuple[str, str]]


def query(params: Params | None) -> list[tuple[str, str]]:
    """Query parameters as pairs, a list's items each its own (`status=a&status=b`), those
    with no value left out, true and false spelt as the services read them."""
    if params is None:
        return []
    pairs = params.items() if isinstance(params, Mapping) else params
    found: list[tuple[str, str]] = []
    for name, value in pairs:
        for one in value if isinstance(value, list | tuple) else [value]:
            if one is not None:
                found.append((name, str(one).lower() if isinstance(one, bool) else str(one)))
    return found


def upstream_session(base_url: str, timeout_seconds: float) -> aiohttp.ClientSession:
    """The gateway's client for one service: aiohttp's, not httpx's.

    Under load some calls are cut off (the upstream timeout, a visitor leaving): httpx's pool
    (httpcore 1.0.9, whose releases have stopped) can lose the slot of a request cancelled
    while it waits for a connection, and once every slot is lost, every call fails with a pool
    timeout against a healthy service until the process restarts (encode/httpcore#1093). aiohttp's
    connector hands a connection back, or closes it, whenever the request holding it ends,
    cancelled or not; it is maintained, already in the project (the tests' partner endpoints,
    the benchmarks), and measured in `test_dashboards_load`: 50 clients on the dashboards with
    calls timing out after 0.3 s, then every page answers at once. The timeout covers the whole
    call, the wait for a connection included, as httpx's did."""
    connector = aiohttp.TCPConnector(limit=100, keepalive_timeout=30)  # below the services' 65 s
    timeout = aiohttp.ClientTimeout(total=timeout_seconds)
    return aiohttp.ClientSession(base_url, connector=connector, timeout=timeout, raise_for_status=False)


def _trace() -> dict[str, str]:
    """The headers that tie a call to the services to the request the gateway is answering."""
    found = {"X-Correlation-ID": correlation_id.get(), "X-Forwarded-For": client_address.get()}
    return {name: value for name, value in found.items() if value}


class Upstream:
    """One service's HTTP API; its 404 stays a 404, anything else it fails with is a 502."""

    def __init__(self, name: str, session: aiohttp.ClientSession) -> None:
        self.name = name
        self.session = session

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        content: bytes | aiohttp.FormData | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """The service's answer, its refusals included; 502 when it does not answer or fails. The
        request's correlation id and the visitor's address go along, for the service's logs and
        audit log."""
        traced = {**(headers or {}), **_trace()}
        try:
            async with self.session.request(
                method, path, params=query(params), json=json, data=content, headers=traced
            ) as response:
                answer = Answer(response.status, await response.read(), response.headers)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise UpstreamError(f"the {self.name} service does not answer: {type(exc).__name__}") from exc
        if answer.status_code >= 500:
            raise UpstreamError(f"the {self.name} service answered {answer.status_code}")
        return answer

    async def get(self, path: str, params: dict[str, Any] | None = None, actor: str | None = None) -> Any:
        """The document at `path`, asked as `actor` (an `X-Actor` token) when one is given."""
        response = await self.call("GET", path, params=params, headers={"X-Actor": actor} if actor else None)
        if response.status_code == 404:
            raise NotFound(response.json().get("error", {}).get("message", f"not found at {self.name}"))
        if response.status_code >= 400:
            raise UpstreamError(f"the {self.name} service answered {response.status_code}")
        return response.json()

    async def forward(self, request: Request, path: str, actor: str) -> Response:
        """The request, sent on as `actor` (an `X-Actor` token); the service's answer, its
        refusals included, goes back as it is. A request's `Idempotency-Key` goes on too (made
        the partner key's own), so a retry after the service stored it but its answer was lost
        on the way here (a 502) is answered by the service as the first time."""
        headers = {"X-Actor": actor, "Content-Type": request.headers.get("content-type", "application/json")}
        if (key := request.headers.get("idempotency-key")) is not None:
            caller = request.headers.get("authorization", "")
            headers["Idempotency-Key"] = hashlib.sha256(f"{caller}\0{key}".encode()).hexdigest()
        response = await self.call(
            request.method,
            path,
            params=request.query_params.multi_items(),
            content=await request.body(),
            headers=headers,
        )
        media_type = response.headers.get("content-type", "application/json")
        return Response(response.content, status_code=response.status_code, media_type=media_type)

    async def find(self, path: str) -> Any | None:
        """The document at `path`, or None where there is none."""
        try:
            return await self.get(path)
        except NotFound:
            return None


@dataclass(frozen=True)
class Upstreams:
    """The services the gateway asks, each by its name."""

    organizations: Upstream
    needs: Upstream
    resources: Upstream
    matching: Upstream
    points: Upstream
    notifications: Upstream
    cobuilding: Upstream

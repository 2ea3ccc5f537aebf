"""The services behind the gateway, over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import Request, Response

from gateway.models import PartnerIdentity
from shared.actors import Actor, ActorKind, sign
from shared.errors import DomainError, NotFound, Unauthorized


class UpstreamError(DomainError):
    status_code = 502
    code = "upstream_error"


class Upstream:
    """One service's HTTP API; its 404 stays a 404, anything else it fails with is a 502."""

    def __init__(self, name: str, client: httpx.AsyncClient) -> None:
        self.name = name
        self.client = client

    async def call(self, method: str, path: str, **options: Any) -> httpx.Response:
        """The service's answer, its refusals included; 502 when it does not answer or fails."""
        try:
            response = await self.client.request(method, path, **options)
        except httpx.HTTPError as exc:
            raise UpstreamError(f"the {self.name} service does not answer: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise UpstreamError(f"the {self.name} service answered {response.status_code}")
        return response

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        response = await self.call("GET", path, params=params)
        if response.status_code == 404:
            raise NotFound(response.json().get("error", {}).get("message", f"not found at {self.name}"))
        if response.status_code >= 400:
            raise UpstreamError(f"the {self.name} service answered {response.status_code}")
        return response.json()

    async def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return await self.call("POST", path, json=body)

    async def forward(self, request: Request, path: str, actor: str) -> Response:
        """The request, sent on as `actor` (an `X-Actor` token); the service's answer, its
        refusals included, goes back as it is."""
        headers = {"X-Actor": actor, "Content-Type": request.headers.get("content-type", "application/json")}
        response = await self.call(
            request.method, path, params=request.query_params, content=await request.body(), headers=headers
        )
        media_type = response.headers.get("content-type", "application/json")
        return Response(response.content, status_code=response.status_code, media_type=media_type)

    async def find(self, path: str) -> Any | None:
        """The document at `path`, or None where there is none."""
        try:
            return await self.get(path)
        except NotFound:
            return None


class PartnerKeys:
    """Which organisation a partner's API key acts for, as the registry says at every request:
    a revoked or rotated key, or the key of an organisation just suspended, stops working at once
    (no answer is kept here to let it pass a while longer)."""

    def __init__(self, registry: Upstream, actor_secret: str) -> None:
        self.registry = registry
        self.actor_secret = actor_secret

    async def identify(self, key: str) -> PartnerIdentity:
        headers = {"X-Actor": sign(Actor(kind=ActorKind.PLATFORM), self.actor_secret)}
        response = await self.registry.call("POST", "/api-keys/verify", json={"key": key}, headers=headers)
        if response.status_code == 401:
            refusal = response.json().get("error", {}).get("message", "")
            raise Unauthorized(refusal if "organization is" in refusal else "unknown or revoked API key")
        if response.status_code == 422:
            raise Unauthorized("unknown or revoked API key")
        if response.status_code != 200:
            raise UpstreamError(f"the registry answered {response.status_code}")
        return PartnerIdentity.model_validate(response.json())

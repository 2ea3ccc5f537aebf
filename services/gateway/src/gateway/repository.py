"""The services behind the gateway, over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from shared.errors import DomainError, NotFound


class UpstreamError(DomainError):
    status_code = 502
    code = "upstream_error"


class Upstream:
    """One service's HTTP API; its 404 stays a 404, anything else it fails with is a 502."""

    def __init__(self, name: str, client: httpx.AsyncClient) -> None:
        self.name = name
        self.client = client

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        try:
            response = await self.client.get(path, params=params)
        except httpx.HTTPError as exc:
            raise UpstreamError(f"the {self.name} service does not answer: {type(exc).__name__}") from exc
        if response.status_code == 404:
            raise NotFound(response.json().get("error", {}).get("message", f"not found at {self.name}"))
        if response.status_code >= 400:
            raise UpstreamError(f"the {self.name} service answered {response.status_code}")
        return response.json()

    async def find(self, path: str) -> Any | None:
        """The document at `path`, or None where there is none."""
        try:
            return await self.get(path)
        except NotFound:
            return None

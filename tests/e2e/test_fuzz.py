"""The OpenAPI surface fuzzed with schemathesis: whatever a client sends, no answer is a 5xx.

The partner API is called with a key of every scope; the services' own APIs as a registered
organisation (the gateway's `X-Actor`) and with the registry's operations token. Up to 25
examples an operation keep it in the suite. Each generated JSON body is also sent as
`Application/JSON` and `application/x+json` (types FastAPI parses as JSON too) with a NUL in its
first text, and with every time in it, and in the query, moved to an edge of the calendar."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from devkit.testing import PlatformApi, TestStack, acting, organization

pytestmark = pytest.mark.stack

ENDLESS = {"/api/v1/events/stream"}  # a server-sent stream answers for as long as it is read
SCOPES = ["read", "needs:write", "resources:write", "matches:decide", "shop:write", "cobuilding:write"]
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
SPELLINGS = ["Application/JSON", "application/x+json"]
EDGES = ["9999-12-31T23:30:00-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z", "9999-12-31"]


def _is_time(value: object) -> bool:
    if not isinstance(value, str) or len(value) < 10:
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def at_the_edges(value: Any, edge: str) -> Any:
    """`value` with every text that reads as a time replaced by `edge`."""
    if isinstance(value, dict):
        return {k: at_the_edges(v, edge) for k, v in value.items()}
    if isinstance(value, list):
        return [at_the_edges(v, edge) for v in value]
    return edge if _is_time(value) else value


def with_a_nul(value: Any) -> Any:
    """`value` with a NUL put into its first text."""
    done = False

    def put(inner: Any) -> Any:
        nonlocal done
        if isinstance(inner, dict):
            return {k: put(v) for k, v in inner.items()}
        if isinstance(inner, list):
            return [put(v) for v in inner]
        if isinstance(inner, str) and not done:
            done = True
            return inner + "\u0000"
        return inner

    return put(value)


def variants(case: Any, url: str, headers: dict[str, str]) -> list[tuple[str, httpx.Response]]:
    """The case sent again: its JSON body in other spellings of the type with a NUL in it, and
    its times (body and query) at the edges."""
    sent: list[tuple[str, httpx.Response]] = []
    target = url + case.formatted_path
    query = case.query or {}
    if isinstance(case.body, dict | list):
        for spelling in SPELLINGS:
            body = json.dumps(with_a_nul(case.body))
            answer = httpx.request(
                case.method,
                target,
                params=query,
                content=body,
                headers={**headers, "Content-Type": spelling},
                timeout=30,
            )
            sent.append((f"{spelling} with a NUL", answer))
    if any(_is_time(v) for v in query.values()) or (
        isinstance(case.body, dict | list) and "T" in json.dumps(case.body)
    ):
        for edge in EDGES:
            body = at_the_edges(case.body, edge) if isinstance(case.body, dict | list) else None
            params = at_the_edges(query, edge)
            answer = httpx.request(case.method, target, params=params, json=body, headers=headers, timeout=30)
            sent.append((f"times at {edge}", answer))
    return sent


def no_server_error(url: str, headers: dict[str, str]) -> None:
    """Every operation of the OpenAPI at `url`, with generated requests; none may answer 5xx."""
    schema = schemathesis.openapi.from_url(url + "/openapi.json")
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in ENDLESS:
            continue

        @EXAMPLES
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = case.call(base_url=url, headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}: {response.text[:200]}")
            for what, answer in variants(case, url, headers):
                if answer.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path}, {what} → {answer.status_code}")

        run()
    assert failures == []


@pytest.fixture
async def fuzzer(stack: TestStack, http: httpx.AsyncClient) -> str:
    return await PlatformApi(stack, http).register_organization("模糊测试党支部", "350111008001")


async def test_the_partner_api_answers_no_5xx(stack: TestStack, http: httpx.AsyncClient, fuzzer: str) -> None:
    key = await PlatformApi(stack, http).issue_key(fuzzer, SCOPES)
    no_server_error(stack.url("gateway"), key)


@pytest.mark.parametrize("service", ["organizations", "needs", "resources", "matching", "points"])
def test_a_services_api_answers_no_5xx(service: str, stack: TestStack, fuzzer: str) -> None:
    admin = {"X-Admin-Token": "development-admin-token"}  # the registry's operations, as the gateway calls them
    no_server_error(stack.url(service), acting(organization(fuzzer)) | admin)

"""The OpenAPI surface fuzzed with schemathesis: whatever a client sends, no answer is a 5xx.

The partner API is called with a key of every scope; the services' own APIs as a registered
organisation (the gateway's `X-Actor`) and with the registry's operations token. Up to 25
examples an operation keep it in the suite."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from shared.testing import PlatformApi, TestStack, acting, organization

pytestmark = pytest.mark.stack

ENDLESS = {"/api/v1/events/stream"}  # a server-sent stream answers for as long as it is read
SCOPES = ["read", "needs:write", "resources:write", "matches:decide"]
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


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

        run()
    assert failures == []


@pytest.fixture
async def fuzzer(stack: TestStack, http: httpx.AsyncClient) -> str:
    return await PlatformApi(stack, http).register_organization("模糊测试党支部", "350111008001")


async def test_the_partner_api_answers_no_5xx(stack: TestStack, http: httpx.AsyncClient, fuzzer: str) -> None:
    key = await PlatformApi(stack, http).issue_key(fuzzer, SCOPES)
    no_server_error(stack.url("gateway"), key)


@pytest.mark.parametrize("service", ["organizations", "needs", "resources", "matching"])
def test_a_services_api_answers_no_5xx(service: str, stack: TestStack, fuzzer: str) -> None:
    admin = {"X-Admin-Token": "development-admin-token"}  # the registry's operations, as the gateway calls them
    no_server_error(stack.url(service), acting(organization(fuzzer)) | admin)

"""A request through the gateway is followed into the services: its correlation id and the
visitor's address reach their logs and audit logs."""

from __future__ import annotations

import uuid

import httpx
import pytest

from devkit.testing import PLATFORM, PlatformApi, TestStack, eventually

pytestmark = pytest.mark.stack

AREA = "350111015001"


async def test_a_partners_post_is_in_the_services_audit_log_under_its_correlation_id(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    key = await api.issue_key(await api.register_organization("追踪测试支部", AREA), ["read", "needs:write"])
    cid = uuid.uuid4().hex
    body = {"title": "追踪", "category": "legal_aid", "area_code": AREA, "quantity": 1}

    posted = await http.post(
        stack.url("gateway") + "/api/v1/needs", json=body, headers={**key, "X-Correlation-ID": cid}
    )
    assert posted.status_code == 201, posted.text

    async def recorded() -> dict[str, str]:
        entries = (await api.get("needs", "/audit", actor=PLATFORM, route="/needs"))["items"]
        found = [e for e in entries if e["correlation_id"] == cid]
        assert found, "not recorded yet"
        return found[0]

    entry = await eventually(recorded, within=10)
    assert entry["method"] == "POST" and entry["status"] == 201 and entry["forwarded_for"] == "127.0.0.1"

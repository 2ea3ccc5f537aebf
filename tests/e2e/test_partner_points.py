"""A partner reads a person's points balance with its registry key only while the person
consents: 403 before, the person's figures once they gave the partner's organisation leave,
403 again once they withdrew it; another organisation's key never; a key without `read` never."""

from __future__ import annotations

from uuid import uuid4

import httpx
import pytest

from contract.events import NEEDS_TOPIC
from contract.events.needs import ClaimCompleted, ClaimData
from devkit.testing import PlatformApi, TestStack, acting, eventually, organization, send_raw, wait_consumed
from runtime.kafka import encode

pytestmark = pytest.mark.stack

AREA = "350111005001"


async def test_a_partner_reads_a_persons_balance_only_while_the_person_consents(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    partner, helper = (
        await api.register_organization("积分合作银行", AREA),
        await api.register_organization("志愿队", AREA),
    )
    other = await api.register_organization("另一家商户", AREA)
    key, others_key = await api.issue_key(partner, ["read"]), await api.issue_key(other, ["read"])
    no_read = await api.issue_key(partner, ["needs:write"])
    member = uuid4().hex
    claim = ClaimData(
        claim_id=uuid4().hex,
        need_id=uuid4().hex,
        need_organization_id=uuid4().hex,
        organization_id=helper,
        member_id=member,
        quantity=2,
        served=2,
    )
    sent = await send_raw(
        stack.kafka,
        stack.topic(NEEDS_TOPIC),
        [encode(ClaimCompleted(source="needs", subject=claim.claim_id, data=claim))],
    )
    await wait_consumed(stack.kafka, stack.group("points"), sent)

    url = stack.url("gateway") + f"/api/v1/people/member/{member}/balance"
    assert (await http.get(url, headers=key)).status_code == 403
    consents = stack.url("points") + f"/accounts/member:{member}/consents/{partner}"
    me = acting(organization(helper, member_id=member))

    async def known() -> None:  # the points service heard of the partner from the registry
        assert (await http.put(consents, headers=me)).status_code == 200

    await eventually(known)
    read = await http.get(url, headers=key)
    assert read.status_code == 200, read.text
    assert read.json()["account"] == f"member:{member}" and read.json()["points"] > 0 and read.json()["minutes"] > 0
    assert set(read.json()) == {"account", "points", "minutes"}
    assert (await http.get(url, headers=others_key)).status_code == 403
    assert (await http.get(url, headers=no_read)).status_code == 403
    assert (await http.get(url)).status_code == 401

    assert (await http.delete(consents, headers=me)).status_code == 204
    assert (await http.get(url, headers=key)).status_code == 403

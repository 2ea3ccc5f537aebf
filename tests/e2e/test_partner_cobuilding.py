"""Co-building through the partner API, as a partner's systems do it: a key with
`cobuilding:write` proposes an agreement, the other party's key signs it (a read-only key and a
stranger's are refused), both read it; a key offers on a street's purchase of services, is
awarded it and records a delivery; a key publishes a project and records its spending."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from devkit.testing import PlatformApi, TestStack
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack

COMMUNITY = "350124980001"


async def test_a_partners_systems_co_build_through_the_api(stack: TestStack, http: httpx.AsyncClient) -> None:
    api = PlatformApi(stack, http)
    union = await api.register_organization("区总工会党支部", COMMUNITY)
    rescue = await api.register_organization("救援队党支部", COMMUNITY, kind="social_organization")
    stranger_org = await api.register_organization("外街党支部", COMMUNITY)
    union_key = await api.issue_key(union, ["read", "cobuilding:write"])
    rescue_key = await api.issue_key(rescue, ["read", "cobuilding:write"])
    reads_only = await api.issue_key(rescue, ["read"])
    stranger = await api.issue_key(stranger_org, ["read", "cobuilding:write"])
    base = stack.url("gateway") + "/api/v1"
    today = date.today()

    body = {
        "title": "工会与救援队结对共建",
        "parties": [union, rescue],
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=200)).isoformat(),
        "commitments": [
            {"by_organization_id": rescue, "what": "每年4次应急救护培训", "repeat": "times_a_year", "times_a_year": 4}
        ],
    }
    assert (await http.post(f"{base}/agreements", json=body, headers=reads_only)).status_code == 403
    proposed = await http.post(f"{base}/agreements", json=body, headers=union_key)
    assert proposed.status_code == 201, proposed.text
    agreement = proposed.json()["id"]
    assert (await http.post(f"{base}/agreements/{agreement}/sign", headers=reads_only)).status_code == 403
    assert (await http.post(f"{base}/agreements/{agreement}/sign", headers=stranger)).status_code == 403
    signed = await http.post(f"{base}/agreements/{agreement}/sign", headers=rescue_key)
    assert signed.json()["status"] == "signed", signed.text
    listed = await http.get(f"{base}/agreements", headers=union_key)
    assert agreement in [a["id"] for a in listed.json()["items"]]
    assert (await http.get(f"{base}/agreements/{agreement}", headers=stranger)).status_code == 404

    street = Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITY[:9])
    wanted = {
        "title": "应急救护培训进社区",
        "service": "每季度一次应急救护培训",
        "for_whom": "社区居民",
        "category": "first_aid_training",
        "budget": 20_000,
        "starts_on": (today - timedelta(days=10)).isoformat(),
        "ends_on": (today + timedelta(days=200)).isoformat(),
    }
    purchase = await api.post("cobuilding", "/purchases", wanted, actor=street)
    offered = await http.post(
        f"{base}/purchases/{purchase['id']}/offers", json={"price": 18_000, "plan": "持证教员授课"}, headers=rescue_key
    )
    assert offered.status_code == 200, offered.text
    [offer] = offered.json()["offers"]  # its own offer, as a bidder sees it
    await api.post(
        "cobuilding", f"/purchases/{purchase['id']}/award", {"offer_id": offer["offer_id"]}, 200, actor=street
    )
    delivery = {"on": today.isoformat(), "person_times": 35}
    assert (
        await http.post(f"{base}/purchases/{purchase['id']}/deliveries", json=delivery, headers=stranger)
    ).status_code == 403
    delivered = await http.post(f"{base}/purchases/{purchase['id']}/deliveries", json=delivery, headers=rescue_key)
    assert delivered.json()["served"] == 35, delivered.text

    project = {
        "title": "社区应急角建设",
        "category": "first_aid_training",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
        "budget": 5_000,
    }
    published = await http.post(f"{base}/projects", json=project, headers=union_key)
    assert published.status_code == 201, published.text
    spent = {"on": today.isoformat(), "amount": 6_000, "funder": "自筹", "what": "急救箱"}
    over = await http.post(f"{base}/projects/{published.json()['id']}/spending", json=spent, headers=union_key)
    assert over.status_code == 409 and "approval" in over.text  # past the budget, not approved

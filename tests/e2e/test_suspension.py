"""An organisation the registry suspends or dissolves stops acting everywhere at once, and a
member acts only through an organisation they belong to."""

from __future__ import annotations

import httpx
import pytest

from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, eventually, organization

pytestmark = pytest.mark.stack

AREA = "350111012001"


async def _change_status(api: PlatformApi, org: str, status: str) -> None:
    body = {"status": status, "reason": "年检未通过"}
    await api.post("organizations", f"/organizations/{org}/status", body, status=200, actor=PLATFORM)


@pytest.mark.parametrize("status", ["suspended", "dissolved"])
async def test_a_suspended_or_dissolved_organisation_neither_posts_claims_shares_nor_books(
    status: str, stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    org = await api.register_organization(f"停用测试支部{status}", AREA)
    other = await api.register_organization(f"停用测试社区{status}", AREA)
    need = await api.post_need(other, "legal_aid", AREA)
    venue = await api.share_resource(other, "venue", AREA)
    shelved = {"kind": "goods", "name": "大米", "area_code": AREA, "price": 10, "stock": 5}
    item = (await api.post("points", "/shop/items", shelved, actor=organization(other)))["id"]
    key = await api.issue_key(org, ["read", "needs:write"])
    gateway = stack.url("gateway") + "/api/v1/needs"
    assert (await http.get(gateway, headers=key)).status_code == 200

    await _change_status(api, org, status)

    refused = await http.get(gateway, headers=key)  # at once: the gateway keeps no key's answer
    assert refused.status_code == 401 and status in refused.json()["error"]["message"]
    writes = [
        ("needs", "/needs", {"title": "t", "category": "legal_aid", "area_code": AREA, "quantity": 1}),
        ("needs", f"/needs/{need}/claims", {"quantity": 1}),
        ("resources", "/resources", {"kind": "venue", "name": "v", "category": "venue", "area_code": AREA}),
        (
            "resources",
            f"/venues/{venue}/bookings",
            {"starts_at": "2030-06-01T10:00:00+08:00", "ends_at": "2030-06-01T11:00:00+08:00"},
        ),
        ("points", "/shop/items", shelved),
        ("points", f"/shop/items/{item}/orders", {}),
    ]

    async def every_write_refused() -> None:
        for service, path, body in writes:
            answer = await http.post(stack.url(service) + path, json=body, headers=acting(organization(org)))
            assert answer.status_code == 403 and status in answer.text, f"{service}{path}: {answer.text}"

    await eventually(every_write_refused)


async def test_a_member_claims_only_through_an_organisation_they_belong_to(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    poster = await api.register_organization("成员认领测试社区", AREA)
    theirs = await api.register_organization("成员所在支部", AREA)
    foreign = await api.register_organization("他人支部", AREA)
    member = {"name": "陈红", "phone": "13900001111", "roles": ["volunteer"], "organization_ids": [theirs]}
    member_id = (await api.post("organizations", "/members", member, actor=PLATFORM))["id"]
    need = await api.post_need(poster, "legal_aid", AREA, quantity=5)
    url = stack.url("needs") + f"/needs/{need}/claims"

    async def claimed_through_theirs() -> httpx.Response:
        answer = await http.post(url, json={"member_id": member_id}, headers=acting(organization(theirs)))
        assert answer.status_code == 201, answer.text  # once needs has heard of the membership
        return answer

    assert (await eventually(claimed_through_theirs)).json()["member_id"] == member_id
    through_another = await http.post(url, json={"member_id": member_id}, headers=acting(organization(foreign)))
    assert through_another.status_code == 403 and "belong to" in through_another.json()["error"]["message"]
    as_actor = await http.post(url, json={}, headers=acting(organization(foreign, member_id=member_id)))
    assert as_actor.status_code == 403

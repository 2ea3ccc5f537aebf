"""Partners post and claim needs through the gateway's API with their registry keys."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from devkit.testing import PlatformApi, TestStack, eventually

pytestmark = pytest.mark.stack

AREA = "350111003001"


async def test_a_partner_posts_a_need_and_another_claims_it(stack: TestStack, http: httpx.AsyncClient) -> None:
    api = PlatformApi(stack, http)
    poster = await api.register_organization("鼓山镇某社区党委", AREA, kind="party_committee")
    helper = await api.register_organization("某律师事务所党支部", AREA)
    writes = await api.issue_key(poster, ["read", "needs:write"])
    claims = await api.issue_key(helper, ["read", "needs:write"])
    reads_only = await api.issue_key(helper, ["read"])
    url = stack.url("gateway") + "/api/v1/needs"
    body = {"title": "居民法律咨询", "category": "legal_aid", "area_code": AREA, "quantity": 2}

    posted = await http.post(url, json=body, headers=writes)
    assert posted.status_code == 201, posted.text
    need = posted.json()
    assert need["organization_id"] == poster and need["status"] == "open"

    assert (await http.post(url, json=body)).status_code == 401
    refused = await http.post(url, json=body, headers=reads_only)
    assert refused.status_code == 403 and "needs:write" in refused.json()["error"]["message"]
    foreign = await http.post(url, json={**body, "organization_id": helper}, headers=writes)
    assert foreign.status_code == 403
    assert (await http.post(url, json={**body, "quantity": "two"}, headers=writes)).status_code == 422

    claimed = await http.post(f"{url}/{need['id']}/claims", json={"quantity": 2}, headers=claims)
    assert claimed.status_code == 201 and claimed.json()["organization_id"] == helper
    again = await http.post(f"{url}/{need['id']}/claims", json={"quantity": 1}, headers=claims)
    assert again.status_code == 409 and again.json()["error"]["status"] == "fully_claimed"
    seen = (await http.get(f"{url}/{need['id']}", headers=reads_only)).json()
    assert seen["status"] == "fully_claimed" and seen["claimed"] == 2
    listed = (await http.get(url, params={"organization_id": poster}, headers=reads_only)).json()
    assert [n["id"] for n in listed["items"]] == [need["id"]]


async def test_the_partner_api_refuses_a_bad_body_after_the_key_and_takes_one_sent_without_its_type(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    poster = await api.issue_key(await api.register_organization("某社区党群服务中心", AREA), ["read", "needs:write"])
    reads_only = await api.issue_key(await api.register_organization("某企业党支部", AREA), ["read"])
    url = stack.url("gateway") + "/api/v1/needs"
    body = {"title": "助老陪护", "category": "elderly_care", "area_code": AREA, "quantity": 1}

    untyped = await http.post(url, content=json.dumps(body).encode(), headers=poster)
    assert untyped.status_code == 201, untyped.text
    assert (await http.post(url, json={"title": ""})).status_code == 401
    assert (await http.post(url, json={"title": ""}, headers=reads_only)).status_code == 403
    refused = await http.post(url, json={**body, "quantity": 0}, headers=poster)
    assert refused.status_code == 422
    assert [f["field"] for f in refused.json()["error"]["fields"]] == ["body.quantity"]


async def test_partners_carry_a_claim_to_its_end_and_the_need_to_its_confirmation(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    poster = await api.issue_key(await api.register_organization("某社区居委会党支部", AREA), ["read", "needs:write"])
    helper = await api.issue_key(await api.register_organization("某志愿服务队", AREA), ["read", "needs:write"])
    url = stack.url("gateway") + "/api/v1/needs"
    body = {"title": "助老送餐", "category": "elderly_care", "area_code": AREA, "quantity": 2, "draft": True}

    need = (await http.post(url, json=body, headers=poster)).json()
    edited = await http.patch(f"{url}/{need['id']}", json={"quantity": 3, "title": "助老送餐(三户)"}, headers=poster)
    assert edited.status_code == 200 and edited.json()["quantity"] == 3
    assert (await http.post(f"{url}/{need['id']}/publish", headers=poster)).json()["status"] == "open"
    claim = (await http.post(f"{url}/{need['id']}/claims", json={"quantity": 3}, headers=helper)).json()
    claimed = f"{url}/{need['id']}/claims/{claim['id']}"

    assert (await http.post(f"{claimed}/complete", headers=helper)).status_code == 403  # the poster says it is done
    started = (await http.post(f"{claimed}/start", headers=helper)).json()
    assert [c["status"] for c in started["claims"]] == ["started"]
    assert (await http.post(f"{claimed}/complete", json={"served": -1}, headers=poster)).status_code == 422
    completed = (await http.post(f"{claimed}/complete", json={"served": 12}, headers=poster)).json()
    assert [(c["status"], c["served"]) for c in completed["claims"]] == [("completed", 12)]
    assert (await http.post(f"{url}/{need['id']}/start", headers=poster)).json()["status"] == "in_progress"
    assert (await http.post(f"{url}/{need['id']}/fulfil", headers=poster)).json()["status"] == "fulfilled"
    assert (await http.post(f"{url}/{need['id']}/confirm", headers=poster)).json()["status"] == "confirmed"
    assert (await http.post(f"{url}/{need['id']}/teleport", headers=poster)).status_code == 422

    ratings = stack.url("gateway") + "/api/v1/evaluations"

    async def waiting() -> dict[str, Any]:
        found: list[dict[str, Any]] = (await http.get(f"{ratings}/waiting", headers=poster)).json()
        assert [(r["subject"], r["subject_id"]) for r in found] == [("claim", claim["id"])]
        return found[0]

    rating = await eventually(waiting, within=30)
    assert (await http.get(f"{ratings}/waiting", headers=helper)).json() == []  # the helper received nothing
    rate = f"{ratings}/{rating['id']}"
    assert (await http.post(f"{rate}/give", json={"stars": 5}, headers=helper)).status_code == 403
    assert (await http.post(f"{rate}/give", json={"stars": 6}, headers=poster)).status_code == 422
    given = await http.post(f"{rate}/give", json={"stars": 5, "tags": ["on_time"]}, headers=poster)
    assert given.status_code == 200 and given.json()["stars"] == 5, given.text
    again = await http.post(f"{rate}/give", json={"stars": 1}, headers=poster)
    assert again.status_code == 409 and again.json()["error"]["status"] == "given"
    assert (await http.post(f"{rate}/answer", json={"text": "谢谢"}, headers=poster)).status_code == 403
    assert (await http.post(f"{rate}/answer", json={"text": "谢谢信任"}, headers=helper)).status_code == 200
    helper_id = completed["claims"][0]["organization_id"]
    summary = (await http.get(f"{ratings}/summary", params={"organization_id": helper_id}, headers=poster)).json()
    assert (summary["count"], summary["average"]) == (1, 5.0)


async def test_the_moves_of_a_need_are_refused_to_a_key_without_the_scope_and_to_other_organisations(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    poster = await api.issue_key(await api.register_organization("某社区服务站党支部", AREA), ["read", "needs:write"])
    stranger = await api.issue_key(await api.register_organization("别的单位党支部", AREA), ["read", "needs:write"])
    reads_only = await api.issue_key(await api.register_organization("只读的单位", AREA), ["read"])
    url = stack.url("gateway") + "/api/v1/needs"
    body = {"title": "社区义剪", "category": "elderly_care", "area_code": AREA, "quantity": 2}
    need = (await http.post(url, json=body, headers=poster)).json()
    claim = (await http.post(f"{url}/{need['id']}/claims", json={"quantity": 1}, headers=stranger)).json()
    moves = [
        ("PATCH", f"{url}/{need['id']}", {"title": "改了"}),
        ("POST", f"{url}/{need['id']}/cancel", None),
        ("POST", f"{url}/{need['id']}/claims/{claim['id']}/complete", None),
    ]

    for method, path, sent in moves:
        assert (await http.request(method, path, json=sent)).status_code == 401, path
        assert (await http.request(method, path, json=sent, headers=reads_only)).status_code == 403, path
        assert (await http.request(method, path, json=sent, headers=stranger)).status_code == 403, path
    assert (await http.post(f"{url}/{need['id']}/claims/{claim['id']}/release", headers=poster)).status_code == 403
    unchanged = (await http.get(f"{url}/{need['id']}", headers=poster)).json()
    assert (unchanged["title"], unchanged["status"]) == ("社区义剪", "partly_claimed")
    assert [c["status"] for c in unchanged["claims"]] == ["live"]

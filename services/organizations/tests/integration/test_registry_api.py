"""The registry's API on the shared stack: events on Kafka, partner keys, masking, refusals."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from contract.events import MEMBERS_TOPIC, ORGANIZATIONS_TOPIC
from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, read_topic

pytestmark = pytest.mark.stack

ADMIN = {"X-Admin-Token": "development-admin-token"}
OPS = acting(PLATFORM)
COMMUNITY = "350105001001"


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


async def _member(api: PlatformApi, *organization_ids: str) -> dict:
    body = {
        "name": "林芳",
        "phone": "13812341234",
        "id_number": "11010519491231002X",
        "roles": ["party_member"],
        "organization_ids": list(organization_ids),
    }
    return await api.post("organizations", "/members", body, actor=PLATFORM)


class TestEvents:
    async def test_every_change_of_an_organisation_or_membership_is_on_kafka(self, api: PlatformApi) -> None:
        org = await api.register_organization("马尾区青年志愿者协会", COMMUNITY, kind="social_organization")
        other = await api.register_organization("马尾造船厂党委", COMMUNITY, kind="party_committee")
        current = await api.get("organizations", f"/organizations/{org}")
        await api.http.patch(
            api.stack.url("organizations") + f"/organizations/{org}",
            json={"name": "马尾区青年志愿服务协会", "version": current["version"]},
            headers=await api.issue_key(org, ["profile:write"]),
        )
        await api.post(
            "organizations",
            f"/organizations/{org}/status",
            {"status": "suspended", "reason": "年检未过"},
            status=200,
            actor=PLATFORM,
        )
        member = await _member(api, org, other)
        left = await api.http.delete(
            api.stack.url("organizations") + f"/members/{member['id']}/organizations/{other}", headers=ADMIN
        )
        assert left.status_code == 200 and left.json()["organization_ids"] == [org]

        def about(records: list) -> list[str]:
            return [
                e["type"]
                for e in map(json.loads, (r.value for r in records))
                if org in json.dumps(e) or member["id"] in json.dumps(e)
            ]

        expected = {  # the organisation's on the registry's topic, the member's on its members' topic
            ORGANIZATIONS_TOPIC: {"organization.registered", "organization.updated", "organization.suspended"},
            MEMBERS_TOPIC: {"member.joined", "member.left"},
        }
        seen = {
            topic: about(
                await read_topic(api.stack.kafka, api.stack.topic(topic), until=lambda rs, t=types: t <= set(about(rs)))
            )
            for topic, types in expected.items()
        }
        assert all(types <= set(seen[topic]) for topic, types in expected.items())
        assert seen[MEMBERS_TOPIC].count("member.joined") == 2
        assert not {"member.joined", "member.left"} & set(seen[ORGANIZATIONS_TOPIC])


class TestPartnerKeys:
    async def test_a_key_acts_for_its_own_organisation_within_its_scopes(self, api: PlatformApi) -> None:
        org = await api.register_organization("马尾区总工会", COMMUNITY, kind="union")
        other = await api.register_organization("马尾区商会", COMMUNITY, kind="social_organization")
        url = api.stack.url("organizations")
        issued = (
            await api.http.post(
                f"{url}/organizations/{org}/api-keys",
                headers=ADMIN,
                json={"name": "采购系统", "scopes": ["read", "members:read", "keys:manage"]},
            )
        ).json()
        bearer = {"Authorization": f"Bearer {issued['key']}"}

        verified = await api.http.post(f"{url}/api-keys/verify", json={"key": issued["key"]}, headers=OPS)
        assert verified.json() == {
            "key_id": issued["id"],
            "organization_id": org,
            "scopes": ["read", "members:read", "keys:manage"],
        }
        assert (await api.http.get(f"{url}/organizations/{other}/api-keys", headers=bearer)).status_code == 403
        listed = await api.http.get(f"{url}/organizations/{org}/api-keys", headers=bearer)
        assert [k["id"] for k in listed.json()] == [issued["id"]] and "secret_sha256" not in listed.text

        member = await _member(api, org)
        assert (await api.http.get(f"{url}/members/{member['id']}")).status_code == 401
        readonly = await api.issue_key(org, ["read"])  # sees the member, not their personal data
        public = await api.http.get(f"{url}/members/{member['id']}", headers=readonly)
        own = await api.http.get(f"{url}/members/{member['id']}", headers=bearer)
        assert (public.json()["phone"], public.json()["id_number"]) == ("138****1234", "110***********002X")
        assert (own.json()["phone"], own.json()["id_number"]) == ("13812341234", "11010519491231002X")

        rotated = (
            await api.http.post(f"{url}/organizations/{org}/api-keys/{issued['id']}/rotate", headers=bearer)
        ).json()
        old = await api.http.post(f"{url}/api-keys/verify", json={"key": issued["key"]}, headers=OPS)
        assert old.status_code == 401
        new_bearer = {"Authorization": f"Bearer {rotated['key']}"}
        revoked = await api.http.delete(f"{url}/organizations/{org}/api-keys/{issued['id']}", headers=new_bearer)
        assert revoked.json()["revoked_at"] is not None
        after = await api.http.get(f"{url}/members/{member['id']}", headers=new_bearer)
        assert after.status_code == 401 and "revoked" in after.json()["error"]["message"]

    async def test_keys_cannot_be_issued_without_credentials_or_with_foreign_ones(self, api: PlatformApi) -> None:
        org = await api.register_organization("马尾区慈善会", COMMUNITY, kind="social_organization")
        url = api.stack.url("organizations") + f"/organizations/{org}/api-keys"
        body = {"name": "x", "scopes": ["read"]}
        assert (await api.http.post(url, json=body)).status_code == 401
        assert (await api.http.post(url, json=body, headers={"X-Admin-Token": "guess"})).status_code == 401
        fake = {"Authorization": f"Bearer pbs_{uuid.uuid4().hex}_nothing"}
        assert (await api.http.post(url, json=body, headers=fake)).status_code == 401


class TestRefusals:
    async def test_a_cycle_in_the_party_hierarchy_is_refused(self, api: PlatformApi) -> None:
        top = await api.register_organization("马尾街道党工委", COMMUNITY, kind="party_committee")
        child = (
            await api.post(
                "organizations",
                "/organizations",
                {"name": "马尾社区党委", "kind": "party_committee", "area_code": COMMUNITY, "party_parent_id": top},
                actor=PLATFORM,
            )
        )["id"]
        current = await api.get("organizations", f"/organizations/{top}")
        response = await api.http.patch(
            api.stack.url("organizations") + f"/organizations/{top}",
            json={"party_parent_id": child, "version": current["version"]},
            headers=OPS,
        )
        assert response.status_code == 422 and "cycle" in response.json()["error"]["message"]

    async def test_a_malformed_credit_code_and_a_duplicate_code_are_refused(self, api: PlatformApi) -> None:
        await api.ensure_area(COMMUNITY)
        body = {"name": "福州某某有限公司", "kind": "private_enterprise", "area_code": COMMUNITY}
        bad = await api.http.post(
            api.stack.url("organizations") + "/organizations",
            json={**body, "credit_code": "91350100M000100Y44"},
            headers=OPS,
        )
        assert bad.status_code == 422 and "check character" in bad.json()["error"]["message"]
        code = f"T-{uuid.uuid4().hex[:8]}"
        await api.post(
            "organizations",
            "/organizations",
            {**body, "code": code, "credit_code": "91350100M000100Y43"},
            actor=PLATFORM,
        )
        again = await api.http.post(
            api.stack.url("organizations") + "/organizations", json={**body, "code": code}, headers=OPS
        )
        assert again.status_code == 409


class TestQueries:
    async def test_search_by_name_kind_area_and_tag_and_walk_the_tree(self, api: PlatformApi) -> None:
        await api.ensure_area("350105002001")
        tag = f"tag{uuid.uuid4().hex[:6]}"
        created = await api.post(
            "organizations",
            "/organizations",
            {"name": "琅岐镇海峡渔业合作社", "kind": "social_organization", "area_code": "350105002001", "tags": [tag]},
            actor=PLATFORM,
        )
        found = await api.get(
            "organizations", "/organizations", name="海峡渔业", kind="social_organization", area="350105002", tag=tag
        )
        assert [o["id"] for o in found["items"]] == [created["id"]]
        path = await api.get("organizations", "/areas/350105002001/path")
        assert [n["level"] for n in path] == ["city", "district", "street", "community"]
        children = await api.get("organizations", "/areas/350105/children")
        assert {"350105001", "350105002"} <= {c["code"] for c in children}
        assert all(c["organizations"] >= 1 for c in children if c["code"] in ("350105001", "350105002"))

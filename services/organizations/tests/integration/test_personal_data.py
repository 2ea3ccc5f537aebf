"""People's personal data in the registry: sealed at rest, masked unless an administrator asks,
every unmasked view and every write in the audit log, nothing of it in events or logs."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from contract.china_codes import id_number_check
from contract.events import MEMBERS_TOPIC, ORGANIZATIONS_TOPIC
from devkit.synthetic import MemberRow, write_csv
from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, eventually, organization, read_topic
from organizations.config import Settings
from organizations.members.repository import MongoMemberRepository
from organizations.organizations.repository import MongoOrganizationRepository
from organizations.personal_data import new_key
from organizations.reseal import reseal
from runtime.mongo import Document

pytestmark = pytest.mark.stack

ADMIN = {"X-Admin-Token": "development-admin-token"}
COMMUNITY = "350121001001"


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


def _id_number(seed: int) -> str:
    first17 = f"35010219{seed % 100:02d}0101{seed % 1000:03d}"
    return first17 + id_number_check(first17)


def _phone(seed: int) -> str:
    return f"139{seed % 100_000_000:08d}"


async def _organization_with_contact(api: PlatformApi, phone: str) -> str:
    await api.ensure_area(COMMUNITY)
    body = {
        "name": f"闽侯县{uuid.uuid4().hex[:4]}党支部",
        "kind": "branch",
        "area_code": COMMUNITY,
        "code": f"PD-{uuid.uuid4().hex[:10]}",
        "contacts": [{"name": "陈联络", "phone": phone}],
    }
    made: dict[str, Any] = await api.post("organizations", "/organizations", body, actor=PLATFORM)
    return str(made["id"])


async def _member(api: PlatformApi, org: str, seed: int) -> dict[str, Any]:
    body = {
        "name": "王秀英",
        "phone": _phone(seed),
        "id_number": _id_number(seed),
        "roles": ["party_member"],
        "organization_ids": [org],
    }
    return await api.post("organizations", "/members", body, actor=PLATFORM)


async def _audit(api: PlatformApi, **filters: str) -> list[dict[str, Any]]:
    page = await api.http.get(api.stack.url("organizations") + "/audit", params=filters, headers=ADMIN)
    assert page.status_code == 200, page.text
    items: list[dict[str, Any]] = page.json()["items"]
    return items


class TestAtRest:
    async def test_phones_and_id_numbers_are_not_in_the_stored_documents(
        self, api: PlatformApi, mongo: AsyncMongoClient[Document], tmp_path: Any
    ) -> None:
        seed = uuid.uuid4().int
        org = await _organization_with_contact(api, _phone(seed + 1))
        member = await _member(api, org, seed)
        code = (await api.get("organizations", f"/organizations/{org}"))["code"]
        row = MemberRow(f"PD-M-{seed % 10**9}", "李建国", _phone(seed + 2), _id_number(seed + 2), "volunteer", code)
        data = write_csv([row], tmp_path / "members.csv").read_bytes()
        url = api.stack.url("organizations")
        job = (await api.http.post(f"{url}/imports/members", files={"file": ("m.csv", data)}, headers=ADMIN)).json()

        async def imported() -> None:
            assert (await api.http.get(f"{url}/imports/{job['id']}", headers=ADMIN)).json()["status"] == "done"

        await eventually(imported)
        db = mongo[api.stack.database("organizations")]
        stored = json.dumps(
            [d async for d in db["members"].find({})] + [d async for d in db["organizations"].find({"_id": org})],
            default=str,
            ensure_ascii=False,
        )
        for plain in (_phone(seed), _id_number(seed), _phone(seed + 1), _phone(seed + 2), _id_number(seed + 2)):
            assert plain not in stored
            assert hashlib.sha1(plain.encode()).hexdigest() not in stored
        raw = await db["members"].find_one({"_id": member["id"]})
        assert raw is not None and raw["phone"].startswith("pd1:dev:") and raw["id_number"].startswith("pd1:dev:")
        reader = await api.issue_key(org, ["read"])  # sees the member, not their personal data
        served = (await api.http.get(f"{url}/members/{member['id']}", headers=reader)).json()
        assert served["phone"] == _phone(seed)[:3] + "****" + _phone(seed)[-4:]


class TestViews:
    async def test_an_administrator_sees_them_whole_and_each_such_view_is_in_the_audit_log(
        self, api: PlatformApi
    ) -> None:
        seed = uuid.uuid4().int
        org = await _organization_with_contact(api, _phone(seed + 1))
        member = await _member(api, org, seed)
        url = api.stack.url("organizations")
        cid = uuid.uuid4().hex

        reader = await api.issue_key(org, ["read"])  # sees the member, not their personal data
        masked = (await api.http.get(f"{url}/members/{member['id']}", headers=reader)).json()
        assert (masked["phone"], masked["id_number"]) != (_phone(seed), _id_number(seed))
        assert "****" in masked["phone"] and "*****" in masked["id_number"]
        viewed_before = await _audit(api, action="personal_data.viewed", route="/members/{member_id}")
        assert not [e for e in viewed_before if f"member:{member['id']}" in e["subjects"]]

        whole = await api.http.get(f"{url}/members/{member['id']}", headers={**ADMIN, "X-Correlation-ID": cid})
        assert (whole.json()["phone"], whole.json()["id_number"]) == (_phone(seed), _id_number(seed))
        listed = await api.http.get(f"{url}/organizations/{org}/members", headers=ADMIN)
        assert listed.json()["items"][0]["id_number"] == _id_number(seed)
        contact = await api.http.get(f"{url}/organizations/{org}", headers=ADMIN)
        assert contact.json()["contacts"][0]["phone"] == _phone(seed + 1)

        viewed = await _audit(api, action="personal_data.viewed", actor="admin")
        about_member = [e for e in viewed if f"member:{member['id']}" in e["subjects"]]
        routes = [e["route"] for e in about_member]
        assert routes == ["/organizations/{organization_id}/members", "/members/{member_id}"]
        single = about_member[1]
        assert single["fields"] == ["phone", "id_number"] and single["correlation_id"] == cid
        assert single["client"] == "127.0.0.1" and single["method"] == "GET"
        assert any(f"organization:{org}" in e["subjects"] for e in viewed)
        changed = await _audit(api, action="personal_data.changed", route="/members")
        assert any(e["subjects"] == [f"member:{member['id']}"] for e in changed)


class TestWrites:
    async def test_a_write_records_who_made_it(self, api: PlatformApi) -> None:
        await api.ensure_area(COMMUNITY)
        body = {"name": f"鼓山{uuid.uuid4().hex[:4]}协会", "kind": "social_organization", "area_code": COMMUNITY}
        made = await api.http.post(api.stack.url("organizations") + "/organizations", json=body, headers=ADMIN)
        assert made.status_code == 201
        patched = await api.http.patch(
            api.stack.url("organizations") + f"/organizations/{made.json()['id']}",
            json={"address": "鼓山镇1号", "version": 1},
            headers=acting(PLATFORM),
        )

        async def recorded() -> list[dict[str, Any]]:
            writes = await _audit(api, action="request", route="/organizations/{organization_id}", actor="platform")
            assert writes and writes[0]["method"] == "PATCH" and writes[0]["status"] == patched.status_code
            return writes

        await eventually(recorded, within=5)
        registered = await _audit(api, action="request", route="/organizations", actor="admin")
        assert registered and registered[0]["method"] == "POST" and registered[0]["status"] == 201

    async def test_only_operators_and_the_city_read_the_audit_log(self, api: PlatformApi) -> None:
        url = api.stack.url("organizations") + "/audit"
        org = await api.register_organization("琅岐镇党委", COMMUNITY, kind="party_committee")
        key = await api.issue_key(org, ["read", "members:read"])
        for headers, status in (
            ({}, 401),
            (key, 401),
            ({"X-Admin-Token": "guess"}, 401),
            (acting(organization(org)), 403),
        ):
            assert (await api.http.get(url, headers=headers)).status_code == status
        assert (await api.http.get(url, headers=acting(PLATFORM))).status_code == 200
        assert (await api.http.delete(url, headers=ADMIN)).status_code == 405


class TestNothingPersonalLeaves:
    async def test_events_and_logs_hold_no_phone_or_id_number(self, api: PlatformApi) -> None:
        seed = uuid.uuid4().int
        org = await _organization_with_contact(api, _phone(seed + 1))
        member = await _member(api, org, seed)
        await api.http.get(api.stack.url("organizations") + f"/members/{member['id']}", headers=ADMIN)
        records = [
            *await read_topic(
                api.stack.kafka,
                api.stack.topic(ORGANIZATIONS_TOPIC),
                until=lambda rs: any(org.encode() in r.value for r in rs),
            ),
            *await read_topic(
                api.stack.kafka,
                api.stack.topic(MEMBERS_TOPIC),
                until=lambda rs: any(member["id"].encode() in r.value for r in rs),
            ),
        ]
        log = api.stack.services["organizations"].log_path.read_text(errors="replace")
        for plain in (_phone(seed), _id_number(seed), _phone(seed + 1)):
            assert all(plain.encode() not in r.value for r in records)
            assert plain not in log


class TestKeyRotation:
    async def test_old_data_still_reads_and_a_new_key_seals_it_again(
        self, infra: tuple[str, str], mongo: AsyncMongoClient[Document]
    ) -> None:
        database = f"test_pd_{uuid.uuid4().hex[:8]}"
        k1, k2 = f"k1:{new_key()}", f"k2:{new_key()}"

        def settings(keys: str) -> Settings:
            return Settings(mongo_url=infra[1], mongo_db=database, personal_data_keys=keys)

        def members(keys: str) -> MongoMemberRepository:
            return MongoMemberRepository(
                mongo[database]["members"], lambda: None, personal=settings(keys).personal_data()
            )

        collection = mongo[database]["members"]
        legacy = {"code": "old", "name": "张", "roles": ["party_member"], "organization_ids": ["o" * 32]}
        plain_digest = hashlib.sha1(b"a row").hexdigest()
        await collection.insert_one(
            {"_id": "m-plain", **legacy, "phone": "13700000001", "id_number": "", "source_digest": plain_digest}
        )
        first = members(k1)
        sealed_k1 = await first.get("m-plain")
        assert sealed_k1 is not None
        await first.add(sealed_k1.model_copy(update={"id": "m-k1", "id_number": _id_number(7)}), [])
        await collection.insert_one({"_id": "m-bad", **legacy, "phone": "pd1:k9:AAAA", "id_number": ""})

        rotated = members(f"{k2},{k1}")
        assert sorted([(m.id, m.phone) async for m in rotated.all()]) == [
            ("m-bad", "pd1:k9:AAAA"),
            ("m-k1", "13700000001"),
            ("m-plain", "13700000001"),
        ]
        counts = await reseal(settings(f"{k2},{k1}"))
        assert counts["members_resealed"] == 2 and counts["members_stale"] == 1  # the one no key opens

        raw = {d["_id"]: d async for d in collection.find({})}
        assert raw["m-plain"]["phone"].startswith("pd1:k2:") and raw["m-plain"]["source_digest"] == ""
        assert raw["m-k1"]["id_number"].startswith("pd1:k2:") and raw["m-bad"]["phone"] == "pd1:k9:AAAA"
        after = members(k2)
        assert (await after.get("m-k1")).id_number == _id_number(7)  # type: ignore[union-attr]
        assert (await after.get("m-plain")).phone == "13700000001"  # type: ignore[union-attr]
        organizations = MongoOrganizationRepository(
            mongo[database]["organizations"], lambda: None, personal=settings(k2).personal_data()
        )
        assert await organizations.reseal() == 0
        await mongo.drop_database(database)

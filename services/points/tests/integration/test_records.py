"""The volunteer record, its certificate and the consents to read a balance, on the real Kafka
and FerretDB: a record's hours are the postings' minutes; a certificate's code shows what it
certifies to anyone and is refused once changed; an organisation reads a person's balance only
while the person consents."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest

from contract.events import NEEDS_TOPIC, Envelope
from contract.events.needs import ClaimCompleted, ClaimData, NeedPosted, NeedPostedData
from contract.taxonomy import Category
from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, eventually, organization, send_raw, wait_consumed
from runtime.kafka import encode

pytestmark = pytest.mark.stack

COMMUNITY = "350121990002"


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


def new_id() -> str:
    return uuid4().hex


def need_posted(need_id: str, poster: str, title: str, hours: float) -> NeedPosted:
    starts = datetime.now(UTC) - timedelta(hours=hours + 1)
    data = NeedPostedData(
        need_id=need_id,
        organization_id=poster,
        title=title,
        category=Category.VOLUNTEERING,
        area_code=COMMUNITY,
        quantity=10,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
    )
    return NeedPosted(source="needs", subject=need_id, data=data)


def claim_completed(need_id: str, poster: str, claimer: str, member_id: str, served: int = 1) -> ClaimCompleted:
    claim_id = new_id()
    data = ClaimData(
        claim_id=claim_id,
        need_id=need_id,
        need_organization_id=poster,
        organization_id=claimer,
        member_id=member_id,
        quantity=served,
        served=served,
    )
    return ClaimCompleted(source="needs", subject=claim_id, data=data)


async def deliver(stack: TestStack, *events: Envelope) -> None:
    sent = await send_raw(stack.kafka, stack.topic(NEEDS_TOPIC), [encode(e) for e in events])
    await wait_consumed(stack.kafka, stack.group("points"), sent)


async def known_to_points(api: PlatformApi, name: str) -> str:
    """An organisation registered with the registry, once the points service heard of it."""
    org_id = await api.register_organization(name, COMMUNITY)

    async def heard() -> None:
        await api.get("points", f"/known-organizations/{org_id}")

    await eventually(heard)
    return org_id


async def served(api: PlatformApi, stack: TestStack, helper: str, member: str) -> list[ClaimCompleted]:
    """The member served two needs through `helper` (1.5 h twice and 2 h), another member one,
    and the member once for their own organisation's need (which earns nothing)."""
    poster = new_id()
    first, second = new_id(), new_id()
    claims = [
        claim_completed(first, poster, helper, member, served=2),
        claim_completed(second, poster, helper, member),
        claim_completed(second, poster, helper, new_id()),
        claim_completed(second, helper, helper, member),
    ]
    await deliver(stack, need_posted(first, poster, "陪老人就医", 1.5), need_posted(second, poster, "社区义诊", 2))
    await deliver(stack, *claims)
    return claims


class TestTheRecord:
    async def test_its_hours_are_the_minutes_posted_to_the_person_each_service_named_in_full(
        self, api: PlatformApi, stack: TestStack
    ) -> None:
        helper, member = await known_to_points(api, "记录志愿服务队"), new_id()
        claims = await served(api, stack, helper, member)
        account = f"member:{member}"
        me = organization(helper, member_id=member)

        record = await api.get("points", f"/accounts/{account}/record", actor=me)
        postings = (await api.get("points", f"/accounts/{account}/postings", actor=me, limit=200))["items"]
        minutes = [p for p in postings if p["unit"] == "minutes"]
        assert record["minutes"] == sum(p["amount"] for p in minutes) == 90 * 2 + 120
        assert len(record["services"]) == len(minutes) == 2 and record["organizations"] == 1
        assert {s["movement_id"] for s in record["services"]} == {p["id"] for p in minutes}
        by_about = {s["about"]: s for s in record["services"]}
        assert by_about["陪老人就医"]["minutes"] == 180 and by_about["社区义诊"]["minutes"] == 120
        for service in record["services"]:
            assert (service["area_code"], service["organization_id"]) == (COMMUNITY, helper)
            assert service["organization_name"] == "记录志愿服务队"
            assert service["cause_type"] == "claim.completed"
        assert claims[-1].id not in {p["cause_event_id"] for p in postings}

        last_year = datetime.now(UTC).year - 1
        period = {"since": f"{last_year}-01-01", "until": f"{last_year}-12-31"}
        assert (await api.get("points", f"/accounts/{account}/record", actor=me, **period))["services"] == []

    async def test_is_read_by_the_person_and_the_city_only_and_refuses_a_period_upside_down(
        self, api: PlatformApi, http: httpx.AsyncClient, stack: TestStack
    ) -> None:
        member = new_id()
        url = stack.url("points") + f"/accounts/member:{member}/record"
        assert (await http.get(url, headers=acting(organization(new_id(), member_id=new_id())))).status_code == 403
        assert (await http.get(url)).status_code == 401
        assert (await http.get(url, headers=acting(PLATFORM))).status_code == 200
        upside_down = await http.get(
            url, params={"since": "2026-05-01", "until": "2026-04-01"}, headers=acting(PLATFORM)
        )
        assert upside_down.status_code == 422 and "until" in upside_down.text
        organisation = await http.get(
            stack.url("points") + f"/accounts/organization:{new_id()}/record", headers=acting(PLATFORM)
        )
        assert organisation.status_code == 422


def tampered(code: str, **changes: Any) -> str:
    """The code with what it certifies changed, its signature kept."""
    payload, _, mac = code.partition(".")
    content = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    changed = json.dumps({**content, **changes}, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(changed).decode().rstrip("=") + "." + mac


class TestACertificate:
    async def test_shows_anyone_what_it_certifies_and_refuses_a_tampered_code(
        self, api: PlatformApi, http: httpx.AsyncClient, stack: TestStack
    ) -> None:
        helper, member = await known_to_points(api, "证书志愿服务队"), new_id()
        await served(api, stack, helper, member)
        today = datetime.now(UTC).date()
        period = {"since": f"{today.year}-01-01", "until": (today + timedelta(days=1)).isoformat()}
        issued = await api.post(
            "points",
            f"/accounts/member:{member}/certificates",
            {"name": "王志愿", **period},
            200,
            actor=organization(helper, member_id=member),
        )
        assert (issued["minutes"], issued["services"]) == (300, 2)
        assert issued["minutes"] == issued["record"]["minutes"]

        shown = await api.get("points", f"/certificates/{issued['code']}")  # no one signed in
        assert shown == {
            "name": "王志愿",
            **period,
            "minutes": 300,
            "services": 2,
            "issued_on": issued["issued_on"],
        }
        base = stack.url("points") + "/certificates/"
        payload, _, mac = issued["code"].partition(".")
        forged_mac = mac[:-2] + ("AA" if mac[-2:] != "AA" else "BB")
        for bad in (tampered(issued["code"], m=3000), tampered(issued["code"], n="李冒名"), f"{payload}.{forged_mac}"):
            refused = await http.get(base + bad)
            assert refused.status_code == 422, refused.text
            assert refused.json()["error"]["code"] == "invalid_certificate"

    async def test_is_issued_to_the_person_only(
        self, api: PlatformApi, http: httpx.AsyncClient, stack: TestStack
    ) -> None:
        member = new_id()
        url = stack.url("points") + f"/accounts/member:{member}/certificates"
        body = {"name": "王志愿", "since": "2026-01-01", "until": "2026-12-31"}
        stranger = organization(new_id(), member_id=new_id())
        assert (await http.post(url, json=body, headers=acting(stranger))).status_code == 403


class TestConsent:
    async def test_lets_the_named_organisation_read_the_balance_until_withdrawn(
        self, api: PlatformApi, http: httpx.AsyncClient, stack: TestStack
    ) -> None:
        helper, partner = await known_to_points(api, "同意志愿服务队"), await known_to_points(api, "合作银行")
        member = new_id()
        await served(api, stack, helper, member)
        account = f"member:{member}"
        me = organization(helper, member_id=member)
        base = stack.url("points") + f"/accounts/{account}"

        async def partner_reads() -> httpx.Response:
            return await http.get(f"{base}/balance", headers=acting(organization(partner)))

        assert (await partner_reads()).status_code == 403
        for stranger in (organization(partner), organization(helper, member_id=new_id())):
            refused = await http.put(f"{base}/consents/{partner}", headers=acting(stranger))
            assert refused.status_code == 403, refused.text
        unknown = await http.put(f"{base}/consents/{new_id()}", headers=acting(me))
        assert unknown.status_code == 422

        granted = await http.put(f"{base}/consents/{partner}", headers=acting(me))
        assert granted.status_code == 200 and granted.json()["organization_name"] == "合作银行"
        read = await partner_reads()
        assert read.status_code == 200 and (read.json()["points"], read.json()["minutes"]) > (0, 0)
        assert read.json() == await api.get("points", f"/accounts/{account}/balance", actor=me)
        for others in ("postings", "record"):  # the balance alone
            assert (await http.get(f"{base}/{others}", headers=acting(organization(partner)))).status_code == 403
        assert (await http.get(f"{base}/balance", headers=acting(organization(new_id())))).status_code == 403
        listed = await api.get("points", f"/accounts/{account}/consents", actor=me)
        assert [c["organization_id"] for c in listed] == [partner]

        assert (await http.delete(f"{base}/consents/{partner}", headers=acting(me))).status_code == 204
        assert (await partner_reads()).status_code == 403
        assert (await http.delete(f"{base}/consents/{partner}", headers=acting(me))).status_code == 404

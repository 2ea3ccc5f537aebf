"""What a service keeps of the registry's memberships, on the real MongoDB-compatible server."""

from __future__ import annotations

import pytest
from pymongo import AsyncMongoClient, monitoring

from contract.errors import Forbidden
from contract.events.organizations import (
    MemberJoined,
    MemberJoinedData,
    MemberLeft,
    MemberLeftData,
    OrganizationKind,
    OrganizationRegistered,
    OrganizationRegisteredData,
    OrganizationStatus,
    OrganizationUpdated,
    OrganizationUpdatedData,
)
from runtime.config import ServiceSettings
from runtime.kafka import Batched
from runtime.known_organizations import KnownOrganizations, handlers
from runtime.mongo import Document

pytestmark = pytest.mark.stack


def joined(member: str, organization: str) -> MemberJoined:
    data = MemberJoinedData(member_id=member, organization_id=organization, roles=["volunteer"])
    return MemberJoined(source="/services/organizations", subject=member, data=data)


def left(member: str, organization: str) -> MemberLeft:
    data = MemberLeftData(member_id=member, organization_id=organization)
    return MemberLeft(source="/services/organizations", subject=member, data=data)


async def test_a_run_of_joins_and_departures_ends_as_each_members_own_order_says(
    settings: ServiceSettings, mongo: AsyncMongoClient[Document]
) -> None:
    known = KnownOrganizations(mongo[settings.database])
    run = [joined(f"m{n}", "o1") for n in range(100)]
    run += [joined("m0", "o2"), left("m0", "o1"), joined("m1", "o2"), left("m1", "o2"), left("m1", "o1")]
    run += [joined("m1", "o1")]

    followed = handlers(known, members=True)
    assert followed["member.joined"] is followed["member.left"]  # one run takes both, in order

    await known.on_memberships(run)
    await known.on_memberships(run)  # delivered again: the same

    assert await known.memberships.count_documents({}) == 100
    await known.require_member("o2", "m0")
    await known.require_member("o1", "m1")
    await known.require_member("o1", "m99")
    for organization, member in (("o1", "m0"), ("o2", "m1")):
        with pytest.raises(Forbidden):
            await known.require_member(organization, member)


async def test_a_registration_told_again_after_a_change_keeps_the_change(
    settings: ServiceSettings, mongo: AsyncMongoClient[Document]
) -> None:
    known = KnownOrganizations(mongo[settings.database + "_again"])
    place = {"organization_id": "o1", "kind": OrganizationKind.BRANCH, "area_code": "350102001001"}
    registered = OrganizationRegistered(
        source="/services/organizations", subject="o1", data=OrganizationRegisteredData(name="一支部", **place)
    )
    renamed = OrganizationUpdatedData(name="第一支部", status=OrganizationStatus.SUSPENDED, **place)
    other = OrganizationRegistered(
        source="/services/organizations",
        subject="o2",
        data=OrganizationRegisteredData(name="二支部", **(place | {"organization_id": "o2"})),
    )
    assert isinstance(handlers(known)["organization.registered"], Batched)  # a run of them, one insert

    assert [found["_id"] for found in await known.registered([registered, registered])] == ["o1"]
    await known.on_updated(OrganizationUpdated(source="/services/organizations", subject="o1", data=renamed))
    assert [found["_id"] for found in await known.registered([registered, other])] == ["o2"]

    assert (await known.require("o1"))["name"] == "第一支部"
    with pytest.raises(Forbidden):
        await known.require_active("o1")


async def test_the_members_of_organisations_come_with_all_their_organisations(
    settings: ServiceSettings, mongo: AsyncMongoClient[Document]
) -> None:
    known = KnownOrganizations(mongo[settings.database + "_of"])
    await known.prepare_memberships(members_of=True)
    await known.on_memberships([joined("m1", "o1"), joined("m1", "o2"), joined("m2", "o2"), joined("m3", "o3")])

    assert _sorted(await known.members_of({"o1"})) == {"m1": ["o1", "o2"]}
    both = {"m1": ["o1", "o2"], "m2": ["o2"]}
    assert _sorted(await known.members_of({"o2", "o9"})) == both
    many = {f"o{n}" for n in range(2, 40)}
    assert _sorted(await known.members_of(many)) == {**both, "m3": ["o3"]}
    assert set(await known.members_of(None)) == {"m1", "m2", "m3"}
    assert await known.members_of({"o9"}) == {}


async def test_one_organisations_members_are_looked_up_by_equality_not_in(settings: ServiceSettings) -> None:
    """FerretDB answers `$in` by reading every membership (9.5 s among a city's), equality from the index."""
    finds = Finds()
    client: AsyncMongoClient[Document] = AsyncMongoClient(settings.mongo_url, event_listeners=[finds])
    try:
        known = KnownOrganizations(client[settings.database + "_equal"])
        await known.on_memberships([joined("m1", "o1"), joined("m1", "o2")])
        finds.filters.clear()

        assert _sorted(await known.members_of({"o1"})) == {"m1": ["o1", "o2"]}
        assert finds.filters == [{"organization_id": "o1"}, {"member_id": "m1"}]
    finally:
        await client.close()


class Finds(monitoring.CommandListener):
    """The filters of the `find` commands sent."""

    def __init__(self) -> None:
        self.filters: list[Document] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.filters.append(dict(event.command.get("filter", {})))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


async def test_memberships_kept_a_document_a_member_are_moved_to_one_a_membership(
    settings: ServiceSettings, mongo: AsyncMongoClient[Document]
) -> None:
    db = mongo[settings.database + "_moved"]
    await db["known_memberships"].insert_many(
        [{"_id": "m1", "organization_ids": ["o1", "o2"]}, {"_id": "m2", "organization_ids": []}]
    )
    known = KnownOrganizations(db)
    await known.on_memberships([joined("m1", "o1")])  # a move cut short: part of it made already

    await known.prepare_memberships()
    await known.prepare_memberships()  # at the next start: nothing to move

    assert "known_memberships" not in await db.list_collection_names()
    await known.require_member("o2", "m1")
    assert _sorted(await known.members_of(None)) == {"m1": ["o1", "o2"]}


def _sorted(members: dict[str, list[str]]) -> dict[str, list[str]]:
    return {member: sorted(organizations) for member, organizations in members.items()}

"""What a service keeps of the registry's memberships, on the real MongoDB-compatible server."""

from __future__ import annotations

import pytest
from pymongo import AsyncMongoClient

from contract.errors import Forbidden
from contract.events.organizations import MemberJoined, MemberJoinedData, MemberLeft, MemberLeftData
from runtime.config import ServiceSettings
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

    assert await known.memberships.count_documents({}) == 100
    await known.require_member("o2", "m0")
    await known.require_member("o1", "m1")
    await known.require_member("o1", "m99")
    for organization, member in (("o1", "m0"), ("o2", "m1")):
        with pytest.raises(Forbidden):
            await known.require_member(organization, member)

"""What a service knows of the registry's memberships, kept from a run of `member.*` events in one
write, against the real MongoDB-compatible server."""

from __future__ import annotations

import pytest
from pymongo import AsyncMongoClient

from contract.errors import Forbidden
from contract.events.organizations import MemberJoined, MemberJoinedData, MemberLeft, MemberLeftData
from runtime.config import ServiceSettings
from runtime.kafka import Batched
from runtime.known_organizations import KnownOrganizations, handlers
from runtime.mongo import Document

pytestmark = pytest.mark.stack


def joined(member: str, organization: str) -> MemberJoined:
    data = MemberJoinedData(member_id=member, organization_id=organization, roles=["party_member"])
    return MemberJoined(source="/organizations", subject=member, data=data)


def left(member: str, organization: str) -> MemberLeft:
    return MemberLeft(
        source="/organizations", subject=member, data=MemberLeftData(member_id=member, organization_id=organization)
    )


async def test_a_run_of_joins_and_leaves_is_kept_in_its_order_and_again_changes_nothing(
    settings: ServiceSettings, mongo: AsyncMongoClient[Document]
) -> None:
    known = KnownOrganizations(mongo[settings.database])
    followed = handlers(known, members=True)
    assert isinstance(followed["member.joined"], Batched) and followed["member.joined"] is followed["member.left"]
    run: list[MemberJoined | MemberLeft] = [
        joined("m1", "o1"),
        joined("m2", "o1"),
        joined("m1", "o2"),
        left("m1", "o1"),
        joined("m3", "o3"),
    ]

    for _ in range(2):  # a run delivered again
        await known.on_memberships(run)

        await known.require_member("o2", "m1")
        await known.require_member("o1", "m2")
        await known.require_member("o3", "m3")
        with pytest.raises(Forbidden):
            await known.require_member("o1", "m1")  # joined, then left: the leave came after
        kept = await known.memberships.find_one({"_id": "m1"})
        assert kept is not None and kept["organization_ids"] == ["o2"]

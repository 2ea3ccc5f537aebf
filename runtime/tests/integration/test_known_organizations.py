"""What a service keeps of the registry's organisations, on the real MongoDB-compatible server."""

from __future__ import annotations

import pytest
from pymongo import AsyncMongoClient

from contract.errors import Forbidden
from contract.events.organizations import (
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

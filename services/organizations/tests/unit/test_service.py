"""The registry's use cases against a fake repository."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from organizations import service
from organizations.models import Organization, OrganizationKind
from organizations.schemas import OrganizationCreate
from shared.errors import InvalidReference
from shared.events import Envelope, OrganizationRegistered


class FakeOrganizations:
    def __init__(self) -> None:
        self.saved: dict[str, tuple[Organization, list[Envelope]]] = {}

    async def add(self, organization: Organization, events: Sequence[Envelope]) -> None:
        self.saved[organization.id] = (organization, list(events))

    async def get(self, organization_id: str) -> Organization | None:
        return self.saved[organization_id][0] if organization_id in self.saved else None

    async def page(self, *, after: str | None, limit: int) -> list[Organization]:
        return [o for o, _ in self.saved.values()][:limit]


def _cmd(parent_id: str | None = None) -> OrganizationCreate:
    return OrganizationCreate(
        name="安泰社区党委", kind=OrganizationKind.PARTY_COMMITTEE, area_code="350102001001", parent_id=parent_id
    )


class TestRegisterOrganization:
    async def test_it_is_registered_active_and_announced(self) -> None:
        repo = FakeOrganizations()
        organization = await service.register_organization(_cmd(), repo=repo)
        saved, [event] = repo.saved[organization.id]
        assert saved.status == "active"
        assert isinstance(event, OrganizationRegistered)
        assert event.data.organization_id == organization.id and event.data.area_code == "350102001001"

    async def test_it_may_report_to_a_registered_parent(self) -> None:
        repo = FakeOrganizations()
        parent = await service.register_organization(_cmd(), repo=repo)
        child = await service.register_organization(_cmd(parent_id=parent.id), repo=repo)
        assert child.parent_id == parent.id

    async def test_an_unknown_parent_registers_nothing(self) -> None:
        repo = FakeOrganizations()
        with pytest.raises(InvalidReference, match="parent"):
            await service.register_organization(_cmd(parent_id="f" * 32), repo=repo)
        assert repo.saved == {}

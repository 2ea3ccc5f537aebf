"""The registry's use cases against fakes of its repositories and a real read model."""

from __future__ import annotations

import pytest

from contract.errors import Conflict, InvalidReference, Unprocessable
from contract.events.organizations import (
    MemberJoined,
    MemberLeft,
    OrganizationKind,
    OrganizationRegistered,
    OrganizationStatus,
    OrganizationSuspended,
    OrganizationUpdated,
)
from organizations.areas.models import AreaLevel, AreaNode
from organizations.areas.schemas import AreaNodeCreate
from organizations.areas.service import Areas
from organizations.members.models import Member, MemberRole
from organizations.members.schemas import MemberCreate
from organizations.members.service import Members
from organizations.organizations.models import Organization
from organizations.organizations.schemas import OrganizationCreate, OrganizationUpdate, StatusChange
from organizations.organizations.service import Organizations
from organizations.view import OrganizationSearch, RegistryView

from .fakes import FakeRepository

COMMUNITY = "350102001001"


@pytest.fixture
async def view() -> RegistryView:
    view = RegistryView()
    areas = Areas(FakeRepository[AreaNode](view.put_area), view)
    for code, level, parent in [
        ("350100", AreaLevel.CITY, None),
        ("350102", AreaLevel.DISTRICT, "350100"),
        ("350102001", AreaLevel.STREET, "350102"),
        (COMMUNITY, AreaLevel.COMMUNITY, "350102001"),
        ("350102001002", AreaLevel.COMMUNITY, "350102001"),
    ]:
        await areas.add(AreaNodeCreate(code=code, name=code, level=level, parent_code=parent))
    return view


def _org(
    name: str = "安泰社区党委", parent: str | None = None, area: str = COMMUNITY, **extra: object
) -> OrganizationCreate:
    return OrganizationCreate(
        name=name, kind=OrganizationKind.PARTY_COMMITTEE, area_code=area, party_parent_id=parent, **extra
    )  # type: ignore[arg-type]


class TestAreas:
    async def test_a_node_goes_one_level_below_its_parent_only(self, view: RegistryView) -> None:
        with pytest.raises(Unprocessable, match="cannot be placed under"):
            await Areas(FakeRepository(), view).add(
                AreaNodeCreate(code="350102001003", name="x", level=AreaLevel.GRID, parent_code="350102001")
            )

    async def test_path_and_subtree(self, view: RegistryView) -> None:
        assert [n.id for n in view.path(COMMUNITY)] == ["350100", "350102", "350102001", COMMUNITY]
        assert {n.id for n in view.subtree("350102001")} == {"350102001", COMMUNITY, "350102001002"}


class TestRegisterOrganization:
    async def test_it_is_registered_active_announced_and_counted_at_every_level(self, view: RegistryView) -> None:
        repo: FakeRepository[Organization] = FakeRepository(view.put_organization)
        organizations = Organizations(repo, view)
        organization = await organizations.register(_org())
        assert organization.status == OrganizationStatus.ACTIVE
        [event] = repo.events
        assert isinstance(event, OrganizationRegistered) and event.data.organization_id == organization.id
        assert [view.organizations_under(c) for c in ("350100", "350102", "350102001", COMMUNITY, "350102001002")] == [
            1,
            1,
            1,
            1,
            0,
        ]

    async def test_an_unknown_area_or_party_parent_registers_nothing(self, view: RegistryView) -> None:
        repo: FakeRepository[Organization] = FakeRepository(view.put_organization)
        organizations = Organizations(repo, view)
        with pytest.raises(InvalidReference, match="area"):
            await organizations.register(_org(area="350102001009"))
        with pytest.raises(InvalidReference, match="party parent"):
            await organizations.register(_org(parent="f" * 32))
        assert repo.saved == {} and view.organizations == {}

    async def test_a_code_is_registered_once(self, view: RegistryView) -> None:
        repo: FakeRepository[Organization] = FakeRepository(view.put_organization)
        organizations = Organizations(repo, view)
        await organizations.register(_org(code="FZ-1"))
        with pytest.raises(Conflict, match="FZ-1"):
            await organizations.register(_org(code="FZ-1"))


class TestPartyHierarchy:
    async def test_a_change_that_would_make_a_cycle_is_refused(self, view: RegistryView) -> None:
        repo: FakeRepository[Organization] = FakeRepository(view.put_organization)
        organizations = Organizations(repo, view)
        top = await organizations.register(_org("街道党工委"))
        middle = await organizations.register(_org("社区党委", parent=top.id))
        bottom = await organizations.register(_org("第一党支部", parent=middle.id))
        with pytest.raises(InvalidReference, match="cycle"):
            await organizations.update(top.id, OrganizationUpdate(party_parent_id=bottom.id, version=1))
        assert list(view.party_ancestors(bottom.id)) == [middle.id, top.id]

    async def test_an_update_needs_the_current_version(self, view: RegistryView) -> None:
        repo: FakeRepository[Organization] = FakeRepository(view.put_organization)
        organizations = Organizations(repo, view)
        organization = await organizations.register(_org())
        changed = await organizations.update(organization.id, OrganizationUpdate(name="新名", version=1))
        assert changed.version == 2 and isinstance(repo.events[-1], OrganizationUpdated)
        with pytest.raises(Conflict, match="changed meanwhile"):
            await organizations.update(organization.id, OrganizationUpdate(name="旧名", version=1))

    async def test_a_suspension_is_announced_as_such(self, view: RegistryView) -> None:
        repo: FakeRepository[Organization] = FakeRepository(view.put_organization)
        organizations = Organizations(repo, view)
        organization = await organizations.register(_org())
        await organizations.change_status(
            organization.id, StatusChange(status=OrganizationStatus.SUSPENDED, reason="整改")
        )
        assert any(isinstance(e, OrganizationSuspended) and e.data.reason == "整改" for e in repo.events)
        assert view.search(OrganizationSearch(status=OrganizationStatus.SUSPENDED), after=None, limit=5)[0].id == (
            organization.id
        )


class TestMembers:
    async def test_a_member_counts_once_under_their_own_organisations_areas(self, view: RegistryView) -> None:
        organizations = Organizations(FakeRepository[Organization](view.put_organization), view)
        here = await organizations.register(_org())
        there = await organizations.register(_org("邻社区党委", area="350102001002"))
        members: FakeRepository[Member] = FakeRepository(view.put_member)
        membership = Members(members, view)
        member = await membership.add(
            MemberCreate(
                name="林芳", phone="13800001234", roles=[MemberRole.PARTY_MEMBER], organization_ids=[here.id, there.id]
            )
        )
        assert [type(e) for e in members.events] == [MemberJoined, MemberJoined]
        assert (view.members_under("350102001"), view.members_under(COMMUNITY), view.members_under("350102001002")) == (
            1,
            1,
            0,
        )
        assert (view.members_of(here.id), view.members_of(there.id)) == (1, 1)

        await membership.leave(member.id, there.id)
        assert isinstance(members.events[-1], MemberLeft)
        assert view.members_of(there.id) == 0


class TestSearch:
    async def test_part_of_a_name_pages_through_matches_in_id_order(self, view: RegistryView) -> None:
        repo: FakeRepository[Organization] = FakeRepository(view.put_organization)
        organizations = Organizations(repo, view)
        for name in ("东街党支部", "西街党支部", "东街小学", "南门党支部"):
            await organizations.register(_org(name))
        first = view.search(OrganizationSearch(name="党支部"), after=None, limit=2)
        rest = view.search(OrganizationSearch(name="党支部"), after=first[-1].id, limit=2)
        assert sorted(o.name for o in first + rest) == ["东街党支部", "南门党支部", "西街党支部"]
        assert [o.id for o in first + rest] == sorted(o.id for o in first + rest)
        assert [o.name for o in view.search(OrganizationSearch(name="东街", kind="school"), after=None, limit=5)] == []

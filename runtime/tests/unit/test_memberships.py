"""Who belongs to which organisation, kept in memory from the registry's member events."""

from __future__ import annotations

import pytest

from contract.errors import Forbidden
from contract.events.organizations import MemberJoined, MemberLeft
from devkit.testing import member_joined as joined
from devkit.testing import member_left as left
from runtime.memberships import Memberships


async def test_a_run_of_joins_and_departures_ends_as_each_members_own_order_says() -> None:
    kept = Memberships()
    run: list[MemberJoined | MemberLeft] = [joined(f"m{n}", "o1") for n in range(100)]
    run += [joined("m0", "o2"), left("m0", "o1"), joined("m1", "o2"), left("m1", "o2"), left("m1", "o1")]
    run += [joined("m1", "o1"), left("m7", "o9")]

    await kept.on_memberships(run)
    await kept.on_memberships(run)  # delivered again: the same

    assert sum(len(theirs) for theirs in kept.organizations_of.values()) == 100
    await kept.require_member("o2", "m0")
    await kept.require_member("o1", "m1")
    await kept.require_member("o1", "m99")
    for organization, member in (("o1", "m0"), ("o2", "m1"), ("o9", "m7"), ("o1", "nobody")):
        with pytest.raises(Forbidden):
            await kept.require_member(organization, member)


async def test_the_members_of_organisations_come_with_all_their_organisations() -> None:
    kept = Memberships()
    await kept.on_memberships([joined("m1", "o1"), joined("m1", "o2"), joined("m2", "o2"), joined("m3", "o3")])

    assert await kept.members_of({"o1"}) == {"m1": ["o1", "o2"]}
    both = {"m1": ["o1", "o2"], "m2": ["o2"]}
    assert await kept.members_of({"o2", "o9"}) == both
    assert await kept.members_of({f"o{n}" for n in range(2, 40)}) == {**both, "m3": ["o3"]}
    assert set(await kept.members_of(None)) == {"m1", "m2", "m3"}
    assert await kept.members_of({"o9"}) == {}

    await kept.on_memberships([left("m1", "o1"), left("m2", "o2")])
    assert await kept.members_of({"o2"}) == {"m1": ["o2"]}
    assert await kept.members_of(None) == {"m1": ["o2"], "m3": ["o3"]}

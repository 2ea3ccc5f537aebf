"""Organisations an import names, looked up a few at once."""

from __future__ import annotations

import asyncio

import pytest

from contract.errors import Forbidden, InvalidReference
from runtime.known_organizations import require_each
from runtime.mongo import AT_ONCE, Document


class Lookup:
    """Organisations `o0`..`o99`, active but those named suspended; counts lookups in flight."""

    def __init__(self, suspended: frozenset[str] = frozenset()) -> None:
        self.suspended = suspended
        self.in_flight = self.most_in_flight = self.calls = 0

    async def require(self, organization_id: str) -> Document:
        self.calls += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.001)
        self.in_flight -= 1
        if organization_id not in {f"o{n}" for n in range(100)}:
            raise InvalidReference(f"unknown organization {organization_id!r}", field="organization_id")
        return {"_id": organization_id, "area_code": "350102"}

    async def require_active(self, organization_id: str) -> Document:
        found = await self.require(organization_id)
        if organization_id in self.suspended:
            raise Forbidden("the organization is suspended")
        return found

    async def require_member(self, organization_id: str, member_id: str) -> None:
        raise AssertionError("not asked")


async def test_each_is_looked_up_once_several_at_once() -> None:
    lookup = Lookup()
    wanted = [f"o{n % 40}" for n in range(200)]
    found = await require_each(lookup, wanted)
    assert sorted(found) == sorted(set(wanted)) and found["o7"]["_id"] == "o7"
    assert lookup.calls == 40
    assert lookup.most_in_flight == AT_ONCE


async def test_the_first_refused_in_id_order_is_raised() -> None:
    with pytest.raises(InvalidReference) as unknown:
        await require_each(Lookup(), ["o1", "zz", "o2", "ya"])
    assert "'ya'" in unknown.value.message
    assert await require_each(Lookup(suspended=frozenset({"o5"})), ["o5", "o6"])  # known is enough
    with pytest.raises(Forbidden):
        await require_each(Lookup(suspended=frozenset({"o5"})), ["o5", "o6"], active=True)

"""The needs service's use cases against fakes of its own ports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from needs import service
from needs.models import Need
from needs.schemas import NeedCreate
from shared.errors import InvalidReference, NotFound
from shared.events import Envelope, NeedPosted
from shared.taxonomy import Category

ORG = "a" * 32


class FakeNeeds:
    def __init__(self) -> None:
        self.saved: dict[str, tuple[Need, list[Envelope]]] = {}

    async def add(self, need: Need, events: Sequence[Envelope]) -> None:
        self.saved[need.id] = (need, list(events))

    async def get(self, need_id: str) -> Need | None:
        return self.saved[need_id][0] if need_id in self.saved else None

    async def page(self, *, after: str | None, limit: int, where: Mapping[str, Any] | None = None) -> list[Need]:
        return [n for n, _ in self.saved.values()][:limit]


class FakeKnownOrganizations:
    def __init__(self, *known: str) -> None:
        self.known = set(known)

    async def require(self, organization_id: str) -> dict[str, Any]:
        if organization_id not in self.known:
            raise InvalidReference(f"unknown organization {organization_id!r}", field="organization_id")
        return {"_id": organization_id}


def _cmd(**overrides: Any) -> NeedCreate:
    return NeedCreate(
        **{
            "organization_id": ORG,
            "title": "急救培训",
            "category": Category.FIRST_AID_TRAINING,
            "area_code": "350102001001",
            "quantity": 30,
            **overrides,
        }
    )


class TestPostNeed:
    async def test_a_need_is_saved_open_with_its_posted_event_in_the_same_write(self) -> None:
        repo = FakeNeeds()
        need = await service.post_need(_cmd(), repo=repo, organizations=FakeKnownOrganizations(ORG))
        saved, events = repo.saved[need.id]
        assert saved.status == "open"
        [event] = events
        assert isinstance(event, NeedPosted)
        assert event.subject == need.id
        assert event.data.need_id == need.id and event.data.quantity == 30

    async def test_an_unknown_organisation_posts_nothing(self) -> None:
        repo = FakeNeeds()
        with pytest.raises(InvalidReference):
            await service.post_need(_cmd(), repo=repo, organizations=FakeKnownOrganizations())
        assert repo.saved == {}


class TestGetNeed:
    async def test_an_unknown_need_is_not_found(self) -> None:
        with pytest.raises(NotFound, match="no need"):
            await service.get_need("nope", repo=FakeNeeds())

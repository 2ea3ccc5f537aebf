"""The index kept from needs' lifecycle events, without Kafka: what it holds and what it proposes."""

from __future__ import annotations

from collections.abc import Iterable

from contract.events.needs import (
    NeedCancelled,
    NeedChangeData,
    NeedPosted,
    NeedPostedData,
    NeedStatus,
    NeedUpdated,
)
from contract.taxonomy import Category
from matching.index.engine import Index, Need, Supply
from matching.index.service import IndexProjection
from matching.index.share import Share

from .test_engine import COMMUNITY, LAT, LON, supply


class Proposed:
    """Where the projection's pairs go: kept, by need and supply id."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []

    async def __call__(self, pairs: Iterable[tuple[Need, Supply, float]]) -> int:
        made = [(n.id, s.id) for n, s, _ in pairs]
        self.pairs += made
        return len(made)


def posted(need_id: str, quantity: int = 2) -> NeedPosted:
    data = NeedPostedData(
        need_id=need_id,
        organization_id="poster",
        title="辅导",
        category=Category.TUTORING,
        area_code=COMMUNITY,
        quantity=quantity,
        lat=LAT,
        lon=LON,
    )
    return NeedPosted(source="/tests", subject=need_id, data=data)


def changed(
    event: type[NeedUpdated | NeedCancelled], need_id: str, status: NeedStatus, claimed: int, quantity: int = 2
) -> NeedUpdated | NeedCancelled:
    data = NeedChangeData(
        need_id=need_id, organization_id="poster", status=status, quantity=quantity, claimed=claimed, version=2
    )
    return event(source="/tests", subject=need_id, data=data)


async def live_projection() -> tuple[IndexProjection, Proposed]:
    proposed = Proposed()
    projection = IndexProjection(Index(), proposed, share=Share(), per_need=3, per_supply=10)
    projection.index.put_supply(supply())
    projection.go_live()
    return projection, proposed


async def test_a_fully_claimed_need_leaves_the_index_and_is_proposed_again_once_a_claim_is_let_go() -> None:
    projection, proposed = await live_projection()
    await projection.on_need_posted(posted("n1"))
    assert proposed.pairs == [("n1", "s1")]

    await projection.on_need_changed(changed(NeedUpdated, "n1", NeedStatus.FULLY_CLAIMED, claimed=2))
    assert "n1" not in projection.index.needs
    projection.index.put_supply(supply("s2", "other"))  # while it is fully claimed
    await projection.on_need_changed(changed(NeedUpdated, "n1", NeedStatus.PARTLY_CLAIMED, claimed=1))

    need = projection.index.needs["n1"]
    assert (need.quantity, need.claimed, need.open_units) == (2, 1, 1)
    assert sorted(proposed.pairs[1:]) == [("n1", "s1"), ("n1", "s2")]  # the writer skips pairs proposed before
    await projection.on_need_changed(changed(NeedUpdated, "n1", NeedStatus.OPEN, claimed=0))
    assert len(proposed.pairs) == 3  # claimable all along: proposed once, when it came back


async def test_a_cancelled_need_does_not_come_back() -> None:
    projection, proposed = await live_projection()
    await projection.on_need_posted(posted("n1"))
    await projection.on_need_changed(changed(NeedUpdated, "n1", NeedStatus.FULLY_CLAIMED, claimed=2))
    await projection.on_need_changed(changed(NeedCancelled, "n1", NeedStatus.CANCELLED, claimed=0))
    await projection.on_need_changed(changed(NeedUpdated, "n1", NeedStatus.OPEN, claimed=0))  # out of order
    assert "n1" not in projection.index.needs and not projection.claimed
    assert proposed.pairs == [("n1", "s1")]


async def test_while_replaying_a_need_comes_back_without_being_proposed() -> None:
    proposed = Proposed()
    projection = IndexProjection(Index(), proposed, share=Share(), per_need=3, per_supply=10)
    projection.index.put_supply(supply())
    await projection.on_need_posted(posted("n1"))
    await projection.on_need_changed(changed(NeedUpdated, "n1", NeedStatus.FULLY_CLAIMED, claimed=2))
    await projection.on_need_changed(changed(NeedUpdated, "n1", NeedStatus.OPEN, claimed=0))
    assert "n1" in projection.index.needs and proposed.pairs == []

"""The index kept from events: open needs, in the districts this instance matches, and all supply,
as they are posted, changed, booked and taken, and what suppliers' claims and ratings say of
them. Once it has caught up with the topics, a new need or supply item is proposed at once, and
so is a need whose claims were let go. Needs of the other instances' districts wait aside, to be
taken in when the group gives this instance their districts (`reassign`); supply across a
district's border is proposed to needs on this side of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import fields

from contract.events.needs import (
    ClaimCompleted,
    ClaimReleased,
    EvaluationGiven,
    NeedCancelled,
    NeedExpired,
    NeedFulfilled,
    NeedPosted,
    NeedPostedData,
    NeedStatus,
    NeedUpdated,
)
from contract.events.resources import (
    BookingCancelled,
    BookingConfirmed,
    BookingRequested,
    ResourceData,
    ResourcePublished,
    ResourceUpdated,
    ResourceWithdrawn,
    ServiceRequestAccepted,
    ServiceRequestCancelled,
)
from matching.index.engine import Index, Need, Supply
from matching.index.share import Share
from runtime.pacing import settle

Propose = Callable[[Iterable[tuple[Need, Supply, float]]], Awaitable[int]]

# What an event's data and the index's records share by name (the rest is set by hand: ids, the
# category's value, the time posted, the radius when none is given).
NEED_FIELDS = {f.name for f in fields(Need)} & set(NeedPostedData.model_fields) - {"category"}
SUPPLY_FIELDS = {f.name for f in fields(Supply)} & set(ResourceData.model_fields) - {"category"}
CLAIMABLE = frozenset({NeedStatus.OPEN, NeedStatus.PARTLY_CLAIMED})


class IndexProjection:
    """The index, rebuilt from the needs and resources topics at every start (nothing of it is
    stored); `propose` is where the best pairs of a new fact go once it is live."""

    def __init__(self, index: Index, propose: Propose, *, share: Share, per_need: int, per_supply: int) -> None:
        self.index = index
        self.propose = propose
        self.share = share
        self.per_need = per_need
        self.per_supply = per_supply
        self.live = False  # set once the index has caught up with the topics: then new facts are proposed
        self.claimed: dict[str, Need] = {}  # fully claimed needs, out of the index until a claim is let go
        self.elsewhere: dict[str, Need] = {}  # open needs of other instances' districts

    def go_live(self) -> None:
        """The index has caught up with the topics: from now on, new facts are proposed."""
        self.live = True
        settle()  # the index, rebuilt

    async def on_need_posted(self, event: NeedPosted) -> None:
        data = event.data
        if data.lat is None or data.lon is None:
            return  # no point to match from: the need is browsed, not proposed
        shared = data.model_dump(include=NEED_FIELDS)  # the fields the index's need has by the same name
        need = Need(id=data.need_id, category=data.category.value, posted_at=event.time, **shared)
        if not self._keep(need):
            return
        if self.live:
            await self.propose((need, supply, score) for supply, score in self.index.best_for_need(need, self.per_need))

    async def on_need_changed(self, event: NeedUpdated | NeedCancelled | NeedExpired | NeedFulfilled) -> None:
        """A need claimable again after its claims were let go is back in the index, and proposed
        if live; a fully claimed one waits out of the index, as it may be again; one cancelled,
        expired, in progress or done leaves for good."""
        data = event.data
        if event.type == "need.updated" and data.status in CLAIMABLE:
            await self._claimable(data.need_id, data.quantity, data.claimed)
        elif event.type == "need.updated" and data.status is NeedStatus.FULLY_CLAIMED:
            need = self._open(data.need_id) or self.claimed.get(data.need_id)
            if need is not None:
                need.quantity, need.claimed = data.quantity, data.claimed
                self.claimed[data.need_id] = need
        else:
            self._open(data.need_id)
            self.claimed.pop(data.need_id, None)

    async def _claimable(self, need_id: str, quantity: int, claimed: int) -> None:
        back = self.claimed.pop(need_id, None)
        need = back or self._open(need_id)
        if need is None:
            return  # with no point to match from
        need.quantity, need.claimed = quantity, claimed
        if self._keep(need) and back is not None and self.live and need.id in self.index.needs:
            await self.propose((need, supply, score) for supply, score in self.index.best_for_need(need, self.per_need))

    def _keep(self, need: Need) -> bool:
        """Puts an open need in the index when it is of this instance's districts (True), else aside."""
        if self.share.owns(need.area_code):
            self.index.put_need(need)
            return True
        self.elsewhere[need.id] = need
        return False

    def _open(self, need_id: str) -> Need | None:
        """Takes an open need out of the index or from aside (to be put back, changed, or not)."""
        need = self.index.needs.get(need_id) or self.elsewhere.pop(need_id, None)
        self.index.drop_need(need_id)
        return need

    def reassign(self, owned: Iterable[int]) -> int:
        """This instance now matches in the districts of the partitions `owned`: the needs of
        those it lost are put aside, those of the ones it gained taken in; how many were."""
        self.share.owned = frozenset(owned)
        for need in [n for n in self.index.needs.values() if not self.share.owns(n.area_code)]:
            self.index.drop_need(need.id)
            self.elsewhere[need.id] = need
        gained = [need for need in self.elsewhere.values() if self.share.owns(need.area_code)]
        for need in gained:
            del self.elsewhere[need.id]
            self.index.put_need(need)
        return len(gained)

    async def on_claim_ended(self, event: ClaimCompleted | ClaimReleased) -> None:
        """A supplier's record: claims it completed, and those it let go itself."""
        data = event.data
        if isinstance(event, ClaimCompleted):
            self.index.suppliers.record(data.organization_id, completed=1)
        elif event.data.reason == "released":
            self.index.suppliers.record(data.organization_id, released=1)

    async def on_evaluation(self, event: EvaluationGiven) -> None:
        """A rating of help an organisation gave: part of its record as a supplier, whatever it
        helped with (a claim, a wish, a service request, a booking)."""
        self.index.suppliers.rate(event.data.organization_id, event.data.stars)

    async def on_resource(self, event: ResourcePublished | ResourceUpdated | ResourceWithdrawn) -> None:
        data = event.data
        if data.status != "published" or data.lat is None or data.lon is None:
            self.index.drop_supply(data.resource_id)
            return
        shared = data.model_dump(include=SUPPLY_FIELDS)
        supply = Supply(
            id=data.resource_id, category=data.category.value, radius_km=data.service_radius_km or 3.0, **shared
        )
        new = data.resource_id not in self.index.supply
        self.index.put_supply(supply)
        if self.live and new:
            await self.propose(
                (need, supply, score) for need, score in self.index.best_for_supply(supply, self.per_supply)
            )

    async def on_booking(self, event: BookingRequested | BookingConfirmed | BookingCancelled) -> None:
        data = event.data
        venue = self.index.supply.get(data.venue_id)
        if venue is None:
            return
        if isinstance(event, BookingCancelled):  # read at each proposal: the supply table stays as it is
            venue.busy.pop(data.booking_id, None)
        else:
            venue.busy[data.booking_id] = (data.starts_at, data.ends_at)

    async def on_request(self, event: ServiceRequestAccepted | ServiceRequestCancelled) -> None:
        data = event.data
        supply = self.index.supply.get(data.resource_id)
        if supply is None:
            return
        if isinstance(event, ServiceRequestAccepted):
            supply.taken[data.request_id] = data.quantity
        else:
            supply.taken.pop(data.request_id, None)
        self.index.changed(supply)

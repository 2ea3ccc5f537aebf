"""Co-building agreements' use cases: an organisation proposes one to its partners (signing it by
proposing), each party signs, and once all have it is in force: its venue commitments are booked
by the resources service (`agreement.signed`); the parties record the other commitments kept;
a party ends it. Both sides and their area's administrators follow every commitment, occurrence by
occurrence."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import computed_field

from cobuilding.agreements.models import Agreement, Commitment, Fulfilment, Occurrence, occurrences
from cobuilding.agreements.repository import AgreementRepository, BookedRepository, VenueLookup, booked_of
from cobuilding.areas import area_query
from cobuilding.clock import CST, Clock
from contract.areas import covers
from contract.bodies.cobuilding import AgreementCreate, FulfilmentCreate
from contract.errors import Forbidden, NotFound, Unprocessable
from contract.events import Envelope, data_of
from contract.events.cobuilding import (
    AgreementData,
    AgreementEnded,
    AgreementProposed,
    AgreementSigned,
    AgreementStatus,
    CommitmentData,
)
from contract.events.resources import BookingCancelled, BookingConfirmed, BookingRequested, ResourceKind, ResourceStatus
from contract.ids import new_id
from runtime.actors import Actor, ActorKind, require_organization
from runtime.known_organizations import OrganizationLookup

SOURCE = "/services/cobuilding"
BOOKED_AHEAD = timedelta(days=365)  # as far as the resources service books a venue


class CommitmentView(Commitment):
    occurrences: list[Occurrence]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def tally(self) -> dict[str, int]:
        """How many occurrences are done, due, missed and still to come."""
        counts = dict.fromkeys(("done", "due", "missed", "upcoming"), 0)
        for occurrence in self.occurrences:
            counts[occurrence.state] += 1
        return counts


class AgreementView(Agreement):
    """An agreement as its parties and its area's administrators follow it."""

    commitments: list[CommitmentView]  # type: ignore[assignment]  # each with its occurrences


class Agreements:
    def __init__(
        self,
        repo: AgreementRepository,
        booked: BookedRepository,
        venues: VenueLookup,
        organizations: OrganizationLookup,
        clock: Clock,
    ) -> None:
        self.repo = repo
        self.booked = booked
        self.venues = venues
        self.organizations = organizations
        self.clock = clock

    async def propose(self, cmd: AgreementCreate, actor: Actor) -> Agreement:
        """The proposer is a party and signs by proposing; every party may act on the platform;
        a venue committed is one the committing party shares."""
        proposer = require_organization(actor)
        if proposer not in cmd.parties:
            raise Forbidden("an organisation proposes agreements it is a party to", field="parties")
        known = {party: await self.organizations.require_active(party) for party in cmd.parties}
        now = self.clock.now()
        for commitment in cmd.commitments:
            if commitment.venue_id is not None:
                venue = await self.venues.get(commitment.venue_id)
                if (
                    venue is None
                    or venue.kind is not ResourceKind.VENUE
                    or venue.status is not ResourceStatus.PUBLISHED
                ):
                    raise Unprocessable(f"no venue {commitment.venue_id!r} is shared", field="venue_id")
                if cmd.ends_on > now.astimezone(CST).date() + BOOKED_AHEAD:
                    raise Unprocessable(
                        "ends_on: a venue is booked a year ahead at most; agree the next year's anew", field="ends_on"
                    )
                if venue.organization_id != commitment.by_organization_id:
                    raise Unprocessable(
                        "a venue commitment is of a venue the committing party shares", field="venue_id"
                    )
        agreement = Agreement(
            id=new_id(),
            title=cmd.title,
            parties=cmd.parties,
            proposed_by=proposer,
            signed_by=[proposer],
            area_code=str(known[proposer]["area_code"]),
            starts_on=cmd.starts_on,
            ends_on=cmd.ends_on,
            commitments=[Commitment(commitment_id=new_id(), **c.model_dump()) for c in cmd.commitments],
            created_at=now,
        )
        await self.repo.add(agreement, [_event(AgreementProposed, agreement)])
        return agreement

    async def sign(self, agreement_id: str, actor: Actor) -> Agreement:
        party = require_organization(actor)
        await self.organizations.require_active(party)

        def decide(agreement: Agreement) -> list[Envelope]:
            _require_party(agreement, party)
            agreement.require(AgreementStatus.PROPOSED)
            if party not in agreement.signed_by:
                agreement.signed_by.append(party)
            if set(agreement.signed_by) != set(agreement.parties):
                return []  # written all the same (quiet): one more signature
            agreement.status, agreement.signed_at = AgreementStatus.SIGNED, self.clock.now()
            return [_event(AgreementSigned, agreement)]

        agreement, _ = await self.repo.change(agreement_id, decide, quiet=True)
        return agreement

    async def end(self, agreement_id: str, actor: Actor) -> Agreement:
        """A party ends the agreement, or withdraws it before everyone signed."""
        party = require_organization(actor)

        def decide(agreement: Agreement) -> list[Envelope]:
            _require_party(agreement, party)
            agreement.require(AgreementStatus.PROPOSED, AgreementStatus.SIGNED)
            agreement.status, agreement.ended_at = AgreementStatus.ENDED, self.clock.now()
            return [_event(AgreementEnded, agreement)]

        agreement, _ = await self.repo.change(agreement_id, decide)
        return agreement

    async def record(self, agreement_id: str, commitment_id: str, cmd: FulfilmentCreate, actor: Actor) -> Agreement:
        """A party records a commitment kept (a venue's are known from its bookings)."""
        party = require_organization(actor)
        today = self.clock.now().astimezone(CST).date()

        def decide(agreement: Agreement) -> list[Envelope]:
            _require_party(agreement, party)
            agreement.require(AgreementStatus.SIGNED)
            commitment = agreement.commitment(commitment_id)
            if commitment is None:
                raise NotFound(f"the agreement has no commitment {commitment_id!r}")
            if commitment.venue_id is not None:
                raise Unprocessable("a venue commitment is kept by its bookings", field="commitment_id")
            if not agreement.starts_on <= cmd.on <= min(agreement.ends_on, today):
                raise Unprocessable("on: a day of the agreement's term, not after today", field="on")
            commitment.fulfilments.append(Fulfilment(on=cmd.on, note=cmd.note, by=party, at=self.clock.now()))
            return []

        agreement, _ = await self.repo.change(agreement_id, decide, quiet=True)
        return agreement

    async def get(self, agreement_id: str, actor: Actor) -> Agreement:
        agreement = await self.repo.get(agreement_id)
        if agreement is None or not may_see(agreement, actor):
            raise NotFound(f"no agreement {agreement_id!r}")
        return agreement

    async def page(
        self, actor: Actor, *, status: AgreementStatus | None, area_code: str | None, after: str | None, limit: int
    ) -> list[Agreement]:
        """An organisation's own agreements; an administrator's area's (or one area's below it)."""
        where: dict[str, Any] = {"status": status.value} if status else {}
        node = ""
        if actor.kind is ActorKind.ORGANIZATION and actor.organization_id:
            where["parties"] = actor.organization_id
        elif actor.kind is ActorKind.AREA_ADMIN and actor.area_code:
            node = area_code if area_code and actor.administers(area_code) else actor.area_code
            where |= area_query(node)
        else:
            raise Forbidden("agreements are their parties' and their areas' administrators'")

        def keep(agreement: Agreement) -> bool:
            return may_see(agreement, actor) and covers(node, agreement.area_code)

        return await self.repo.page_kept(keep, after=after, limit=limit, where=where)

    async def views(self, agreements: list[Agreement]) -> list[AgreementView]:
        """The agreements with each commitment's occurrences as of now (one query for the bookings)."""
        ids = [c.commitment_id for a in agreements for c in a.commitments if c.venue_id is not None]
        booked = await self.booked.of(ids)
        now = self.clock.now()
        shown = []
        for agreement in agreements:
            ends_on = agreement.ends_on  # an agreement ended early owes nothing after
            if agreement.ended_at is not None:
                ends_on = min(ends_on, agreement.ended_at.astimezone(CST).date())
            commitments = [
                CommitmentView(
                    **c.model_dump(),
                    occurrences=occurrences(
                        c,
                        agreement.starts_on,
                        ends_on,
                        [b for b in booked if b.commitment_id == c.commitment_id],
                        now,
                    ),
                )
                for c in agreement.commitments
            ]
            shown.append(AgreementView(**agreement.model_dump(exclude={"commitments"}), commitments=commitments))
        return shown

    async def on_booking(self, event: BookingRequested | BookingConfirmed | BookingCancelled) -> None:
        """A booking of a venue commitment's series, kept as its latest event says."""
        booked = booked_of(event.data)
        if booked is not None and await self.repo.having_commitment(booked.commitment_id):
            await self.booked.put(booked)


def _require_party(agreement: Agreement, party: str) -> None:
    if party not in agreement.parties:
        raise Forbidden("only a party to the agreement does this")


def may_see(agreement: Agreement, actor: Actor) -> bool:
    """Its parties, and the administrators of its area (the community it belongs to and above)."""
    if actor.kind is ActorKind.ORGANIZATION:
        return actor.organization_id in agreement.parties
    return actor.administers(agreement.area_code)


def _event(event: type[Envelope], agreement: Agreement) -> Envelope:
    commitments = [CommitmentData.model_validate(c.model_dump(exclude={"fulfilments"})) for c in agreement.commitments]
    data = data_of(AgreementData, agreement, agreement_id=agreement.id, commitments=commitments)
    return event(source=SOURCE, subject=agreement.id, data=data)  # type: ignore[call-arg]  # each agreement event has `data`

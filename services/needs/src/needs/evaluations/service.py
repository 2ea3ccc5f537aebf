"""The ratings' use cases: a rating waits from the moment help is done (each completion event
makes one, once: its id is the completed thing's), is given by the side that received the help
within `window` (announced as `evaluation.given`, which matching's reliability reads), answered
once by the organisation rated, and its comment hidden by an administrator of that
organisation's area when abusive. Help done longer ago than the window (imported history)
makes no rating to wait for."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from contract.bodies.needs import EvaluationAnswer, EvaluationCreate, EvaluationHide
from contract.errors import Conflict, Forbidden, NotFound
from contract.events import Envelope
from contract.events.needs import ClaimCompleted, EvaluationData, EvaluationGiven, RatedKind, WishConfirmed
from contract.events.resources import BookingCancelled, BookingConfirmed, ServiceRequestCompleted
from contract.ids import entity_id
from needs.common import SOURCE, now
from needs.evaluations.models import Evaluation, EvaluationStatus, Hidden, Rater
from needs.evaluations.repository import EvaluationRepository
from needs.needs.view import NeedsView
from needs.wishes.repository import WishRepository
from runtime.actors import Actor, ActorKind
from runtime.known_organizations import OrganizationLookup


def evaluation_id(subject: RatedKind, subject_id: str) -> str:
    """The one rating of a completed claim, wish, service request or booking."""
    return entity_id("evaluation", f"{subject.value}:{subject_id}")


class Evaluations:
    def __init__(
        self,
        repo: EvaluationRepository,
        needs: NeedsView,
        wishes: WishRepository,
        organizations: OrganizationLookup,
        window: timedelta,
    ) -> None:
        self.repo = repo
        self.needs = needs
        self.wishes = wishes
        self.organizations = organizations
        self.window = window

    async def on_claims_completed(self, events: Sequence[ClaimCompleted]) -> None:
        """The posting organisation rates the organisation whose claim it completed: a run of
        completions (a history imported: 113,000 at a city) makes its ratings in one insert."""
        waiting = []
        for event in events:
            data = event.data
            need = self.needs.needs.get(data.need_id)
            rater = Rater(organization_id=data.need_organization_id)
            title = need.title if need else ""
            waiting.append(
                await self._waiting(
                    RatedKind.CLAIM, data.claim_id, data.organization_id, rater, event.time, data.need_id, title
                )
            )
        await self._wait_all(waiting, run=events[0].id)

    async def on_wish_confirmed(self, event: WishConfirmed) -> None:
        """The resident rates the organisation that fulfilled their wish; for a wish a community
        worker posted for them, the area's administrators may too."""
        wish = await self.wishes.get(event.data.wish_id)
        if wish is None or wish.claimer_organization_id is None:
            return
        worker = wish.area_code if wish.posted_by != "resident" else None
        rater = Rater(resident_id=wish.resident_id, area_code=worker)
        await self._wait(
            await self._waiting(
                RatedKind.WISH, wish.id, wish.claimer_organization_id, rater, event.time, wish.id, wish.title
            )
        )

    async def on_request_completed(self, event: ServiceRequestCompleted) -> None:
        """The requester rates the provider of the service or lendable."""
        data = event.data
        rater = Rater(organization_id=data.organization_id, resident_id=data.resident_id)
        await self._wait(
            await self._waiting(
                RatedKind.SERVICE_REQUEST,
                data.request_id,
                data.provider_organization_id,
                rater,
                event.time,
                data.resource_id,
            )
        )

    async def on_bookings_confirmed(self, events: Sequence[BookingConfirmed]) -> None:
        """Each booker rates the venue's organisation once the booking has ended: a run of
        confirmations (a venue's ledger imported) makes its ratings in one insert."""
        waiting = []
        for event in events:
            data = event.data
            rater = Rater(organization_id=data.organization_id, resident_id=data.resident_id)
            waiting.append(
                await self._waiting(
                    RatedKind.BOOKING, data.booking_id, data.venue_organization_id, rater, data.ends_at, data.venue_id
                )
            )
        await self._wait_all(waiting, run=events[0].id)

    async def on_booking_cancelled(self, event: BookingCancelled) -> None:
        """A booking cancelled (or released for nobody coming) has nothing to rate."""

        def void(evaluation: Evaluation) -> list[Envelope]:
            if evaluation.status is EvaluationStatus.WAITING:
                evaluation.status = EvaluationStatus.VOID
            return []

        try:
            await self.repo.change(evaluation_id(RatedKind.BOOKING, event.data.booking_id), void, quiet=True)
        except NotFound:
            return  # cancelled before it was confirmed: no rating was waiting

    async def _wait(self, evaluation: Evaluation | None) -> None:
        """Stores the rating to wait for (None: there is nothing to rate); one made already (the
        same completion told twice) is left as it is."""
        if evaluation is not None:
            with contextlib.suppress(Conflict):
                await self.repo.add(evaluation, [])

    async def _wait_all(self, evaluations: Sequence[Evaluation | None], *, run: str) -> None:
        """Stores the ratings to wait for of a run of events in one insert; those made already
        (the same events told twice) are left as they are."""
        waiting: list[tuple[Evaluation, Sequence[Envelope]]] = [(e, []) for e in evaluations if e is not None]
        if waiting:
            await self.repo.insert_many(waiting, group=f"evaluations-{run}")

    async def _waiting(
        self,
        subject: RatedKind,
        subject_id: str,
        rated: str,
        rater: Rater,
        opens_at: datetime,
        about: str,
        title: str = "",
    ) -> Evaluation | None:
        """The rating to wait for, or None when the help was done too long ago to be rated now
        (imported history)."""
        closes_at = opens_at + self.window
        if closes_at < now():
            return None
        organization = await self.organizations.require(rated)
        return Evaluation(
            id=evaluation_id(subject, subject_id),
            subject=subject,
            subject_id=subject_id,
            about=about,
            title=title,
            organization_id=rated,
            area_code=organization["area_code"],
            rater=rater,
            opens_at=opens_at,
            closes_at=closes_at,
        )

    async def get(self, evaluation_id: str, actor: Actor | None) -> Evaluation:
        """A given rating is public; one waiting is its rater's, the rated organisation's and
        the area's administrators'."""
        evaluation = await self.repo.get(evaluation_id)
        if evaluation is None or not may_see(evaluation, actor):
            raise NotFound(f"no rating {evaluation_id!r}")
        return evaluation

    async def give(self, evaluation_id: str, cmd: EvaluationCreate, actor: Actor) -> Evaluation:
        def decide(evaluation: Evaluation) -> list[Envelope]:
            if not evaluation.rater.is_(actor):
                raise Forbidden("only the side that received the help rates it")
            evaluation.give(cmd.stars, cmd.comment, cmd.tags, now())
            return [given(evaluation)]

        return await self._change(evaluation_id, actor, decide)

    async def answer(self, evaluation_id: str, cmd: EvaluationAnswer, actor: Actor) -> Evaluation:
        def decide(evaluation: Evaluation) -> list[Envelope]:
            if not actor.is_organization(evaluation.organization_id):
                raise Forbidden("the organisation rated answers its rating")
            evaluation.reply(cmd.text, now())
            return []

        return await self._change(evaluation_id, actor, decide, quiet=True)

    async def hide(self, evaluation_id: str, cmd: EvaluationHide, actor: Actor) -> Evaluation:
        def decide(evaluation: Evaluation) -> list[Envelope]:
            if not actor.administers(evaluation.area_code) or actor.area_code is None:
                raise Forbidden("an administrator of the rated organisation's area hides a comment")
            if evaluation.status is not EvaluationStatus.GIVEN:
                raise Conflict("only a given rating has a comment to hide", status=evaluation.status.value)
            evaluation.hidden = Hidden(by=actor.area_code, reason=cmd.reason, at=now())
            return []

        return await self._change(evaluation_id, actor, decide, quiet=True)

    async def waiting_for(self, actor: Actor, *, limit: int) -> list[Evaluation]:
        """The ratings the actor may give now (the help has ended, the window is open), those
        closing first first."""
        moment = now()
        found = await self.repo.page_kept(
            lambda e: (
                e.status is EvaluationStatus.WAITING and e.rater.is_(actor) and e.opens_at <= moment < e.closes_at
            ),
            after=None,
            limit=1000,
            where={"status": EvaluationStatus.WAITING.value, **_rater_of(actor)},
        )
        return sorted(found, key=lambda e: e.closes_at)[:limit]

    async def of_organization(self, organization_id: str, *, after: str | None, limit: int) -> list[Evaluation]:
        where = {"organization_id": organization_id, "status": EvaluationStatus.GIVEN.value}
        return await self.repo.page_kept(
            lambda e: e.organization_id == organization_id and e.status is EvaluationStatus.GIVEN,
            after=after,
            limit=limit,
            where=where,
        )

    async def recent(self, organization_id: str, *, limit: int) -> list[Evaluation]:
        """An organisation's latest ratings, the newest first."""
        return await self.repo.latest(organization_id, limit=limit)

    async def summary(self, organization_id: str) -> dict[str, object]:
        """How an organisation's help was rated: how many ratings, their average, how many of each star."""
        stars = await self.repo.stars(organization_id)
        return {
            "organization_id": organization_id,
            "count": len(stars),
            "average": round(sum(stars) / len(stars), 2) if stars else None,
            "by_stars": {str(n): stars.count(n) for n in range(1, 6)},
        }

    async def _change(
        self,
        evaluation_id: str,
        actor: Actor,
        decide: Callable[[Evaluation], Sequence[Envelope]],
        *,
        quiet: bool = False,
    ) -> Evaluation:
        await self.get(evaluation_id, actor)  # one the actor may not see is no rating for them
        evaluation, _ = await self.repo.change(evaluation_id, decide, quiet=quiet)
        return evaluation


def given(evaluation: Evaluation) -> Envelope:
    assert evaluation.stars is not None
    data = EvaluationData(
        evaluation_id=evaluation.id,
        subject=evaluation.subject,
        subject_id=evaluation.subject_id,
        organization_id=evaluation.organization_id,
        area_code=evaluation.area_code,
        stars=evaluation.stars,
    )
    return EvaluationGiven(source=SOURCE, subject=evaluation.id, data=data)


def may_see(evaluation: Evaluation, actor: Actor | None) -> bool:
    if evaluation.status is EvaluationStatus.GIVEN:
        return True
    if actor is None:
        return False
    return (
        evaluation.rater.is_(actor)
        or actor.is_organization(evaluation.organization_id)
        or actor.administers(evaluation.area_code)
    )


def _rater_of(actor: Actor) -> dict[str, object]:
    """The database's part of finding the ratings an actor may give."""
    if actor.kind is ActorKind.ORGANIZATION:
        return {"rater.organization_id": actor.organization_id}
    if actor.kind is ActorKind.RESIDENT:
        return {"rater.resident_id": actor.resident_id}
    return {"rater.area_code": {"$ne": None}}

"""The needs service's use cases: post, edit and move needs through their lifecycle; claim,
start, complete and release claims; expire what is overdue; turn accepted matches into claims.

Every change is one `repo.change` (optimistic concurrency on the need) that writes the need and
its events together; the repository hands the need as written to the read model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Literal

from contract.bodies.needs import ClaimCreate, ClaimDone, NeedCreate, NeedEdit
from contract.eligibility import shown_to
from contract.errors import Conflict, DomainError, Forbidden, NotFound
from contract.events import Envelope, construct, constructed_of, data_of
from contract.events.matching import MatchAccepted, MatchFailed
from contract.events.needs import (
    ClaimCompleted,
    ClaimData,
    ClaimMade,
    ClaimRefused,
    ClaimRefusedData,
    ClaimReleased,
    ClaimReleasedData,
    NeedCancelled,
    NeedChangeData,
    NeedExpired,
    NeedFulfilled,
    NeedPosted,
    NeedPostedData,
    NeedStatus,
    NeedUpdated,
    ReleaseReason,
    Visibility,
)
from contract.ids import entity_id, new_id
from needs.common import SOURCE, now
from needs.needs.models import ACTIVE, Claim, ClaimStatus, Need
from needs.needs.repository import NeedRepository
from needs.needs.schemas import HistoryImport, PastNeed
from needs.needs.view import NeedsView
from runtime.actors import Actor, ActorKind, acting_as, require_organization
from runtime.known_organizations import OrganizationLookup, require_each
from runtime.partners import Partnered, nobody

NeedAction = Literal["publish", "start", "fulfil", "confirm", "cancel"]
ClaimAction = Literal["start", "complete", "release"]


class Needs:
    """The use cases, given where needs are kept (which keeps the read model current), what the
    service knows of organisations, and the read model to answer from."""

    def __init__(
        self, repo: NeedRepository, organizations: OrganizationLookup, view: NeedsView, partners: Partnered = nobody
    ) -> None:
        self.repo = repo
        self.organizations = organizations
        self.view = view
        self.partners = partners  # who co-builds with whom: a need for partners is shown to them

    async def post(self, cmd: NeedCreate, actor: Actor) -> Need:
        """Posts a need of the acting organisation: open for claims, or a draft. An area's
        administrator posts one for an organisation of their area (a joint meeting's decision)."""
        if actor.kind is ActorKind.AREA_ADMIN and cmd.organization_id is not None:
            organization_id, posted_for_by = cmd.organization_id, actor.area_code
            found = await self.organizations.require_active(organization_id)
            if not actor.administers(str(found["area_code"])) or not actor.administers(cmd.area_code):
                raise Forbidden("an administrator posts needs for organisations of their own area, there")
        else:
            organization_id = acting_as(actor, cmd.organization_id, "an organisation posts its own needs only")
            posted_for_by = None
            await self.organizations.require_active(organization_id)
        fields = cmd.model_dump(exclude={"organization_id", "draft"})
        need = Need(
            id=new_id(), organization_id=organization_id, status=NeedStatus.DRAFT, posted_for_by=posted_for_by, **fields
        )
        if need.deadline is None:
            need.deadline = need.starts_at
        if need.deadline is not None and need.deadline <= now():
            raise Conflict("the deadline (or start) has passed already", deadline=need.deadline.isoformat())
        events: list[Envelope] = [] if cmd.draft else [self._open(need)]
        await self.repo.add(need, events)
        return need

    async def get(self, need_id: str, actor: Actor | None) -> Need:
        """One need, as its viewer may see it: NotFound also when it is not shown to them. The
        read model holds every need this process wrote or loaded; the database, any other."""
        need = self.view.needs.get(need_id) or await self.repo.get(need_id)
        if need is None or not may_see(need, actor, self.partners):
            raise NotFound(f"no need {need_id!r}")
        return need

    async def get_many(self, need_ids: list[str]) -> list[Need]:
        """The needs of these ids, as `get` finds each (the read model, else the database), in
        id order; the caller filters what its viewer may see."""
        found = {i: need for i in set(need_ids) if (need := self.view.needs.get(i)) is not None}
        if missing := [i for i in set(need_ids) if i not in found]:
            found.update((need.id, need) for need in await self.repo.get_many(missing))
        return [found[i] for i in sorted(found)]

    async def edit(self, need_id: str, cmd: NeedEdit, actor: Actor) -> Need:
        def decide(need: Need) -> list[Envelope]:
            self._require_owner(need, actor)
            if need.status not in (NeedStatus.DRAFT, NeedStatus.OPEN, NeedStatus.PARTLY_CLAIMED):
                raise Conflict(f"a need that is {need.status.value} can no longer be edited", status=need.status.value)
            changes = {k: v for k, v in cmd.model_dump(exclude_unset=True).items() if getattr(need, k) != v}
            if changes.get("quantity", need.quantity) < need.claimed:
                raise Conflict(
                    f"{need.claimed} are claimed already: the quantity cannot go below", claimed=need.claimed
                )
            for name, value in changes.items():
                setattr(need, name, value)
            if changes and any(c.status in ACTIVE for c in need.claims):
                need.edited_at = now()  # the claimers' pages say it changed since they claimed
            if need.status is not NeedStatus.DRAFT:
                need.settle()
            return [self._updated(NeedUpdated, need)]

        return await self._change(need_id, decide)

    async def act(self, need_id: str, action: NeedAction, actor: Actor) -> Need:
        """Moves a need on: publish a draft, start the work, report it fulfilled, confirm it, cancel it."""

        def decide(need: Need) -> list[Envelope]:
            if action == "confirm":
                if not (actor.is_organization(need.organization_id) or actor.administers(need.area_code)):
                    raise Forbidden("the posting organisation or an administrator of its area confirms a need")
            else:
                self._require_owner(need, actor)
            match action:
                case "publish":
                    return [self._open(need)]
                case "start":
                    need.move(NeedStatus.IN_PROGRESS)
                    return [self._updated(NeedUpdated, need)]
                case "fulfil":  # started claims are done; promises never started are let go
                    need.move(NeedStatus.FULFILLED)
                    ended = [
                        self._end(need, c, ClaimStatus.COMPLETED)
                        if c.status is ClaimStatus.STARTED
                        else self._end(need, c, ClaimStatus.RELEASED, "need_fulfilled")
                        for c in need.claims
                        if c.status in ACTIVE
                    ]
                    return [*ended, self._updated(NeedFulfilled, need)]
                case "confirm":
                    need.move(NeedStatus.CONFIRMED)
                    return [self._updated(NeedUpdated, need)]
                case "cancel":
                    need.move(NeedStatus.CANCELLED)
                    held = [c for c in need.claims if c.status in ACTIVE]
                    released = [self._end(need, c, ClaimStatus.RELEASED, "need_cancelled") for c in held]
                    return [*released, self._updated(NeedCancelled, need)]

        return await self._change(need_id, decide)

    async def claim(self, need_id: str, cmd: ClaimCreate, actor: Actor) -> Claim:
        """Claims `cmd.quantity` of a need for the acting organisation (or one of its members)."""
        organization_id = require_organization(actor)
        member_id = cmd.member_id or actor.member_id
        claim = Claim(id=new_id(), organization_id=organization_id, member_id=member_id, quantity=cmd.quantity)
        await self.organizations.require_active(organization_id)
        if member_id is not None:
            await self.organizations.require_member(organization_id, member_id)
        await self._take(need_id, claim, viewer=actor, start_by=cmd.start_by)
        return claim

    async def claim_for_proposal(self, need_id: str, proposal_id: str, organization_id: str, quantity: int) -> None:
        """Makes an accepted proposal a claim of the supplier's organisation, as that organisation
        (where the registry places it) would claim it; the claim's id is the proposal's, so a
        redelivery finds it made and changes nothing."""
        supplier = await self.organizations.require_active(organization_id)
        viewer = Actor(kind=ActorKind.ORGANIZATION, organization_id=organization_id, area_code=supplier["area_code"])
        claim = Claim(id=proposal_id, organization_id=organization_id, quantity=quantity, proposal_id=proposal_id)
        await self._take(need_id, claim, viewer=viewer, start_by=None)

    async def _take(self, need_id: str, claim: Claim, *, viewer: Actor, start_by: datetime | None) -> None:
        def decide(need: Need) -> list[Envelope]:
            if not may_see(need, viewer, self.partners):
                raise NotFound(f"no need {need_id!r}")
            if claim.proposal_id is not None and any(c.proposal_id == claim.proposal_id for c in need.claims):
                return []  # this accepted match was made a claim already (a redelivery)
            if need.organization_id == claim.organization_id:
                raise Forbidden("an organisation does not claim its own need")
            claim.start_by = start_by or need.starts_at
            need.claim(claim, now())
            return [
                ClaimMade(source=SOURCE, subject=need.id, data=claim_data(need, claim)),
                self._updated(NeedUpdated, need),
            ]

        await self._change(need_id, decide)

    async def act_on_claim(
        self, need_id: str, claim_id: str, action: ClaimAction, actor: Actor, done: ClaimDone | None = None
    ) -> Need:
        """The claimer starts or releases its claim; the posting organisation completes it, saying
        how many person-times it served (`done`)."""

        def decide(need: Need) -> list[Envelope]:
            claim = need.find_claim(claim_id)
            is_claimer = actor.is_organization(claim.organization_id) and claim.member_id in (None, actor.member_id)
            owner = actor.is_organization(need.organization_id)
            match action:
                case "start":
                    if not (is_claimer or owner):
                        raise Forbidden("the claimer or the posting organisation starts a claim")
                    need.start_claim(claim)
                    return [self._updated(NeedUpdated, need)]
                case "release":
                    if not is_claimer:
                        raise Forbidden("only the claimer releases its claim")
                    return [self._end(need, claim, ClaimStatus.RELEASED, "released"), self._updated(NeedUpdated, need)]
                case "complete":
                    if not owner:
                        raise Forbidden("the posting organisation says when a claim's work is done")
                    served = done.served if done else None  # the claim's quantity unless told
                    return [self._end(need, claim, ClaimStatus.COMPLETED, served=served)]

        return await self._change(need_id, decide)

    async def import_history(self, cmd: HistoryImport, actor: Actor) -> dict[str, int]:
        """Needs fulfilled before the platform kept them, with their completed claims, so the
        statistics count the past too. An administrator imports their own area's. Each claim
        is announced as completed (at the time it was), so those who follow suppliers' records
        count the past as well; a need stored already (a second import) is left as it is, and
        its claims are not announced again."""
        outside = next((n.area_code for n in cmd.needs if not actor.administers(n.area_code)), None)
        if outside is not None:
            raise Forbidden("an administrator imports the history of their own area", area_code=outside)
        await require_each(
            self.organizations,
            {n.organization_id for n in cmd.needs} | {c.organization_id for n in cmd.needs for c in n.claims},
        )
        needs = [past_need(n) for n in cmd.needs]
        imported = await self.repo.insert_many(
            [(need, completions(need)) for need in needs], group=f"history-{new_id()}"
        )
        return {"imported": imported, "already_there": len(needs) - imported}

    async def sweep(self, moment: datetime | None = None) -> int:
        """Expires open needs past their deadline and live claims not started by their start
        time; returns how many needs it changed. Run on a schedule; safe to run anywhere twice."""
        moment = moment or now()

        def decide(need: Need) -> list[Envelope]:
            events: list[Envelope] = []
            for claim in list(need.claims):
                if claim.status is ClaimStatus.LIVE and claim.start_by and claim.start_by < moment:
                    events.append(self._end(need, claim, ClaimStatus.EXPIRED, "expired"))
            if need.status is NeedStatus.OPEN and need.deadline is not None and need.deadline < moment:
                need.move(NeedStatus.EXPIRED)
                events.append(self._updated(NeedExpired, need))
            return events

        changed = 0
        for due in self.view.due(moment):
            try:
                await self._change(due.id, decide)
                changed += 1
            except DomainError:
                continue  # changed meanwhile; the next sweep looks again
        return changed

    async def on_match_accepted(self, event: MatchAccepted) -> None:
        """An accepted proposal becomes a claim of the supplier's organisation (its id is the
        proposal's; a redelivery finds it made and changes nothing); one that cannot answers
        `claim.refused`."""
        data = event.data
        try:
            await self.claim_for_proposal(data.need_id, data.proposal_id, data.resource_organization_id, data.quantity)
        except DomainError as refusal:
            refused = ClaimRefused(
                source=SOURCE,
                subject=data.need_id,
                data=ClaimRefusedData(proposal_id=data.proposal_id, need_id=data.need_id, reason=refusal.message),
            )
            await self.repo.announce(refused)

    async def on_match_failed(self, event: MatchFailed) -> None:
        """The supply half of an accepted proposal was refused: the claim made for it is released."""
        data = event.data

        def decide(need: Need) -> list[Envelope]:
            held = [c for c in need.claims if c.proposal_id == data.proposal_id and c.status in ACTIVE]
            ended = [self._end(need, claim, ClaimStatus.RELEASED, "match_failed") for claim in held]
            return [*ended, self._updated(NeedUpdated, need)] if ended else []

        try:
            await self._change(data.need_id, decide)
        except NotFound:
            return  # a need this service never had: nothing was claimed

    async def _change(self, need_id: str, decide: Callable[[Need], Sequence[Envelope]]) -> Need:
        need, _ = await self.repo.change(need_id, decide, cached=self.view.needs.get(need_id))
        return need

    @staticmethod
    def _require_owner(need: Need, actor: Actor) -> None:
        if not actor.is_organization(need.organization_id):
            raise Forbidden("only the posting organisation's people change a need", need_id=need.id)

    def _open(self, need: Need) -> NeedPosted:
        need.move(NeedStatus.OPEN)
        return NeedPosted(source=SOURCE, subject=need.id, data=data_of(NeedPostedData, need, need_id=need.id))

    def _end(
        self,
        need: Need,
        claim: Claim,
        to: ClaimStatus,
        reason: ReleaseReason = "released",
        *,
        served: int | None = None,
    ) -> Envelope:
        need.end_claim(claim, to, served)
        if to is ClaimStatus.COMPLETED:
            return ClaimCompleted(source=SOURCE, subject=need.id, data=claim_data(need, claim))
        data = ClaimReleasedData(**claim_data(need, claim).model_dump(), reason=reason)
        return ClaimReleased(source=SOURCE, subject=need.id, data=data)

    @staticmethod
    def _updated(event: type[NeedUpdated | NeedCancelled | NeedExpired | NeedFulfilled], need: Need) -> Envelope:
        data = data_of(NeedChangeData, need, need_id=need.id, claimed=need.claimed)
        return event(source=SOURCE, subject=need.id, data=data)


def claim_data(need: Need, claim: Claim) -> ClaimData:
    return data_of(ClaimData, claim, **_of_need(need, claim))


def _of_need(need: Need, claim: Claim) -> dict[str, object]:
    """What a claim's event data takes of its need."""
    return {
        "claim_id": claim.id,
        "need_id": need.id,
        "need_organization_id": need.organization_id,
        "title": need.title,
        "category": need.category,
        "area_code": need.area_code,
        "starts_at": need.starts_at,
        "ends_at": need.ends_at,
    }


def completions(need: Need) -> list[Envelope]:
    """A `claim.completed` of each completed claim of an imported need, dated when it was
    completed; made of values validated already (a city's history is 113,000 of them)."""
    return [
        construct(
            ClaimCompleted,
            source=SOURCE,
            subject=need.id,
            time=claim.completed_at,
            data=constructed_of(ClaimData, claim, **_of_need(need, claim), imported=True),
        )
        for claim in need.claims
        if claim.completed_at is not None
    ]


def past_need(past: PastNeed) -> Need:
    claims = [
        Claim(
            id=entity_id("claim", f"{past.id}/{i}"),
            organization_id=c.organization_id,
            member_id=c.member_id,
            quantity=c.quantity,
            status=ClaimStatus.COMPLETED,
            made_at=c.made_at,
            started_at=c.made_at,
            completed_at=c.completed_at,
        )
        for i, c in enumerate(past.claims)
    ]
    fields = past.model_dump(exclude={"claims", "posted_at", "fulfilled_at"})
    return Need(
        **fields,
        status=NeedStatus.CONFIRMED,
        claims=claims,
        created_at=past.posted_at,
        posted_at=past.posted_at,
        fulfilled_at=past.fulfilled_at,
    )


def may_see(need: Need, actor: Actor | None, partners: Partnered = nobody) -> bool:
    """Drafts are their organisation's; a shown need is everyone's, its area's, or its
    organisation's partners' (`partners`: agreements' parties, its community's list);
    administrators see their subtree."""
    if actor is not None and (actor.is_organization(need.organization_id) or actor.administers(need.area_code)):
        return True
    if need.status is NeedStatus.DRAFT:
        return False
    organization = actor is not None and actor.kind is ActorKind.ORGANIZATION
    partner = organization and partners(actor.organization_id if actor else None, need.organization_id, need.visible_to)
    if shown_to(
        need.visibility, need.visible_to, actor.area_code if actor else None, organization=organization, partner=partner
    ):
        return True
    if actor is None or need.visible_to is None or need.visibility is not Visibility.AREA:
        return False
    return actor.administers(need.visible_to)  # shown to an area: its administrators, from above, see it too

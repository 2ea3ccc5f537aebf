"""Micro-wishes (微心愿): a resident's small wish, claimed by one organisation at a time, done
with a photo as proof, confirmed by the resident or the community, and thanked for with a
letter to the claimer's own Party organisation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from contract.areas import covers
from contract.bodies.needs import WishClaimCreate, WishCreate
from contract.errors import Conflict, Forbidden, NotFound, Unprocessable
from contract.events import Envelope, data_of
from contract.events.needs import (
    WishCancelled,
    WishClaimed,
    WishCompleted,
    WishConfirmed,
    WishData,
    WishPosted,
    WishReleased,
    WishStatus,
)
from contract.ids import new_id
from needs.common import SOURCE, now
from needs.wishes.models import Photo, Thanks, Wish, WishClaim, masked
from needs.wishes.repository import ProofRepository, WishRepository
from runtime.actors import Actor, ActorKind, require_organization
from runtime.known_organizations import OrganizationLookup
from runtime.photos import photo_type


class Wishes:
    """The use cases, given where wishes and their proof photos are kept, what the service knows
    of organisations, and how large a proof photo may be."""

    def __init__(
        self, repo: WishRepository, proofs: ProofRepository, organizations: OrganizationLookup, max_proof_bytes: int
    ) -> None:
        self.repo = repo
        self.proofs = proofs
        self.organizations = organizations
        self.max_proof_bytes = max_proof_bytes

    async def post(self, cmd: WishCreate, actor: Actor) -> Wish:
        """A resident posts their own wish; a community worker (an administrator of the area)
        posts one on a resident's behalf."""
        if actor.kind is ActorKind.RESIDENT and actor.resident_id and actor.area_code:
            if cmd.resident_id not in (None, actor.resident_id):
                raise Forbidden("a resident posts their own wishes only")
            resident_id, area_code, posted_by = actor.resident_id, cmd.area_code or actor.area_code, "resident"
        elif actor.kind is ActorKind.AREA_ADMIN and actor.area_code:
            if cmd.resident_id is None or cmd.area_code is None:
                raise Unprocessable("posting for a resident needs their resident_id and area_code")
            resident_id, area_code, posted_by = cmd.resident_id, cmd.area_code, actor.area_code
        else:
            raise Forbidden("a resident, or a community worker for them, posts a micro-wish")
        if not (covers(actor.area_code, area_code) if posted_by == "resident" else actor.administers(area_code)):
            raise Forbidden("the wish's area must be the resident's own, or the worker's", area_code=area_code)
        fields = cmd.model_dump(exclude={"resident_id", "area_code"})
        wish = Wish(id=new_id(), resident_id=resident_id, area_code=area_code, posted_by=posted_by, **fields)
        await self.repo.add(wish, [_event(WishPosted, wish)])
        return wish

    async def get(self, wish_id: str, actor: Actor | None) -> Wish:
        wish = await self.repo.get(wish_id)
        if wish is None or not may_see(wish, actor):
            raise NotFound(f"no wish {wish_id!r}")
        return wish

    async def page(
        self,
        actor: Actor,
        *,
        status: WishStatus | None,
        area_code: str | None = None,
        after: str | None,
        limit: int,
    ) -> list[Wish]:
        """A resident's own wishes; an administrator's subtree; an organisation's open wishes
        to claim (the wish wall) and the ones it claimed; of one area's subtree if asked."""
        where: dict[str, Any] = {"status": status.value} if status else {}
        if actor.kind is ActorKind.RESIDENT:
            where["resident_id"] = actor.resident_id
        elif actor.kind is ActorKind.ORGANIZATION and status is not WishStatus.OPEN:
            where["claimer_organization_id"] = actor.organization_id

        def keep(wish: Wish) -> bool:
            return may_see(wish, actor) and (area_code is None or covers(area_code, wish.area_code))

        return await self.repo.page_kept(keep, after=after, limit=limit, where=where)

    async def claim(self, wish_id: str, cmd: WishClaimCreate, actor: Actor) -> Wish:
        organization_id = require_organization(actor)
        await self.organizations.require_active(organization_id)
        if member_id := cmd.member_id or actor.member_id:
            await self.organizations.require_member(organization_id, member_id)

        def decide(wish: Wish) -> list[Envelope]:
            wish.require(WishStatus.OPEN)
            wish.claim = WishClaim(organization_id=organization_id, member_id=member_id)
            wish.claimer_organization_id = organization_id
            wish.status = WishStatus.CLAIMED
            return [_event(WishClaimed, wish)]

        return await self._change(wish_id, decide)

    async def release(self, wish_id: str, actor: Actor) -> Wish:
        def decide(wish: Wish) -> list[Envelope]:
            self._require_held(wish, actor)
            wish.claim, wish.claimer_organization_id, wish.status = None, None, WishStatus.OPEN
            return [_event(WishReleased, wish)]

        return await self._change(wish_id, decide)

    async def complete(self, wish_id: str, content: bytes, actor: Actor) -> Wish:
        """The claimer uploads a photo that shows the wish fulfilled."""
        if len(content) > self.max_proof_bytes:
            raise Unprocessable(f"the photo is over {self.max_proof_bytes} bytes", size=len(content))
        content_type = photo_type(content)
        if content_type is None:
            raise Unprocessable("the proof must be a JPEG, PNG or WebP photo")
        self._require_held(await self.get(wish_id, actor), actor)  # before the photo is stored
        proof = await self.proofs.put(content, content_type)

        def decide(wish: Wish) -> list[Envelope]:
            self._require_held(wish, actor)
            wish.proof, wish.status = proof, WishStatus.DONE
            return [_event(WishCompleted, wish)]

        return await self._change(wish_id, decide)

    async def confirm(self, wish_id: str, actor: Actor) -> Wish:
        """The resident, or an administrator of the wish's area, confirms it was done."""

        def decide(wish: Wish) -> list[Envelope]:
            self._require_resident_side(wish, actor)
            wish.require(WishStatus.DONE)
            wish.status, wish.confirmed_at = WishStatus.CONFIRMED, now()
            wish.confirmed_by = "resident" if actor.kind is ActorKind.RESIDENT else actor.area_code
            return [_event(WishConfirmed, wish)]

        return await self._change(wish_id, decide)

    async def cancel(self, wish_id: str, actor: Actor) -> Wish:
        def decide(wish: Wish) -> list[Envelope]:
            self._require_resident_side(wish, actor)
            wish.require(WishStatus.OPEN, WishStatus.CLAIMED)
            wish.status = WishStatus.CANCELLED
            return [_event(WishCancelled, wish)]

        return await self._change(wish_id, decide)

    async def proof(self, wish_id: str, actor: Actor | None) -> Photo:
        wish = await self.get(wish_id, actor)
        photo = await self.proofs.get(wish.proof.sha256) if wish.proof else None
        if photo is None:
            raise NotFound(f"wish {wish_id!r} has no proof yet")
        return photo

    async def thanks(self, wish_id: str, actor: Actor | None) -> Thanks:
        """What the thank-you letter (感谢信) to the claimer's own Party organisation says: the
        confirmed wish and the organisation's name."""
        wish = await self.get(wish_id, actor)
        if wish.status is not WishStatus.CONFIRMED or wish.claimer_organization_id is None:
            raise Conflict("a thank-you letter follows the wish's confirmation", status=wish.status.value)
        organization = await self.organizations.require(wish.claimer_organization_id)
        resident = wish.resident_name if knows_the_resident(wish, actor) else masked(wish.resident_name)
        return Thanks(wish, organization["name"], resident)

    async def _change(self, wish_id: str, decide: Callable[[Wish], Sequence[Envelope]]) -> Wish:
        wish, _ = await self.repo.change(wish_id, decide)
        return wish

    @staticmethod
    def _require_held(wish: Wish, actor: Actor) -> None:
        """The wish is claimed, by the acting organisation."""
        if wish.claimer_organization_id is None or not actor.is_organization(wish.claimer_organization_id):
            raise Forbidden("only the organisation that claimed the wish does this")
        wish.require(WishStatus.CLAIMED)

    @staticmethod
    def _require_resident_side(wish: Wish, actor: Actor) -> None:
        if not knows_the_resident(wish, actor):
            raise Forbidden("the resident, or an administrator of their area, does this")


def knows_the_resident(wish: Wish, actor: Actor | None) -> bool:
    """The resident themself and the administrators of their area see who wished; organisations
    see the wish without the resident's name (the wall is public to them)."""
    if actor is None:
        return False
    own = actor.kind is ActorKind.RESIDENT and actor.resident_id == wish.resident_id
    return own or actor.administers(wish.area_code)


def may_see(wish: Wish, actor: Actor | None) -> bool:
    """A resident sees their own wishes; organisations see open ones (to claim them) and the
    ones they claimed; administrators see their subtree."""
    if actor is None:
        return False
    match actor.kind:
        case ActorKind.RESIDENT:
            return actor.resident_id == wish.resident_id
        case ActorKind.AREA_ADMIN:
            return actor.administers(wish.area_code)
        case ActorKind.ORGANIZATION:
            return wish.status is WishStatus.OPEN or wish.claimer_organization_id == actor.organization_id
        case ActorKind.PLATFORM:  # a resident's wish is theirs and their area's, not the public pages'
            return False


def _event(event: type[Envelope], wish: Wish) -> Envelope:
    data = data_of(WishData, wish, wish_id=wish.id)
    return event(source=SOURCE, subject=wish.id, data=data)  # type: ignore[call-arg]  # each wish event has `data`

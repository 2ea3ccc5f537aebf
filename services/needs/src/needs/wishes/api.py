"""The micro-wish routes: a wish from posting to its thank-you letter."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import HTMLResponse, Response

from contract.bodies.needs import WishClaimCreate, WishCreate
from contract.events.needs import WishStatus
from needs.wishes import letter
from needs.wishes.models import Wish
from needs.wishes.schemas import WishOut, shown
from needs.wishes.service import Wishes, knows_the_resident
from runtime.actors import Actor, ActorDep, require_organization
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Limit, Page, page_of
from runtime.params import AreaQuery

router = APIRouter(tags=["micro-wishes"])

WishesDep = Annotated[Wishes, Depends(provided(Wishes))]


def _as_seen(wish: Wish, actor: Actor | None) -> WishOut:
    return shown(wish, knows_the_resident(wish, actor))


@router.post("/wishes", status_code=201, response_model=WishOut)
async def post_wish(body: WishCreate, wishes: WishesDep, actor: ActiveActor) -> WishOut:
    """A resident's micro-wish, posted by them or by a community worker on their behalf."""
    return _as_seen(await wishes.post(body, actor), actor)


@router.get("/wishes", response_model=Page[WishOut])
async def list_wishes(
    wishes: WishesDep,
    actor: ActorDep,
    status: WishStatus | None = None,
    area_code: AreaQuery = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """A resident's own wishes; an administrator's area; an organisation's claimed ones, or
    (`status=open`) the wish wall: open ones to claim, of an area's subtree if asked, the
    resident's name masked (王**)."""
    found = await wishes.page(actor, status=status, area_code=area_code, after=cursor, limit=limit)
    return page_of([_as_seen(w, actor) for w in found], limit)


@router.get("/wishes/{wish_id}", response_model=WishOut)
async def get_wish(wish_id: str, wishes: WishesDep, actor: ActorDep) -> WishOut:
    return _as_seen(await wishes.get(wish_id, actor), actor)


@router.post("/wishes/{wish_id}/claim", response_model=WishOut)
async def claim_wish(wish_id: str, body: WishClaimCreate, wishes: WishesDep, actor: ActiveActor) -> WishOut:
    """An organisation takes the wish on; 409 when someone else holds it."""
    return _as_seen(await wishes.claim(wish_id, body, actor), actor)


@router.post("/wishes/{wish_id}/release", response_model=WishOut)
async def release_wish(wish_id: str, wishes: WishesDep, actor: ActiveActor) -> WishOut:
    return _as_seen(await wishes.release(wish_id, actor), actor)


@router.post("/wishes/{wish_id}/proof", response_model=WishOut)
async def upload_proof(
    wish_id: str,
    wishes: WishesDep,
    actor: ActiveActor,
    photo: Annotated[UploadFile, File(description="JPEG, PNG or WebP")],
) -> WishOut:
    """The claimer's photo of the wish fulfilled; stored with its SHA-256, size and type."""
    return _as_seen(await wishes.complete(wish_id, await photo.read(wishes.max_proof_bytes + 1), actor), actor)


@router.get("/wishes/{wish_id}/proof")
async def get_proof(wish_id: str, wishes: WishesDep, actor: ActorDep) -> Response:
    photo = await wishes.proof(wish_id, actor)
    return Response(photo.content, media_type=photo.content_type)


@router.post("/wishes/{wish_id}/confirm", response_model=WishOut)
async def confirm_wish(wish_id: str, wishes: WishesDep, actor: ActiveActor) -> WishOut:
    """The resident or the community confirms; the thank-you letter is then ready."""
    return _as_seen(await wishes.confirm(wish_id, actor), actor)


@router.post("/wishes/{wish_id}/cancel", response_model=WishOut)
async def cancel_wish(wish_id: str, wishes: WishesDep, actor: ActiveActor) -> WishOut:
    return _as_seen(await wishes.cancel(wish_id, actor), actor)


@router.get("/wishes/{wish_id}/thank-you", response_class=HTMLResponse)
async def thank_you_letter(wish_id: str, wishes: WishesDep, actor: ActorDep) -> str:
    """The thank-you letter (感谢信) to the claimer's own Party organisation, as a page to print."""
    return letter.render(await wishes.thanks(wish_id, actor))


@router.get("/thank-you-letters", response_model=Page[WishOut])
async def list_thank_you_letters(
    wishes: WishesDep, actor: ActorDep, cursor: Cursor = None, limit: Limit = 50
) -> dict[str, object]:
    """The confirmed wishes the acting organisation fulfilled: each has its letter at
    `/wishes/{id}/thank-you`."""
    require_organization(actor)
    found = await wishes.page(actor, status=WishStatus.CONFIRMED, after=cursor, limit=limit)
    return page_of([_as_seen(w, actor) for w in found], limit)

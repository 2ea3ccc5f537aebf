"""The needs service's HTTP routes: needs and their claims, statistics, micro-wishes, activities."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import HTMLResponse, Response

from contract.schemas import ID_PATTERN, Moment
from contract.taxonomy import Category
from needs.activities import Activities, out
from needs.models import Claim, Need, NeedStatus, Wish, WishStatus
from needs.schemas import (
    ActivityCreate,
    ActivityOut,
    ClaimCreate,
    HistoryImport,
    NeedCreate,
    NeedEdit,
    NeedOut,
    SignUpCreate,
    WishClaimCreate,
    WishCreate,
    WishOut,
)
from needs.service import ClaimAction, NeedAction, Needs, may_see
from needs.view import NeedsView, in_area
from needs.wishes import Wishes
from runtime.actors import ActorDep, MaybeActor, require_organization
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Ids, Limit, Page, page_of
from runtime.params import AreaQuery, IdPath, IdQuery
from runtime.tallies import PLATFORM

router = APIRouter(tags=["needs"])
wishes_router = APIRouter(tags=["micro-wishes"])
activities_router = APIRouter(tags=["activities"])


NeedsDep = Annotated[Needs, Depends(provided(Needs))]
ViewDep = Annotated[NeedsView, Depends(provided(NeedsView))]
WishesDep = Annotated[Wishes, Depends(provided(Wishes))]
ActivitiesDep = Annotated[Activities, Depends(provided(Activities))]


@router.post("/needs", status_code=201, response_model=NeedOut)
async def post_need(body: NeedCreate, needs: NeedsDep, actor: ActiveActor) -> Need:
    """Posts a need of the acting organisation; `need.posted` follows on Kafka (none for a draft)."""
    return await needs.post(body, actor)


@router.get("/needs", response_model=Page[NeedOut])
async def list_needs(
    view: ViewDep,
    needs: NeedsDep,
    actor: MaybeActor,
    ids: Ids = None,
    organization_id: IdQuery = None,
    claimed_by: Annotated[str | None, Query(pattern=ID_PATTERN, description="an organisation")] = None,
    category: Category | None = None,
    area_code: AreaQuery = None,
    status: Annotated[list[NeedStatus] | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=50, description="part of the title")] = None,
    starts_from: Annotated[Moment | None, Query(description="starting at or after")] = None,
    starts_to: Annotated[Moment | None, Query(description="starting before")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """The needs the caller may see, in id order: of one organisation, claimed by one, of a
    category, area subtree, status, starting between two times, or with a title containing `q`;
    with `ids`, those of them only (one request for a page of proposals' needs, say), each shown
    or not as `GET /needs/{id}` would."""
    within = in_area(area_code) if area_code else None

    def starts_between(need: Need) -> bool:
        if starts_from is None and starts_to is None:
            return True
        return (
            need.starts_at is not None
            and (starts_from is None or need.starts_at >= starts_from)
            and (starts_to is None or need.starts_at < starts_to)
        )

    def keep(need: Need) -> bool:
        return (
            (organization_id is None or need.organization_id == organization_id)
            and (claimed_by is None or any(c.organization_id == claimed_by for c in need.claims))
            and (category is None or need.category is category)
            and (status is None or need.status in status)
            and (within is None or within(need))
            and (q is None or q in need.title)
            and starts_between(need)
            and may_see(need, actor)
        )

    if ids is not None:
        found = [n for n in await needs.get_many(ids) if keep(n) and (cursor is None or n.id > cursor)]
        return page_of(found[:limit], limit)
    among = view.among(posted_by=organization_id, claimed_by=claimed_by)
    return page_of(view.browse(keep, after=cursor, limit=limit, among=among), limit)


@router.post("/needs/history")
async def import_history(body: HistoryImport, needs: NeedsDep, actor: ActiveActor) -> dict[str, int]:
    """Needs fulfilled in the past, with their completed claims, up to 1,000 a request: an
    administrator of their area imports them so the statistics count the past. A need whose id
    is stored already is left as it is."""
    return await needs.import_history(body, actor)


@router.get("/needs/{need_id}", response_model=NeedOut)
async def get_need(need_id: str, needs: NeedsDep, actor: MaybeActor) -> Need:
    """One need with its claims."""
    return await needs.get(need_id, actor)


@router.patch("/needs/{need_id}", response_model=NeedOut)
async def edit_need(need_id: str, body: NeedEdit, needs: NeedsDep, actor: ActiveActor) -> Need:
    """Edits a need that is a draft, open or partly claimed (its posting organisation only)."""
    return await needs.edit(need_id, body, actor)


@router.post("/needs/{need_id}/claims", status_code=201, response_model=Claim)
async def claim_need(need_id: str, body: ClaimCreate, needs: NeedsDep, actor: ActiveActor) -> Claim:
    """Claims all or part of a need's quantity; 409 when less is left, or the need takes no claims."""
    return await needs.claim(need_id, body, actor)


@router.post("/needs/{need_id}/claims/{claim_id}/{action}", response_model=NeedOut)
async def act_on_claim(need_id: str, claim_id: str, action: ClaimAction, needs: NeedsDep, actor: ActiveActor) -> Need:
    """`start` (the claimer or the poster), `release` (the claimer), `complete` (the poster)."""
    return await needs.act_on_claim(need_id, claim_id, action, actor)


@router.post("/needs/{need_id}/{action}", response_model=NeedOut)
async def act_on_need(need_id: str, action: NeedAction, needs: NeedsDep, actor: ActiveActor) -> Need:
    """Moves a need on: `publish` a draft, `start` the work, `fulfil`, `confirm`, `cancel`.
    A move the lifecycle does not allow answers 409 with the current status and the allowed ones."""
    return await needs.act(need_id, action, actor)


@router.get("/stats/organizations")
async def responsive_organizations(
    view: ViewDep, area_code: AreaQuery = None, limit: Annotated[int, Query(ge=1, le=100)] = 10
) -> dict[str, object]:
    """The organisations most responsive to the needs of the area's subtree (or the platform):
    by claims completed, then claims made; with the median hours from posting to claim."""
    return {"items": view.responsive(area_code or PLATFORM, limit)}


@router.get("/stats")
async def statistics(view: ViewDep, area_code: AreaQuery = None) -> dict[str, object]:
    """Needs posted, claims fulfilled (person-times), needs fulfilled, open and overdue, for the
    whole platform or one node of the area hierarchy; by category and by month."""
    return {"area_code": area_code, **view.stats(area_code or PLATFORM)}


@wishes_router.post("/wishes", status_code=201, response_model=WishOut)
async def post_wish(body: WishCreate, wishes: WishesDep, actor: ActiveActor) -> Wish:
    """A resident's micro-wish, posted by them or by a community worker on their behalf."""
    return await wishes.post(body, actor)


@wishes_router.get("/wishes", response_model=Page[WishOut])
async def list_wishes(
    wishes: WishesDep, actor: ActorDep, status: WishStatus | None = None, cursor: Cursor = None, limit: Limit = 50
) -> dict[str, object]:
    """A resident's own wishes; an administrator's area; an organisation's claimed ones, or open ones to claim."""
    return page_of(await wishes.page(actor, status=status, after=cursor, limit=limit), limit)


@wishes_router.get("/wishes/{wish_id}", response_model=WishOut)
async def get_wish(wish_id: str, wishes: WishesDep, actor: ActorDep) -> Wish:
    return await wishes.get(wish_id, actor)


@wishes_router.post("/wishes/{wish_id}/claim", response_model=WishOut)
async def claim_wish(wish_id: str, body: WishClaimCreate, wishes: WishesDep, actor: ActiveActor) -> Wish:
    """An organisation takes the wish on; 409 when someone else holds it."""
    return await wishes.claim(wish_id, body, actor)


@wishes_router.post("/wishes/{wish_id}/release", response_model=WishOut)
async def release_wish(wish_id: str, wishes: WishesDep, actor: ActiveActor) -> Wish:
    return await wishes.release(wish_id, actor)


@wishes_router.post("/wishes/{wish_id}/proof", response_model=WishOut)
async def upload_proof(
    wish_id: str,
    wishes: WishesDep,
    actor: ActiveActor,
    photo: Annotated[UploadFile, File(description="JPEG, PNG or WebP")],
) -> Wish:
    """The claimer's photo of the wish fulfilled; stored with its SHA-256, size and type."""
    return await wishes.complete(wish_id, await photo.read(wishes.max_proof_bytes + 1), actor)


@wishes_router.get("/wishes/{wish_id}/proof")
async def get_proof(wish_id: str, wishes: WishesDep, actor: ActorDep) -> Response:
    photo = await wishes.proof(wish_id, actor)
    return Response(photo.content, media_type=photo.content_type)


@wishes_router.post("/wishes/{wish_id}/confirm", response_model=WishOut)
async def confirm_wish(wish_id: str, wishes: WishesDep, actor: ActiveActor) -> Wish:
    """The resident or the community confirms; the thank-you letter is then ready."""
    return await wishes.confirm(wish_id, actor)


@wishes_router.post("/wishes/{wish_id}/cancel", response_model=WishOut)
async def cancel_wish(wish_id: str, wishes: WishesDep, actor: ActiveActor) -> Wish:
    return await wishes.cancel(wish_id, actor)


@wishes_router.get("/wishes/{wish_id}/thank-you", response_class=HTMLResponse)
async def thank_you_letter(wish_id: str, wishes: WishesDep, actor: ActorDep) -> str:
    """The thank-you letter (感谢信) to the claimer's own Party organisation, as a page to print."""
    return await wishes.thank_you_letter(wish_id, actor)


@wishes_router.get("/thank-you-letters", response_model=Page[WishOut])
async def list_thank_you_letters(
    wishes: WishesDep, actor: ActorDep, cursor: Cursor = None, limit: Limit = 50
) -> dict[str, object]:
    """The confirmed wishes the acting organisation fulfilled: each has its letter at
    `/wishes/{id}/thank-you`."""
    require_organization(actor)
    return page_of(await wishes.page(actor, status=WishStatus.CONFIRMED, after=cursor, limit=limit), limit)


@activities_router.post("/activities", status_code=201, response_model=ActivityOut)
async def post_activity(body: ActivityCreate, activities: ActivitiesDep, actor: ActiveActor) -> ActivityOut:
    """Posts an activity of the acting organisation, with its places; `activity.posted` follows."""
    return out(await activities.post(body, actor), actor)


@activities_router.get("/activities", response_model=Page[ActivityOut])
async def list_activities(
    activities: ActivitiesDep,
    actor: MaybeActor,
    area_code: AreaQuery = None,
    organization_id: IdQuery = None,
    mine: Annotated[bool, Query(description="the acting resident's sign-ups, or the organisation's own")] = False,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """Open activities still to come, in id order: of an area subtree or one organisation."""
    found = activities.page(
        actor, area_code=area_code, organization_id=organization_id, mine=mine, after=cursor, limit=limit
    )
    return page_of([out(a, actor) for a in found], limit)


@activities_router.get("/activities/{activity_id}", response_model=ActivityOut)
async def get_activity(activity_id: IdPath, activities: ActivitiesDep, actor: MaybeActor) -> ActivityOut:
    return out(await activities.get(activity_id), actor)


@activities_router.post("/activities/{activity_id}/signups", status_code=201, response_model=ActivityOut)
async def sign_up(
    activity_id: IdPath, body: SignUpCreate, activities: ActivitiesDep, actor: ActiveActor
) -> ActivityOut:
    """The acting resident signs up; 409 when it is full, closed, called off or they hold a place already."""
    return out(await activities.sign_up(activity_id, body, actor), actor)


@activities_router.post("/activities/{activity_id}/withdraw", response_model=ActivityOut)
async def withdraw(activity_id: IdPath, activities: ActivitiesDep, actor: ActiveActor) -> ActivityOut:
    """The acting resident gives their place back, before the activity starts."""
    return out(await activities.withdraw(activity_id, actor), actor)


@activities_router.post("/activities/{activity_id}/cancel", response_model=ActivityOut)
async def cancel_activity(activity_id: IdPath, activities: ActivitiesDep, actor: ActiveActor) -> ActivityOut:
    """The organisation calls its activity off."""
    return out(await activities.cancel(activity_id, actor), actor)

"""The activity routes: posting, listing, signing up and withdrawing, calling off."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from contract.bodies.needs import ActivityCreate, SignUpCreate
from needs.activities.models import Activity
from needs.activities.schemas import ActivityOut, SignUpOut
from needs.activities.service import Activities, resident_of
from runtime.actors import Actor, MaybeActor
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Limit, Page, page_of
from runtime.params import AreaQuery, IdPath, IdQuery

router = APIRouter(tags=["activities"])

ActivitiesDep = Annotated[Activities, Depends(provided(Activities))]


@router.post("/activities", status_code=201, response_model=ActivityOut)
async def post_activity(body: ActivityCreate, activities: ActivitiesDep, actor: ActiveActor) -> ActivityOut:
    """Posts an activity of the acting organisation, with its places; `activity.posted` follows."""
    return out(await activities.post(body, actor), actor)


@router.get("/activities", response_model=Page[ActivityOut])
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


@router.get("/activities/{activity_id}", response_model=ActivityOut)
async def get_activity(activity_id: IdPath, activities: ActivitiesDep, actor: MaybeActor) -> ActivityOut:
    return out(await activities.get(activity_id), actor)


@router.post("/activities/{activity_id}/signups", status_code=201, response_model=ActivityOut)
async def sign_up(
    activity_id: IdPath, body: SignUpCreate, activities: ActivitiesDep, actor: ActiveActor
) -> ActivityOut:
    """The acting resident signs up; 409 when it is full, closed, called off or they hold a place already."""
    return out(await activities.sign_up(activity_id, body, actor), actor)


@router.post("/activities/{activity_id}/withdraw", response_model=ActivityOut)
async def withdraw(activity_id: IdPath, activities: ActivitiesDep, actor: ActiveActor) -> ActivityOut:
    """The acting resident gives their place back, before the activity starts."""
    return out(await activities.withdraw(activity_id, actor), actor)


@router.post("/activities/{activity_id}/cancel", response_model=ActivityOut)
async def cancel_activity(activity_id: IdPath, activities: ActivitiesDep, actor: ActiveActor) -> ActivityOut:
    """The organisation calls its activity off."""
    return out(await activities.cancel(activity_id, actor), actor)


def out(activity: Activity, actor: Actor | None) -> ActivityOut:
    """The activity as `actor` sees it: whether they hold a place; who signed up, for its organiser."""
    resident = resident_of(actor)
    organiser = actor is not None and actor.is_organization(activity.organization_id)
    live = [s for s in activity.signups if s.withdrawn_at is None]
    return ActivityOut(
        **activity.model_dump(exclude={"signups"}),
        taken=activity.taken,
        remaining=activity.places - activity.taken,
        signed_up=resident is not None and activity.signup_of(resident) is not None,
        signups=[SignUpOut(**s.model_dump()) for s in live] if organiser else None,
    )

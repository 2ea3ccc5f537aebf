"""Activities (活动): an organisation holds one with a number of places, residents sign up for
them until it starts (or its sign-up deadline) and may give their place back until it starts;
the organisation may call it off. Places never add up to more than there are, also under
concurrent sign-ups: each is one conditional write of the activity. Lists are read from the
activities in memory (`ActivitiesView`), each looking only at the organisation's or the
resident's own where it is theirs that are asked for."""

from __future__ import annotations

from collections.abc import Callable, Collection

from contract.areas import covers
from contract.bodies.needs import ActivityCreate, SignUpCreate
from contract.errors import Forbidden, NotFound
from contract.events import Envelope, data_of
from contract.events.needs import (
    ActivityCancelled,
    ActivityData,
    ActivityJoined,
    ActivityPosted,
    ActivityStatus,
    ActivityWithdrawn,
)
from contract.ids import new_id
from needs.activities.models import Activity, SignUp
from needs.activities.repository import ActivityRepository
from needs.activities.view import ActivitiesView
from needs.common import SOURCE, now
from runtime.actors import Actor, ActorKind, acting_as, require_resident
from runtime.known_organizations import OrganizationLookup


class Activities:
    """The use cases, given where activities are kept (which keeps the read model current), what
    the service knows of organisations, and the read model to answer from."""

    def __init__(self, repo: ActivityRepository, organizations: OrganizationLookup, view: ActivitiesView) -> None:
        self.repo = repo
        self.organizations = organizations
        self.view = view

    async def post(self, cmd: ActivityCreate, actor: Actor) -> Activity:
        """An organisation posts an activity of its own."""
        organization_id = acting_as(actor, cmd.organization_id, "an organisation posts its own activities")
        await self.organizations.require_active(organization_id)
        fields = cmd.model_dump(exclude={"organization_id", "sign_up_until"})
        activity = Activity(
            id=new_id(), organization_id=organization_id, sign_up_until=cmd.sign_up_until or cmd.starts_at, **fields
        )
        await self.repo.add(activity, [_event(ActivityPosted, activity)])
        return activity

    async def get(self, activity_id: str) -> Activity:
        activity = await self.repo.get(activity_id)
        if activity is None:
            raise NotFound(f"no activity {activity_id!r}")
        return activity

    def page(
        self,
        actor: Actor | None,
        *,
        area_code: str | None,
        organization_id: str | None,
        mine: bool,
        after: str | None,
        limit: int,
    ) -> list[Activity]:
        """Open activities still to come (of an area subtree, of one organisation); with `mine`,
        those the acting resident holds a place at, or the acting organisation's own, past ones too."""
        resident = resident_of(actor) if mine else None
        among: Collection[str] | None = None
        if resident is not None:
            among = self.view.joined_by(resident)
        elif mine and actor is not None and actor.kind is ActorKind.ORGANIZATION and actor.organization_id:
            among = self.view.held_by(actor.organization_id)
        elif mine:
            raise Forbidden("`mine` is for a resident or an organisation")
        elif organization_id:
            among = self.view.held_by(organization_id)
        moment = now()

        def keep(a: Activity) -> bool:
            if resident is not None:
                return a.signup_of(resident) is not None
            if mine:
                return True
            return (
                a.status is ActivityStatus.OPEN
                and a.starts_at > moment
                and (area_code is None or covers(area_code, a.area_code))
            )

        return self.view.browse(keep, after=after, limit=limit, among=among)

    async def sign_up(self, activity_id: str, cmd: SignUpCreate, actor: Actor) -> Activity:
        """The acting resident takes `people` places; 409 when it is full, closed or called off."""
        resident_id = require_resident(actor, "residents sign up for activities")
        signup = SignUp(resident_id=resident_id, name=cmd.name, people=cmd.people)

        def decide(activity: Activity) -> list[Envelope]:
            activity.sign_up(signup, now())
            return [_event(ActivityJoined, activity, resident_id=resident_id)]

        return await self._change(activity_id, decide)

    async def withdraw(self, activity_id: str, actor: Actor) -> Activity:
        """The acting resident gives their place back, before the activity starts."""
        resident_id = require_resident(actor, "a resident withdraws their own sign-up")

        def decide(activity: Activity) -> list[Envelope]:
            activity.withdraw(resident_id, now())
            return [_event(ActivityWithdrawn, activity, resident_id=resident_id)]

        return await self._change(activity_id, decide)

    async def cancel(self, activity_id: str, actor: Actor) -> Activity:
        """The organisation calls its activity off; calling it off again changes nothing."""

        def decide(activity: Activity) -> list[Envelope]:
            if not actor.is_organization(activity.organization_id):
                raise Forbidden("only the organisation holding the activity calls it off")
            if activity.status is ActivityStatus.CANCELLED:
                return []
            activity.status = ActivityStatus.CANCELLED
            return [_event(ActivityCancelled, activity)]

        return await self._change(activity_id, decide)

    async def _change(self, activity_id: str, decide: Callable[[Activity], list[Envelope]]) -> Activity:
        activity, _ = await self.repo.change(activity_id, decide, cached=self.view.activities.get(activity_id))
        return activity


def resident_of(actor: Actor | None) -> str | None:
    """The resident acting, if a resident is."""
    return actor.resident_id if actor is not None and actor.kind is ActorKind.RESIDENT else None


def _event(event: type[Envelope], activity: Activity, resident_id: str | None = None) -> Envelope:
    data = data_of(ActivityData, activity, activity_id=activity.id, taken=activity.taken, resident_id=resident_id)
    return event(source=SOURCE, subject=activity.id, data=data)  # type: ignore[call-arg]  # each activity event has `data`

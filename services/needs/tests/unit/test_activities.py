"""The activities' read model: a resident's and an organisation's lists look at their own only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from contract.events.needs import ActivityStatus
from contract.taxonomy import Category
from needs.activities.models import Activity, SignUp
from needs.activities.service import Activities
from needs.activities.view import ActivitiesView
from runtime.actors import Actor, ActorKind

HOST, OTHER, RESIDENT = "a" * 32, "b" * 32, "r" * 32
SOON = datetime.now(UTC) + timedelta(days=3)


def activity(number: int, organization_id: str = OTHER, **fields: Any) -> Activity:
    return Activity(
        id=f"{number:032x}",
        organization_id=organization_id,
        title="义诊",
        category=Category.MEDICAL,
        area_code="350102001001",
        starts_at=SOON,
        ends_at=SOON + timedelta(hours=2),
        sign_up_until=SOON,
        places=10,
        **fields,
    )


class Counted(dict[str, Activity]):
    """The view's activities, counting how many are looked at."""

    looked_at = 0

    def __getitem__(self, key: str) -> Activity:
        self.looked_at += 1
        return super().__getitem__(key)


def listed(view: ActivitiesView, actor: Actor | None, **asked: Any) -> tuple[list[int], int]:
    """The activities `page` lists, by number, and how many it looked at."""
    view.activities = counted = Counted(view.activities)
    found = Activities(repo=None, organizations=None, view=view).page(  # type: ignore[arg-type]
        actor,
        area_code=None,
        organization_id=asked.get("organization_id"),
        mine=asked.get("mine", False),
        after=None,
        limit=50,
    )
    return [int(a.id, 16) for a in found], counted.looked_at


def test_lists_look_at_their_own_activities_not_the_citys() -> None:
    view = ActivitiesView()
    for n in range(100):
        view.put(activity(n))
    joined = SignUp(resident_id=RESIDENT, name="张三", people=1)
    view.put(activity(7, signups=[joined], version=2))
    left = joined.model_copy(update={"withdrawn_at": SOON - timedelta(days=1)})
    view.put(activity(9, signups=[left], version=2))
    view.put(activity(200, HOST))
    view.put(activity(201, HOST, status=ActivityStatus.CANCELLED))
    view.put(activity(7, version=1))  # late, older: ignored

    resident = Actor(kind=ActorKind.RESIDENT, resident_id=RESIDENT, area_code="350102001001")
    host = Actor(kind=ActorKind.ORGANIZATION, organization_id=HOST)
    assert listed(view, resident, mine=True) == ([7], 2)  # the one withdrawn from is looked at, not listed
    assert listed(view, host, mine=True) == ([200, 201], 2)  # its own, called off too
    assert listed(view, None, organization_id=HOST) == ([200], 2)  # open ones to come, for everyone
    assert listed(view, None)[0] == list(range(50))

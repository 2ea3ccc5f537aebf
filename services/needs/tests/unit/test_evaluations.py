"""Ratings (评价) on fakes of their ports: one waits for each help done, its receiver gives it
once within the window, the organisation rated answers once, an administrator hides a comment
but not the stars, and what is rated is announced for matching."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contract.bodies.needs import ClaimCreate, EvaluationAnswer, EvaluationCreate, EvaluationHide
from contract.errors import Conflict, Forbidden, NotFound
from contract.events.needs import ClaimCompleted, RatedKind, WishConfirmed, WishData, WishStatus
from contract.events.resources import BookingCancelled, BookingConfirmed, BookingData, BookingStatus
from needs.common import SOURCE
from needs.evaluations.models import EvaluationStatus
from needs.evaluations.service import Evaluations, evaluation_id
from needs.needs.service import Needs
from needs.needs.view import NeedsView
from needs.wishes.models import Wish, WishClaim
from runtime.actors import Actor, ActorKind

from .fakes import AREA, HELPER, POSTER, FakeEvaluations, FakeKnownOrganizations, FakeNeeds, FakeRepository, org
from .test_service import _cmd

RESIDENT = Actor(kind=ActorKind.RESIDENT, resident_id="9" * 32, area_code=AREA)
WORKER = Actor(kind=ActorKind.AREA_ADMIN, area_code=AREA)


@pytest.fixture
def ratings() -> FakeEvaluations:
    return FakeEvaluations()


@pytest.fixture
def wishes() -> FakeRepository[Wish]:
    return FakeRepository()


@pytest.fixture
def evaluations(
    ratings: FakeEvaluations,
    view: NeedsView,
    wishes: FakeRepository[Wish],
    organizations: FakeKnownOrganizations,
) -> Evaluations:
    return Evaluations(ratings, view, wishes, organizations, timedelta(days=14))


async def completed(needs: Needs, repo: FakeNeeds, evaluations: Evaluations) -> str:
    """A claim of HELPER on a need of POSTER, completed, as the consumer would be told of it: the
    id of the rating that waits for it."""
    need = await needs.post(_cmd(), org(POSTER))
    claim = await needs.claim(need.id, ClaimCreate(quantity=1), org(HELPER))
    await needs.act_on_claim(need.id, claim.id, "complete", org(POSTER))
    event = next(e for e in repo.events if isinstance(e, ClaimCompleted))
    await evaluations.on_claims_completed([event, event])  # told twice in a run,
    await evaluations.on_claims_completed([event])  # and again: one rating still
    return evaluation_id(RatedKind.CLAIM, claim.id)


async def test_the_poster_rates_a_completed_claim_once_and_matching_is_told(
    needs: Needs, repo: FakeNeeds, evaluations: Evaluations, ratings: FakeEvaluations
) -> None:
    rating = await completed(needs, repo, evaluations)
    assert [e.id for e in await evaluations.waiting_for(org(POSTER), limit=10)] == [rating]
    assert await evaluations.waiting_for(org(HELPER), limit=10) == []
    assert (await evaluations.get(rating, org(POSTER))).title == "急救培训"

    with pytest.raises(Forbidden):
        await evaluations.give(rating, EvaluationCreate(stars=1), org(HELPER))  # not one's own help
    with pytest.raises(NotFound):
        await evaluations.get(rating, None)  # waiting: not public yet
    given = await evaluations.give(rating, EvaluationCreate(stars=4, comment="准时", tags=["on_time"]), org(POSTER))
    assert (given.status, given.stars) == (EvaluationStatus.GIVEN, 4)
    with pytest.raises(Conflict):
        await evaluations.give(rating, EvaluationCreate(stars=5), org(POSTER))
    assert [(e.type, e.data.stars) for e in ratings.events] == [("evaluation.given", 4)]  # type: ignore[attr-defined]
    assert await evaluations.waiting_for(org(POSTER), limit=10) == []
    assert (await evaluations.summary(HELPER))["average"] == 4.0
    assert [e.comment for e in await evaluations.recent(HELPER, limit=5)] == ["准时"]


async def test_after_the_window_a_rating_is_refused_and_history_makes_none(
    needs: Needs, repo: FakeNeeds, evaluations: Evaluations, ratings: FakeEvaluations
) -> None:
    rating = await completed(needs, repo, evaluations)
    ratings.saved[rating].closes_at = datetime.now(UTC) - timedelta(seconds=1)
    with pytest.raises(Conflict, match="passed"):
        await evaluations.give(rating, EvaluationCreate(stars=5), org(POSTER))

    old = next(e for e in repo.events if isinstance(e, ClaimCompleted))
    data = old.data.model_copy(update={"claim_id": "7" * 32})
    past = old.model_copy(update={"time": datetime.now(UTC) - timedelta(days=30), "data": data})
    await evaluations.on_claims_completed([past])
    assert evaluation_id(RatedKind.CLAIM, "7" * 32) not in ratings.saved


async def test_the_rated_organisation_answers_once_and_an_administrator_hides_a_comment_not_its_stars(
    needs: Needs, repo: FakeNeeds, evaluations: Evaluations
) -> None:
    rating = await completed(needs, repo, evaluations)
    with pytest.raises(Conflict):
        await evaluations.answer(rating, EvaluationAnswer(text="谢谢"), org(HELPER))  # nothing to answer yet
    await evaluations.give(rating, EvaluationCreate(stars=1, comment="骂人的话"), org(POSTER))
    with pytest.raises(Forbidden):
        await evaluations.answer(rating, EvaluationAnswer(text="?"), org(POSTER))
    answered = await evaluations.answer(rating, EvaluationAnswer(text="抱歉,我们会改进"), org(HELPER))
    assert answered.answer == "抱歉,我们会改进"
    with pytest.raises(Conflict):
        await evaluations.answer(rating, EvaluationAnswer(text="再说一次"), org(HELPER))

    with pytest.raises(Forbidden):
        await evaluations.hide(rating, EvaluationHide(reason="辱骂"), org(HELPER))
    elsewhere = Actor(kind=ActorKind.AREA_ADMIN, area_code="350103")
    with pytest.raises(Forbidden):
        await evaluations.hide(rating, EvaluationHide(reason="辱骂"), elsewhere)
    hidden = await evaluations.hide(rating, EvaluationHide(reason="辱骂"), WORKER)
    assert hidden.hidden is not None and hidden.hidden.by == AREA and hidden.stars == 1
    assert (await evaluations.summary(HELPER))["count"] == 1  # the stars still count


async def test_a_wish_posted_by_a_worker_is_rated_by_the_resident_or_the_worker(
    evaluations: Evaluations, wishes: FakeRepository[Wish]
) -> None:
    wish = Wish(
        id="8" * 32,
        resident_id=RESIDENT.resident_id or "",
        resident_name="王阿姨",
        area_code=AREA,
        title="想要一台收音机",
        category="elderly_care",
        posted_by=AREA,
        status=WishStatus.CONFIRMED,
        claim=WishClaim(organization_id=HELPER),
        claimer_organization_id=HELPER,
    )
    await wishes.add(wish, [])
    data = WishData(
        wish_id=wish.id, area_code=AREA, status=WishStatus.CONFIRMED, claimer_organization_id=HELPER, version=3
    )
    await evaluations.on_wish_confirmed(WishConfirmed(source=SOURCE, subject=wish.id, data=data))
    rating = evaluation_id(RatedKind.WISH, wish.id)
    assert [e.id for e in await evaluations.waiting_for(RESIDENT, limit=5)] == [rating]
    assert [e.id for e in await evaluations.waiting_for(WORKER, limit=5)] == [rating]
    with pytest.raises(NotFound):  # a stranger does not see a rating that waits
        await evaluations.give(rating, EvaluationCreate(stars=5), org(POSTER))
    with pytest.raises(Forbidden):  # the organisation that helped sees it, but does not rate itself
        await evaluations.give(rating, EvaluationCreate(stars=5), org(HELPER))
    assert (await evaluations.give(rating, EvaluationCreate(stars=5), WORKER)).stars == 5


async def test_a_booking_is_rated_once_it_has_ended_and_not_once_cancelled(
    evaluations: Evaluations, ratings: FakeEvaluations
) -> None:
    start = datetime.now(UTC) + timedelta(hours=1)
    data = BookingData(
        booking_id="6" * 32,
        venue_id="5" * 32,
        venue_organization_id=HELPER,
        organization_id=POSTER,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        status=BookingStatus.CONFIRMED,
    )
    long_ago = data.model_copy(
        update={
            "booking_id": "7" * 32,
            "starts_at": start - timedelta(days=400),
            "ends_at": start - timedelta(days=399),
        }
    )
    run = [BookingConfirmed(source="resources", subject=b.booking_id, data=b) for b in (data, long_ago)]
    await evaluations.on_bookings_confirmed(run)
    await evaluations.on_bookings_confirmed(run)  # told twice: the same rating, and none for one long past
    rating = evaluation_id(RatedKind.BOOKING, data.booking_id)
    assert list(ratings.saved) == [rating]
    with pytest.raises(Conflict, match="not ended"):
        await evaluations.give(rating, EvaluationCreate(stars=5), org(POSTER))
    assert await evaluations.waiting_for(org(POSTER), limit=5) == []  # not to rate before it ends
    cancelled = data.model_copy(update={"status": BookingStatus.CANCELLED})
    await evaluations.on_booking_cancelled(
        BookingCancelled(source="resources", subject=data.booking_id, data=cancelled)
    )
    assert (await evaluations.get(rating, org(POSTER))).status is EvaluationStatus.VOID
    assert await evaluations.waiting_for(org(POSTER), limit=5) == []

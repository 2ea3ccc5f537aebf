"""Co-building agreements on fakes of their ports: who proposes and signs, what a commitment may
be (a venue of the committing party's only), the occurrences a commitment falls due on, each
done, due, missed or to come, and what the parties record."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from cobuilding.agreements.models import Booked, Commitment, Fulfilment, occurrences
from cobuilding.agreements.service import Agreements
from cobuilding.clock import CST, Clock
from contract.bodies.cobuilding import AgreementCreate, FulfilmentCreate
from contract.commitments import periods
from contract.errors import Conflict, Forbidden, InvalidReference, NotFound, Unprocessable
from contract.events.cobuilding import AgreementStatus, Repeat
from runtime.actors import Actor, ActorKind

from .fakes import AREA, RESCUE, SCHOOL, SUSPENDED, UNION, FakeAgreements, FakeBooked, FakeOrganizations, FakeVenues

HALL = FakeVenues.UNION_HALL
MEETING_ROOM = {  # the union's room for the rescue team's Party group, every month on the 7th, 19:00–21:00
    "by_organization_id": UNION,
    "for_organization_id": RESCUE,
    "what": "每月7日19:00-21:00提供会议室开展党小组活动",
    "repeat": "monthly",
    "day": 7,
    "starts": "19:00",
    "ends": "21:00",
    "venue_id": HALL,
}
TRAININGS = {"by_organization_id": RESCUE, "what": "每年4次应急救护培训", "repeat": "times_a_year", "times_a_year": 4}


def org(organization_id: str) -> Actor:
    return Actor(kind=ActorKind.ORGANIZATION, organization_id=organization_id, area_code=AREA)


def make() -> tuple[Agreements, FakeAgreements, FakeBooked, Clock]:
    repo, booked, clock = FakeAgreements(), FakeBooked(), Clock()
    return Agreements(repo, booked, FakeVenues(), FakeOrganizations(), clock), repo, booked, clock


def proposal(**fields: Any) -> AgreementCreate:
    body = {
        "title": "总工会机关党支部与救援队党支部结对共建",
        "parties": [UNION, RESCUE],
        "starts_on": "2027-01-01",
        "ends_on": "2027-11-30",  # a venue is booked a year ahead at most
        "commitments": [MEETING_ROOM, TRAININGS],
    }
    return AgreementCreate.model_validate(body | fields)


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"parties": [UNION]}, "parties"),  # an agreement of one party
        ({"parties": [UNION, UNION]}, "each organisation once"),
        ({"ends_on": "2026-12-31"}, "ends_on"),
        ({"ends_on": "2031-01-01"}, "three years"),
        ({"commitments": [MEETING_ROOM | {"by_organization_id": SCHOOL}]}, "not a party"),
        ({"commitments": [MEETING_ROOM | {"for_organization_id": UNION}]}, "another party"),
        ({"commitments": [MEETING_ROOM | {"day": None}]}, "needs day"),
        ({"commitments": [MEETING_ROOM | {"starts": "19:15"}]}, "half hour"),
        ({"commitments": [MEETING_ROOM | {"ends": "18:00"}]}, "ends after starts"),
        ({"commitments": [MEETING_ROOM | {"for_organization_id": None}]}, "for_organization_id"),
        ({"commitments": [TRAININGS | {"venue_id": HALL, "starts": "19:00", "ends": "21:00"}]}, "monthly or weekly"),
    ],
)
def test_a_proposal_that_makes_no_agreement_is_refused_naming_why(fields: dict[str, Any], named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        proposal(**fields)


async def test_the_proposer_signs_and_the_last_signature_puts_it_in_force() -> None:
    agreements, repo, _, _ = make()
    made = await agreements.propose(proposal(), org(UNION))
    assert (made.status, made.signed_by, made.area_code) == (AgreementStatus.PROPOSED, [UNION], AREA)
    with pytest.raises(Forbidden):
        await agreements.sign(made.id, org(SCHOOL))
    signed = await agreements.sign(made.id, org(RESCUE))
    assert (signed.status, set(signed.signed_by)) == (AgreementStatus.SIGNED, {UNION, RESCUE})
    with pytest.raises(Conflict):
        await agreements.sign(made.id, org(RESCUE))
    assert repo.types() == ["agreement.proposed", "agreement.signed"]
    ended = await agreements.end(made.id, org(RESCUE))
    assert ended.status is AgreementStatus.ENDED
    assert repo.types()[-1] == "agreement.ended"


async def test_three_parties_are_in_force_only_once_all_three_signed() -> None:
    agreements, repo, _, _ = make()
    made = await agreements.propose(proposal(parties=[UNION, RESCUE, SCHOOL]), org(RESCUE))
    assert (await agreements.sign(made.id, org(UNION))).status is AgreementStatus.PROPOSED
    assert (await agreements.sign(made.id, org(SCHOOL))).status is AgreementStatus.SIGNED
    assert repo.types() == ["agreement.proposed", "agreement.signed"]


@pytest.mark.parametrize(
    ("fields", "actor", "refusal"),
    [
        ({}, org(SCHOOL), Forbidden),  # proposing for others
        ({"parties": [UNION, SUSPENDED], "commitments": []}, org(UNION), Forbidden),
        ({"parties": [UNION, "9" * 32], "commitments": []}, org(UNION), InvalidReference),
        ({"commitments": [MEETING_ROOM | {"venue_id": "c" * 32}]}, org(UNION), Unprocessable),  # no such venue
        ({"commitments": [MEETING_ROOM | {"venue_id": FakeVenues.RESCUE_KIT}]}, org(UNION), Unprocessable),
        (  # a venue neither party owns: the union commits a venue that is not its own
            {"parties": [RESCUE, SCHOOL], "commitments": [MEETING_ROOM | {"by_organization_id": SCHOOL}]},
            org(RESCUE),
            Unprocessable,
        ),
        ({}, Actor(kind=ActorKind.AREA_ADMIN, area_code=AREA), Forbidden),
    ],
)
async def test_who_may_propose_what(fields: dict[str, Any], actor: Actor, refusal: type[Exception]) -> None:
    agreements, repo, _, _ = make()
    with pytest.raises(refusal):
        await agreements.propose(proposal(**fields), actor)
    assert repo.saved == {}


def test_a_commitment_falls_due_monthly_weekly_or_n_times_a_year_over_the_term() -> None:
    monthly = Commitment(commitment_id="m", **MEETING_ROOM | {"repeat": Repeat.MONTHLY, "day": 31})
    days = [first for first, _ in periods(monthly, date(2027, 1, 1), date(2027, 6, 30))]
    assert days == [date(2027, 1, 31), date(2027, 3, 31), date(2027, 5, 31)]  # months without a 31st skipped
    weekly = Commitment(commitment_id="w", by_organization_id=UNION, what="x", repeat=Repeat.WEEKLY, weekday=2)
    assert [d for d, _ in periods(weekly, date(2027, 1, 1), date(2027, 1, 20))] == [
        date(2027, 1, 6),
        date(2027, 1, 13),
        date(2027, 1, 20),
    ]
    quarterly = Commitment(commitment_id="q", **TRAININGS)
    assert list(periods(quarterly, date(2027, 1, 1), date(2027, 12, 31))) == [
        (date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2027, 6, 30)),
        (date(2027, 7, 1), date(2027, 9, 30)),
        (date(2027, 10, 1), date(2027, 12, 31)),
    ]


def test_each_occurrence_is_done_due_missed_or_to_come() -> None:
    room = Commitment(commitment_id="m", **MEETING_ROOM)
    at = lambda day: datetime.combine(day, time(19), CST)  # noqa: E731
    booked = [
        Booked(
            booking_id="1",
            commitment_id="m",
            starts_at=at(date(2027, 1, 7)),
            ends_at=at(date(2027, 1, 7)),
            status="confirmed",
        ),
        Booked(
            booking_id="2",
            commitment_id="m",
            starts_at=at(date(2027, 2, 7)),
            ends_at=at(date(2027, 2, 7)),
            status="cancelled",
        ),
        Booked(
            booking_id="4",
            commitment_id="m",
            starts_at=at(date(2027, 4, 7)),
            ends_at=at(date(2027, 4, 7)),
            status="confirmed",
        ),
    ]
    now = datetime(2027, 4, 7, 12, tzinfo=CST)
    states = [o.state for o in occurrences(room, date(2027, 1, 1), date(2027, 6, 30), booked, now)]
    # January held; February cancelled; March never booked (its slot was someone else's); April today; then to come
    assert states == ["done", "missed", "missed", "due", "upcoming", "upcoming"]

    trainings = Commitment(commitment_id="q", **TRAININGS)
    trainings.fulfilments.append(Fulfilment(on=date(2027, 2, 10), by=RESCUE, at=now))
    states = [o.state for o in occurrences(trainings, date(2027, 1, 1), date(2027, 12, 31), [], now)]
    assert states == ["done", "due", "upcoming", "upcoming"]


async def test_the_parties_record_commitments_kept_within_the_term() -> None:
    agreements, _, _, clock = make()
    clock.offset = datetime(2027, 3, 1, tzinfo=UTC) - datetime.now(UTC)
    made = await agreements.propose(proposal(), org(UNION))
    room, trainings = (c.commitment_id for c in made.commitments)
    kept = FulfilmentCreate(on=date(2027, 2, 10), note="20人参加")
    with pytest.raises(Conflict):  # not in force yet
        await agreements.record(made.id, trainings, kept, org(RESCUE))
    await agreements.sign(made.id, org(RESCUE))
    with pytest.raises(Forbidden):
        await agreements.record(made.id, trainings, kept, org(SCHOOL))
    with pytest.raises(Unprocessable, match="bookings"):
        await agreements.record(made.id, room, kept, org(UNION))
    with pytest.raises(Unprocessable, match="on"):  # tomorrow has not come
        await agreements.record(made.id, trainings, FulfilmentCreate(on=date(2027, 3, 2)), org(RESCUE))
    with pytest.raises(NotFound):
        await agreements.record(made.id, "0" * 32, kept, org(RESCUE))
    recorded = await agreements.record(made.id, trainings, kept, org(RESCUE))
    [view] = await agreements.views([recorded])
    assert view.commitments[1].tally == {"done": 1, "due": 0, "missed": 0, "upcoming": 3}
    assert view.commitments[0].tally["missed"] == 2  # January and February passed with no booking heard of


async def test_a_booking_of_a_commitment_is_kept_and_others_are_not() -> None:
    agreements, _, booked, _ = make()
    made = await agreements.propose(proposal(), org(UNION))
    room = made.commitments[0].commitment_id
    from contract.events.resources import BookingConfirmed, BookingData

    def event(series_id: str | None) -> BookingConfirmed:
        start = datetime(2027, 1, 7, 11, tzinfo=UTC)
        data = BookingData(
            booking_id="5" * 32,
            venue_id=HALL,
            venue_organization_id=UNION,
            organization_id=RESCUE,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            status="confirmed",
            series_id=series_id,
        )
        return BookingConfirmed(source="test", subject=data.booking_id, data=data)

    await agreements.on_booking(event("6" * 32))  # a series of no commitment
    assert booked.kept == {}
    await agreements.on_booking(event(room))
    assert [b.commitment_id for b in booked.kept.values()] == [room]


async def test_a_venue_is_committed_a_year_ahead_at_most() -> None:
    agreements, repo, _, clock = make()
    clock.offset = datetime(2027, 1, 1, tzinfo=UTC) - datetime.now(UTC)
    with pytest.raises(Unprocessable, match="a year ahead"):
        await agreements.propose(proposal(ends_on="2028-01-02"), org(UNION))
    assert repo.saved == {}
    await agreements.propose(proposal(ends_on="2027-12-31", commitments=[TRAININGS]), org(UNION))  # no venue: any term

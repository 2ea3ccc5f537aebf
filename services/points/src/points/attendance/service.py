"""Checking in and out with an organiser's code, and the organisers' side: the code to show,
the attendance list, corrections.

The service learns activities from the needs service's activity events and claims from its
claim events (a claim's work done on site is checked into by the claimer's members). A scan
is refused, saying why, when the code is forged (`forged`), too old (`expired`: only the
current minute's and the one before it are good), used again or the wrong way (`replayed`:
checked in already, or a check-in code used to check out), or when the activity is called off
or not running (`cancelled`, `not_running`). Every change of an attendance is one write of its
document with its `checkin.recorded` event (the outbox)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from contract.bodies.points import AttendanceCorrection, CheckinScan
from contract.errors import Conflict, Forbidden, NotFound
from contract.events import Envelope
from contract.events.needs import (
    ActivityCancelled,
    ActivityJoined,
    ActivityPosted,
    ActivityStatus,
    ActivityWithdrawn,
    ClaimCompleted,
    ClaimMade,
    ClaimReleased,
)
from contract.events.points import AttendedKind, CheckinDirection, CheckinRecorded
from points.attendance import codes
from points.attendance.models import Attendance, Attended, Correction, Running
from points.attendance.repository import AttendanceRepository, AttendedRepository
from points.earning.service import NeedRepository
from runtime.actors import Actor, ActorKind

SOURCE = "points"


class CheckinRefused(Conflict):
    """A scan refused: `reason` says why (expired, replayed, cancelled, not_running)."""

    code = "checkin_refused"


class ForgedCode(Forbidden):
    code = "checkin_refused"


def now() -> datetime:
    return datetime.now(UTC)


def person_of(actor: Actor) -> str:
    """The account of the person acting (`member:{id}`, `resident:{id}`); Forbidden for anyone else."""
    if actor.kind is ActorKind.RESIDENT and actor.resident_id:
        return f"resident:{actor.resident_id}"
    if actor.kind is ActorKind.ORGANIZATION and actor.member_id:
        return f"member:{actor.member_id}"
    raise Forbidden("a member or a resident checks in, for themselves", actor=actor.kind.value)


class Attendances:
    def __init__(
        self,
        attended: AttendedRepository,
        records: AttendanceRepository,
        needs: NeedRepository,
        key: bytes,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self.attended = attended
        self.records = records
        self.needs = needs
        self.key = key
        self.clock = clock

    # what is attended, from the needs service's events

    async def on_activity(self, event: ActivityPosted | ActivityJoined | ActivityWithdrawn | ActivityCancelled) -> None:
        data = event.data
        cancelled = data.status is ActivityStatus.CANCELLED
        await self.attended.learn(
            Attended(
                id=Attended.key(AttendedKind.ACTIVITY, data.activity_id),
                kind=AttendedKind.ACTIVITY,
                attended_id=data.activity_id,
                organization_id=data.organization_id,
                organizers=[data.organization_id],
                status=Running.CANCELLED if cancelled else Running.OPEN,
                version=data.version,
                area_code=data.area_code,
                title=data.title,
                starts_at=data.starts_at,
                ends_at=data.ends_at,
            )
        )

    async def on_claim_made(self, event: ClaimMade) -> None:
        claim = event.data
        await self.attended.remember(
            Attended(
                id=Attended.key(AttendedKind.CLAIM, claim.claim_id),
                kind=AttendedKind.CLAIM,
                attended_id=claim.claim_id,
                organization_id=claim.organization_id,
                organizers=sorted({claim.organization_id, claim.need_organization_id}),
                need_id=claim.need_id,
                member_id=claim.member_id,
                own_need=claim.organization_id == claim.need_organization_id,
            )
        )

    async def on_claim_ended(self, event: ClaimReleased | ClaimCompleted) -> None:
        if event.data.imported:
            return  # never made here: nothing kept to check out of
        status = Running.COMPLETED if isinstance(event, ClaimCompleted) else Running.RELEASED
        await self.attended.set_status([Attended.key(AttendedKind.CLAIM, event.data.claim_id)], status)

    async def on_claims_completed(self, events: Sequence[ClaimCompleted]) -> None:
        """A run of claims completed: each checked out of, no longer into. Those of a need's
        history, imported, were never made here: looked for all the same, a city's 113,000 took
        the database ~30 CPU-seconds (it reads every claim and activity kept for each run)."""
        keys = [Attended.key(AttendedKind.CLAIM, e.data.claim_id) for e in events if not e.data.imported]
        if keys:
            await self.attended.set_status(keys, Running.COMPLETED)

    async def get(self, kind: AttendedKind, attended_id: str) -> Attended:
        """The activity or claim, with a claim's place, title and time taken from its need."""
        found = await self.attended.get(Attended.key(kind, attended_id))
        if found is None:
            raise NotFound(f"no {kind.value} {attended_id!r} known to the points service")
        if found.need_id is not None and (need := await self.needs.get(found.need_id)) is not None:
            taken = need.model_dump(include={"area_code", "title", "starts_at", "ends_at"})
            found = found.model_copy(update=taken)
        return found

    # the organisers

    async def organised(self, kind: AttendedKind, attended_id: str, actor: Actor) -> Attended:
        """The activity or claim, when `actor` acts for one of its organisers (the portal offers
        this to their administrators only, as it does every organisation's move)."""
        attended = await self.get(kind, attended_id)
        if not (actor.kind is ActorKind.ORGANIZATION and actor.organization_id in attended.organizers):
            raise Forbidden(f"only the organisers of the {kind.value} do this")
        return attended

    async def code(
        self, kind: AttendedKind, attended_id: str, direction: CheckinDirection, actor: Actor
    ) -> dict[str, object]:
        """The code of this minute, for the organiser to show as a QR code (renewed every minute)."""
        attended = await self.organised(kind, attended_id, actor)
        at = self.clock()
        code = codes.make(self.key, kind, attended_id, direction, at)
        return {
            "code": code,
            "kind": kind.value,
            "attended_id": attended_id,
            "title": attended.title,
            "direction": direction.value,
            "made_at": at,
            "valid_until": codes.read(self.key, code).valid_until(),
        }

    async def attendance(self, kind: AttendedKind, attended_id: str, actor: Actor) -> list[Attendance]:
        """Who checked in and out (and the corrections), for its organisers or a city's administrators."""
        if not actor.runs_a_city:
            await self.organised(kind, attended_id, actor)
        return await self.records.of(kind.value, attended_id)

    async def correct(
        self, kind: AttendedKind, attended_id: str, cmd: AttendanceCorrection, actor: Actor
    ) -> Attendance:
        """The organiser sets a person's times, or marks them absent, saying why; kept with who
        and when. A person never checked in gets an attendance made by the correction."""
        attended = await self.organised(kind, attended_id, actor)
        at = self.clock()
        correction = Correction(
            by=f"organization:{actor.organization_id}",
            at=at,
            reason=cmd.reason,
            checked_in_at=cmd.checked_in_at,
            checked_out_at=cmd.checked_out_at,
            absent=cmd.absent,
        )

        def apply(record: Attendance) -> list[Envelope]:
            record.checked_in_at, record.checked_out_at = cmd.checked_in_at, cmd.checked_out_at
            record.absent = cmd.absent
            record.corrections.append(correction)
            return [_recorded(record, at, correction=correction)]

        return await self._record(attended, cmd.person, apply)

    # the people checking in and out

    async def scan(self, cmd: CheckinScan, actor: Actor) -> tuple[Attendance, CheckinDirection]:
        """Checks the acting member or resident in (or out) with a scanned code."""
        person = person_of(actor)
        try:
            code = codes.read(self.key, cmd.code)
        except codes.BadCode as exc:
            raise ForgedCode(f"the code is not one of this platform's: {exc}", reason="forged") from None
        at = self.clock()
        if not code.is_current(at):
            raise CheckinRefused("the code has expired: scan the one shown now", reason="expired")
        if cmd.direction is not None and cmd.direction is not code.direction:
            raise CheckinRefused(
                f"this is a check-{code.direction.value} code, not a check-{cmd.direction.value} one", reason="replayed"
            )
        attended = await self.get(code.kind, code.attended_id)
        if (refused := attended.refusal(code.direction, at)) is not None:
            reason, message = refused
            raise CheckinRefused(message, reason=reason)
        if attended.kind is AttendedKind.CLAIM and not (
            actor.kind is ActorKind.ORGANIZATION and actor.organization_id == attended.organization_id
        ):
            raise Forbidden("a claim's work is checked into by the claiming organisation's members")
        direction = code.direction

        def apply(record: Attendance) -> list[Envelope]:
            if direction is CheckinDirection.IN:
                if record.checked_in_at is not None or record.absent:
                    raise CheckinRefused("checked in already", reason="replayed")
                record.checked_in_at = at
            else:
                if record.checked_in_at is None or record.absent:
                    raise CheckinRefused("not checked in: scan the check-in code first", reason="not_checked_in")
                if record.checked_out_at is not None:
                    raise CheckinRefused("checked out already", reason="replayed")
                record.checked_out_at = at
            return [_recorded(record, at, direction=direction)]

        return await self._record(attended, person, apply), direction

    async def _record(
        self, attended: Attended, person: str, apply: Callable[[Attendance], list[Envelope]]
    ) -> Attendance:
        """Applies a change to the person's attendance, made when there is none yet: the
        document and its event in one write; two at once, one of them decides again."""
        key = Attendance.key(attended.kind, attended.attended_id, person)
        if await self.records.get(key) is None:
            record = Attendance(
                id=key,
                kind=attended.kind,
                attended_id=attended.attended_id,
                person=person,
                organization_id=attended.organization_id,
            )
            events = apply(record)
            try:
                await self.records.add(record, events)
                return record
            except Conflict:
                pass  # made meanwhile: decided again on what was made
        changed, _ = await self.records.change(key, apply)
        return changed


def _recorded(
    record: Attendance, at: datetime, *, direction: CheckinDirection | None = None, correction: Correction | None = None
) -> CheckinRecorded:
    return CheckinRecorded(source=SOURCE, subject=record.id, data=record.data(at, direction, correction))

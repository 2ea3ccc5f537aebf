"""Joint meetings' use cases, all an area administrator's: draft the next meeting's agenda from
what is stuck in the community (or street), record who came and what was decided, and note what
an item became (the gateway makes the need of a decision, then says so here)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from cobuilding.agreements.service import Agreements
from cobuilding.areas import area_query
from cobuilding.clock import CST, Clock
from cobuilding.concerns.service import Concerns
from cobuilding.meetings.models import (
    OVERDUE_FOR,
    AgendaItem,
    Meeting,
    by_kind_and_time,
    item,
    stuck_needs_and_wishes,
)
from cobuilding.outcome import Outcome
from contract.bodies.cobuilding import MeetingCreate, MeetingRecord, OutcomeCreate
from contract.errors import Conflict, Forbidden, NotFound, Unprocessable
from contract.events import Envelope
from contract.events.cobuilding import AgreementStatus, ConcernLevel, ConcernStatus
from contract.ids import new_id
from runtime.actors import Actor, ActorKind
from runtime.mongo import Document

SCAN = 200  # agreements and concerns looked at for one agenda


class MeetingRepository(Protocol):
    async def add(self, meeting: Meeting, events: Sequence[Envelope]) -> None: ...

    async def get(self, meeting_id: str) -> Meeting | None: ...

    async def change(
        self, meeting_id: str, decide: Callable[[Meeting], Sequence[Envelope]], *, quiet: bool = False
    ) -> tuple[Meeting, list[Envelope]]: ...

    async def page_kept(
        self, keep: Callable[[Meeting], bool], *, after: str | None, limit: int, where: Mapping[str, Any] | None = None
    ) -> list[Meeting]: ...


class Followed(Protocol):
    async def of(self, node: str) -> list[Document]: ...


class Meetings:
    def __init__(
        self, repo: MeetingRepository, followed: Followed, agreements: Agreements, concerns: Concerns, clock: Clock
    ) -> None:
        self.repo = repo
        self.followed = followed
        self.agreements = agreements
        self.concerns = concerns
        self.clock = clock

    async def draft(self, cmd: MeetingCreate, actor: Actor) -> Meeting:
        """The next meeting, its agenda drafted from what is stuck in the area now."""
        node = cmd.area_code or actor.area_code or ""
        _require_admin(actor, node)
        if len(node) not in (9, 12):
            raise Unprocessable("a joint meeting is a community's or a street's", field="area_code")
        now = self.clock.now()
        items = stuck_needs_and_wishes(await self.followed.of(node), now)
        items += await self._missed_commitments(actor, node, now)
        items += await self._escalated_concerns(actor, node)
        meeting = Meeting(
            id=new_id(),
            area_code=node,
            title=cmd.title or f"{cmd.held_on.isoformat()} 联席会议",
            held_on=cmd.held_on,
            items=by_kind_and_time(items),
            drafted_at=now,
        )
        await self.repo.add(meeting, [])
        return meeting

    async def _missed_commitments(self, actor: Actor, node: str, now: datetime) -> list[AgendaItem]:
        signed = await self.agreements.page(
            actor, status=AgreementStatus.SIGNED, area_code=node, after=None, limit=SCAN
        )
        found = []
        for agreement in await self.agreements.views(signed):
            for commitment in agreement.commitments:
                missed = [o for o in commitment.occurrences if o.state == "missed"]
                recent = [o for o in missed if (now.astimezone(CST).date() - o.to_day) <= OVERDUE_FOR]
                if recent:
                    since = datetime.combine(recent[-1].to_day, datetime.min.time(), CST)
                    title = f"{agreement.title}: {commitment.what}"
                    found.append(
                        item(
                            "commitment_missed",
                            commitment.commitment_id,
                            title,
                            agreement.area_code,
                            since,
                            candidates=[commitment.by_organization_id],
                        )
                    )
        return found

    async def _escalated_concerns(self, actor: Actor, node: str) -> list[AgendaItem]:
        waiting = await self.concerns.page(actor, status=ConcernStatus.WAITING, area_code=node, after=None, limit=SCAN)
        return [
            item("concern_escalated", c.id, c.title, c.area_code, c.submitted_at)
            for c in waiting
            if c.level is not ConcernLevel.COMMUNITY
        ]

    async def record(self, meeting_id: str, cmd: MeetingRecord, actor: Actor) -> Meeting:
        """Who came, the minutes, each item's decision and who took it: the meeting is held."""

        def decide(meeting: Meeting) -> list[Envelope]:
            _require_admin(actor, meeting.area_code)
            if len(set(cmd.attendance)) != len(cmd.attendance):
                raise Unprocessable("attendance: each organisation once", field="attendance")
            for decision in cmd.decisions:
                agenda_item = meeting.item(decision.item_id)
                if agenda_item is None:
                    raise Unprocessable(f"the agenda has no item {decision.item_id!r}", field="item_id")
                agenda_item.decision, agenda_item.taken_by = decision.decision, decision.taken_by
            meeting.attendance, meeting.minutes = cmd.attendance, cmd.minutes or meeting.minutes
            meeting.status, meeting.held_at = "held", meeting.held_at or self.clock.now()
            return []

        meeting, _ = await self.repo.change(meeting_id, decide, quiet=True)
        return meeting

    async def outcome(self, meeting_id: str, item_id: str, cmd: OutcomeCreate, actor: Actor) -> Meeting:
        """What an item became (once): the need, claim or project made of its decision."""

        def decide(meeting: Meeting) -> list[Envelope]:
            _require_admin(actor, meeting.area_code)
            agenda_item = meeting.item(item_id)
            if agenda_item is None:
                raise NotFound(f"the agenda has no item {item_id!r}")
            if agenda_item.became is not None:
                raise Conflict(f"the item became a {agenda_item.became.kind} already", became=agenda_item.became.id)
            agenda_item.became = Outcome(kind=cmd.kind, id=cmd.id)
            return []

        meeting, _ = await self.repo.change(meeting_id, decide, quiet=True)
        return meeting

    async def get(self, meeting_id: str, actor: Actor) -> Meeting:
        meeting = await self.repo.get(meeting_id)
        if meeting is None or not actor.administers(meeting.area_code):
            raise NotFound(f"no meeting {meeting_id!r}")
        return meeting

    async def page(self, actor: Actor, *, after: str | None, limit: int) -> list[Meeting]:
        """The meetings of the administrator's area, and of the areas below it."""
        if actor.kind is not ActorKind.AREA_ADMIN or actor.area_code is None:
            raise Forbidden("joint meetings are their areas' administrators'")
        return await self.repo.page_kept(
            lambda m: actor.administers(m.area_code), after=after, limit=limit, where=area_query(actor.area_code)
        )


def _require_admin(actor: Actor, node: str) -> None:
    if not node or not actor.administers(node):
        raise Forbidden("an administrator of the area holds its joint meetings", area_code=node)

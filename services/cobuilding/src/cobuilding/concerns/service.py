"""The red mailbox's use cases: a resident (or a grid worker for them) puts a concern in; an
administrator of its community, or of an area above it, replies; the resident rates the reply.
A concern not answered within its time (`reply_working_days`) goes up a level, community →
street → district, each with the same time again; and the figures per community: received,
answered in time, satisfaction."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel, computed_field

from cobuilding.areas import area_query
from cobuilding.clock import Clock, working_days_after
from cobuilding.concerns.models import SATISFIED, Concern, Step
from cobuilding.concerns.repository import ConcernRepository
from cobuilding.concerns.view import ConcernTallies
from cobuilding.outcome import Outcome
from cobuilding.photos import PhotoRepository, checked
from contract.areas import covers
from contract.bodies.cobuilding import ConcernCreate, ConcernRating, ConcernReply, OutcomeCreate
from contract.errors import Conflict, Forbidden, NotFound, Unprocessable
from contract.events import Envelope, data_of
from contract.events.cobuilding import (
    ConcernData,
    ConcernEscalated,
    ConcernLevel,
    ConcernRated,
    ConcernReplied,
    ConcernStatus,
    ConcernSubmitted,
)
from contract.ids import new_id
from runtime.actors import Actor, ActorKind

SOURCE = "/services/cobuilding"
COMMUNITY_DIGITS = 12


class Figures(BaseModel):
    """A community's red mailbox in numbers: concerns received, answered (in time: by the
    community within its first time to reply), escalated, rated (stars, satisfied: 4 or 5)."""

    community: str
    received: int = 0
    answered: int = 0
    in_time: int = 0
    escalated: int = 0
    rated: int = 0
    stars: int = 0
    satisfied: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def average_stars(self) -> float | None:
        return round(self.stars / self.rated, 2) if self.rated else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def satisfaction(self) -> float | None:
        """The share of ratings that are satisfied."""
        return round(self.satisfied / self.rated, 3) if self.rated else None


class Concerns:
    def __init__(
        self,
        repo: ConcernRepository,
        tallies: ConcernTallies,
        photos: PhotoRepository,
        clock: Clock,
        *,
        reply_working_days: int,
        photos_per_concern: int,
        max_photo_bytes: int,
    ) -> None:
        self.repo = repo
        self.tallies = tallies  # kept by the repository at every write
        self.photos = photos
        self.clock = clock
        self.days = reply_working_days
        self.photos_per_concern = photos_per_concern
        self.max_photo_bytes = max_photo_bytes

    async def submit(self, cmd: ConcernCreate, actor: Actor) -> Concern:
        """A resident's own concern, about their own area; a grid worker's (an administrator's)
        for a resident of their area, named."""
        if actor.kind is ActorKind.RESIDENT and actor.resident_id and actor.area_code:
            if cmd.resident_id not in (None, actor.resident_id):
                raise Forbidden("a resident submits their own concerns only")
            area_code = cmd.area_code or actor.area_code
            if not covers(actor.area_code, area_code):
                raise Forbidden("a resident's concern is about their own area", area_code=area_code)
            resident_id, submitted_by = actor.resident_id, "resident"
        elif actor.kind is ActorKind.AREA_ADMIN and actor.area_code:
            if cmd.area_code is None or not cmd.resident_name.strip():
                raise Unprocessable("a concern for a resident needs their resident_name and area_code")
            if not actor.administers(cmd.area_code):
                raise Forbidden("a grid worker submits for residents of their own area", area_code=cmd.area_code)
            area_code, resident_id, submitted_by = cmd.area_code, cmd.resident_id or new_id(), actor.area_code
        else:
            raise Forbidden("a resident, or a grid worker for them, puts a concern in the red mailbox")
        if len(area_code) < COMMUNITY_DIGITS:
            raise Unprocessable("a concern belongs to a community: area_code has 12 digits or more", field="area_code")
        now = self.clock.now()
        fields = cmd.model_dump(include={"kind", "title", "text", "phone", "resident_name"})
        concern = Concern(
            id=new_id(),
            resident_id=resident_id,
            area_code=area_code,
            submitted_by=submitted_by,
            submitted_at=now,
            due_at=working_days_after(now, self.days),
            steps=[Step(at=now, what="submitted", by=submitted_by, level=ConcernLevel.COMMUNITY)],
            **fields,
        )
        await self.repo.add(concern, [_event(ConcernSubmitted, concern)])
        return concern

    async def get(self, concern_id: str, actor: Actor) -> Concern:
        concern = await self.repo.get(concern_id)
        if concern is None or not may_see(concern, actor):
            raise NotFound(f"no concern {concern_id!r}")
        return concern

    async def page(
        self, actor: Actor, *, status: ConcernStatus | None, area_code: str | None, after: str | None, limit: int
    ) -> list[Concern]:
        """A resident's own concerns; an administrator's area's (of one area below it if asked)."""
        where: dict[str, Any] = {"status": status.value} if status else {}
        if actor.kind is ActorKind.RESIDENT:
            where["resident_id"] = actor.resident_id
            node = area_code or ""
        elif actor.kind is ActorKind.AREA_ADMIN and actor.area_code:
            node = area_code if area_code and actor.administers(area_code) else actor.area_code
            where |= area_query(node)
        else:
            raise Forbidden("the red mailbox is its residents' and their areas' administrators'")

        def keep(concern: Concern) -> bool:
            return may_see(concern, actor) and covers(node, concern.area_code)

        return await self.repo.page_kept(keep, after=after, limit=limit, where=where)

    async def add_photo(self, concern_id: str, content: bytes, actor: Actor) -> Concern:
        """A photo of what the concern is about, added by whoever put it in while it waits."""
        content_type = checked(content, self.max_photo_bytes)
        self._require_submitter(await self.get(concern_id, actor), actor)  # before the photo is stored
        digest = await self.photos.put(content, content_type)

        def decide(concern: Concern) -> list[Envelope]:
            self._require_submitter(concern, actor)
            concern.require(ConcernStatus.WAITING)
            if digest not in concern.photos:
                if len(concern.photos) >= self.photos_per_concern:
                    raise Conflict(
                        f"a concern carries {self.photos_per_concern} photos at most", photos=self.photos_per_concern
                    )
                concern.photos.append(digest)
            return []

        concern, _ = await self.repo.change(concern_id, decide, quiet=True)
        return concern

    async def photo(self, concern_id: str, digest: str, actor: Actor) -> tuple[bytes, str]:
        concern = await self.get(concern_id, actor)
        found = await self.photos.get(digest) if digest in concern.photos else None
        if found is None:
            raise NotFound(f"concern {concern_id!r} has no photo {digest!r}")
        return found

    @staticmethod
    def _require_submitter(concern: Concern, actor: Actor) -> None:
        by_resident = concern.submitted_by == "resident" and actor.resident_id == concern.resident_id
        if not (by_resident or (actor.kind is ActorKind.AREA_ADMIN and actor.area_code == concern.submitted_by)):
            raise Forbidden("who put the concern in adds its photos")

    async def reply(self, concern_id: str, cmd: ConcernReply, actor: Actor) -> Concern:
        def decide(concern: Concern) -> list[Envelope]:
            if not actor.administers(concern.area_code):
                raise Forbidden("an administrator of the concern's community, or of an area above it, replies")
            assert actor.area_code is not None
            concern.reply(cmd.text, actor.area_code, self.clock.now())
            return [_event(ConcernReplied, concern)]

        concern, _ = await self.repo.change(concern_id, decide)
        return concern

    async def turn_into(self, concern_id: str, cmd: OutcomeCreate, actor: Actor) -> Concern:
        """Notes the need (or project) an administrator of the concern's area made of it."""

        def decide(concern: Concern) -> list[Envelope]:
            if not actor.administers(concern.area_code):
                raise Forbidden("an administrator of the concern's community, or of an area above it, does this")
            assert actor.area_code is not None
            concern.turned_into(Outcome(kind=cmd.kind, id=cmd.id), actor.area_code, self.clock.now())
            return []

        concern, _ = await self.repo.change(concern_id, decide, quiet=True)
        return concern

    async def rate(self, concern_id: str, cmd: ConcernRating, actor: Actor) -> Concern:
        def decide(concern: Concern) -> list[Envelope]:
            if actor.kind is not ActorKind.RESIDENT or actor.resident_id != concern.resident_id:
                raise Forbidden("the resident who put the concern in rates its answer")
            concern.rate(cmd.stars, cmd.comment, self.clock.now())
            return [_event(ConcernRated, concern)]

        concern, _ = await self.repo.change(concern_id, decide)
        return concern

    async def sweep(self) -> int:
        """Escalates every concern past its time to reply; how many went up a level."""
        escalated = 0
        for concern_id in await self.repo.overdue(self.clock.now()):
            _, events = await self.repo.change(concern_id, self._escalate)
            escalated += len(events)
        return escalated

    def _escalate(self, concern: Concern) -> list[Envelope]:
        now = self.clock.now()
        if concern.status is not ConcernStatus.WAITING or concern.due_at >= now:
            return []  # answered, or escalated by another sweep, meanwhile
        if not concern.escalate(now, working_days_after(now, self.days)):
            return []
        return [_event(ConcernEscalated, concern)]

    async def figures(self, actor: Actor, area_code: str | None) -> list[Figures]:
        """Each community's figures under the administrator's node (or one below it), in code order."""
        if actor.kind is not ActorKind.AREA_ADMIN or actor.area_code is None:
            raise Forbidden("the red mailbox's figures are its areas' administrators'")
        node = area_code or actor.area_code
        if not actor.administers(node):
            raise Forbidden("an administrator sees the figures of their own area", area_code=node)
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for one in self.tallies.of(node):
            tally = counts[one.area_code[:12]]
            tally["received"] += 1
            tally["answered"] += one.answered
            tally["in_time"] += one.in_time
            tally["escalated"] += one.escalated
            if one.stars is not None:
                tally["rated"] += 1
                tally["stars"] += one.stars
                tally["satisfied"] += one.stars >= SATISFIED
        return [Figures(community=community, **tally) for community, tally in sorted(counts.items())]


def may_see(concern: Concern, actor: Actor) -> bool:
    """The resident whose concern it is, and the administrators of its area (its grid, community,
    street, district, city): those who handle it. No one else, not even the public pages."""
    own = actor.kind is ActorKind.RESIDENT and actor.resident_id == concern.resident_id
    return own or actor.administers(concern.area_code)


def _event(event: type[Envelope], concern: Concern) -> Envelope:
    data = data_of(ConcernData, concern, concern_id=concern.id)
    return event(source=SOURCE, subject=concern.id, data=data)  # type: ignore[call-arg]  # each concern event has `data`

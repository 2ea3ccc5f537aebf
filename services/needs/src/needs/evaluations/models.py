"""A rating (评价) of help received: made waiting when the help is done (a claim completed, a
wish confirmed, a service request completed, a booking ended), given once by the side that
received it within a window, answered once by the organisation rated. An administrator of the
rated organisation's area may hide an abusive comment: the stars still count, the hiding is
recorded."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from contract.aggregates import Versioned
from contract.bodies.needs import EvaluationTag
from contract.errors import Conflict
from contract.events.needs import RatedKind
from runtime.actors import Actor, ActorKind


class EvaluationStatus(StrEnum):
    WAITING = "waiting"  # the help is done; its receiver has not rated it
    GIVEN = "given"
    VOID = "void"  # the help did not happen after all (a booking cancelled before it ended)


class Rater(BaseModel):
    """Who received the help: an organisation, a resident, or (for a wish a community worker
    posted) also the administrators of the resident's area."""

    organization_id: str | None = None
    resident_id: str | None = None
    area_code: str | None = None

    def is_(self, actor: Actor) -> bool:
        if self.organization_id is not None and actor.is_organization(self.organization_id):
            return True
        if self.resident_id is not None and actor.kind is ActorKind.RESIDENT and actor.resident_id == self.resident_id:
            return True
        return self.area_code is not None and actor.administers(self.area_code)


class Hidden(BaseModel):
    by: str  # the administrator's area node
    reason: str
    at: datetime


class Evaluation(Versioned):
    subject: RatedKind
    subject_id: str
    about: str  # the need, wish or resource (service, lendable, venue) the help was about
    title: str = ""  # what was done, as the rater will recognise it (a need's or a wish's title)
    organization_id: str  # the organisation rated: the one that helped
    area_code: str  # the rated organisation's: its administrators may hide a comment
    rater: Rater
    opens_at: datetime  # when the help ended
    closes_at: datetime  # the last moment to rate
    status: EvaluationStatus = EvaluationStatus.WAITING
    stars: int | None = None
    comment: str = ""
    tags: list[EvaluationTag] = Field(default_factory=list)
    given_at: datetime | None = None
    answer: str | None = None
    answered_at: datetime | None = None
    hidden: Hidden | None = None

    def give(self, stars: int, comment: str, tags: list[EvaluationTag], at: datetime) -> None:
        if self.status is not EvaluationStatus.WAITING:
            raise Conflict(f"the rating is {self.status.value} already", status=self.status.value)
        if at < self.opens_at:
            raise Conflict("the help has not ended yet", opens_at=self.opens_at.isoformat())
        if at > self.closes_at:
            raise Conflict("the time to rate it has passed", closes_at=self.closes_at.isoformat())
        self.status, self.stars, self.comment, self.tags, self.given_at = (
            EvaluationStatus.GIVEN,
            stars,
            comment,
            tags,
            at,
        )

    def reply(self, text: str, at: datetime) -> None:
        if self.status is not EvaluationStatus.GIVEN:
            raise Conflict("only a given rating is answered", status=self.status.value)
        if self.answer is not None:
            raise Conflict("the rating was answered already", answered_at=str(self.answered_at))
        self.answer, self.answered_at = text, at

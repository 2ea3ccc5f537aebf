"""A concern in the red mailbox and the steps it went through. Who may do what lives in `service`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, computed_field

from cobuilding.outcome import Outcome
from contract.aggregates import Versioned
from contract.errors import Conflict
from contract.events.cobuilding import ConcernKind, ConcernLevel, ConcernStatus

# The digits of an area code each level is known by (district, street, community).
LEVEL_DIGITS = {ConcernLevel.COMMUNITY: 12, ConcernLevel.STREET: 9, ConcernLevel.DISTRICT: 6}
ABOVE = {ConcernLevel.COMMUNITY: ConcernLevel.STREET, ConcernLevel.STREET: ConcernLevel.DISTRICT}
SATISFIED = 4  # stars from which a rating counts as satisfied


class Step(BaseModel):
    """What happened to a concern, as its resident sees it: submitted, escalated, replied, rated."""

    at: datetime
    what: Literal["submitted", "escalated", "replied", "rated", "became"]
    by: str  # "resident", or the area code of the administrator who acted ("platform" for an escalation)
    level: ConcernLevel
    text: str = ""


class Concern(Versioned):
    kind: ConcernKind
    title: str
    text: str
    phone: str | None = None  # seen only by the resident and those who handle it
    resident_id: str
    resident_name: str = ""
    area_code: str
    submitted_by: str  # "resident" or the grid worker's (an administrator's) area code
    photos: list[str] = Field(default_factory=list)  # their SHA-256s, in the photo store
    level: ConcernLevel = ConcernLevel.COMMUNITY
    status: ConcernStatus = ConcernStatus.WAITING
    submitted_at: datetime
    due_at: datetime  # when the level now answerable must have replied by
    replied_at: datetime | None = None
    in_time: bool | None = None  # replied by its community within the first time to reply
    stars: int | None = None
    comment: str = ""
    steps: list[Step]
    became: Outcome | None = None  # the need or project made of it

    def turned_into(self, outcome: Outcome, by: str, at: datetime) -> None:
        """What the concern was made into, by an administrator of its area: once."""
        if self.became is not None:
            raise Conflict(f"the concern became a {self.became.kind} already", became=self.became.id)
        self.became = outcome
        self.steps.append(Step(at=at, what="became", by=by, level=self.level, text=outcome.kind))

    @computed_field  # type: ignore[prop-decorator]  # stored and shown with the concern
    @property
    def handler(self) -> str:
        """The node now answerable: the concern's community, street or district."""
        return self.area_code[: LEVEL_DIGITS[self.level]]

    @property
    def community(self) -> str:
        return self.area_code[:12]

    def require(self, *statuses: ConcernStatus) -> None:
        if self.status not in statuses:
            raise Conflict(f"the concern is {self.status.value}", status=self.status.value)

    def escalate(self, at: datetime, due_at: datetime) -> bool:
        """Past its time with no reply: the next level up answers it, with a time of its own.
        False at the district, the last level (it stays overdue there, on the district's list)."""
        above = ABOVE.get(self.level)
        if above is None:
            return False
        self.level, self.due_at = above, due_at
        self.steps.append(Step(at=at, what="escalated", by="platform", level=above))
        return True

    def reply(self, text: str, by: str, at: datetime) -> None:
        self.require(ConcernStatus.WAITING)
        self.status, self.replied_at = ConcernStatus.REPLIED, at
        self.in_time = self.level is ConcernLevel.COMMUNITY and at <= self.due_at
        self.steps.append(Step(at=at, what="replied", by=by, level=self.level, text=text))

    def rate(self, stars: int, comment: str, at: datetime) -> None:
        self.require(ConcernStatus.REPLIED)
        self.status, self.stars, self.comment = ConcernStatus.RATED, stars, comment
        self.steps.append(Step(at=at, what="rated", by="resident", level=self.level, text=comment))

"""An activity an organisation holds and the residents' sign-ups for its places. Who may do
what lives in `service`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from contract.aggregates import Versioned
from contract.errors import Conflict, NotFound
from contract.events.needs import ActivityStatus
from contract.taxonomy import Category
from needs.common import now


class SignUp(BaseModel):
    resident_id: str
    name: str
    people: int = 1  # the resident and those they bring
    signed_at: datetime = Field(default_factory=now)
    withdrawn_at: datetime | None = None


class Activity(Versioned):
    """An activity an organisation holds (a lecture, a volunteer day, a free clinic) with a
    number of places residents sign up for, until it starts or its sign-up deadline."""

    organization_id: str
    title: str
    description: str = ""
    category: Category
    area_code: str
    place: str = ""
    venue_id: str | None = None
    starts_at: datetime
    ends_at: datetime
    sign_up_until: datetime
    places: int
    status: ActivityStatus = ActivityStatus.OPEN
    signups: list[SignUp] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=now)

    @property
    def taken(self) -> int:
        return sum(s.people for s in self.signups if s.withdrawn_at is None)

    def signup_of(self, resident_id: str) -> SignUp | None:
        return next((s for s in self.signups if s.resident_id == resident_id and s.withdrawn_at is None), None)

    def sign_up(self, signup: SignUp, at: datetime) -> None:
        """Takes the places, or Conflict saying why not: called off, closed, full, signed up already."""
        if self.status is ActivityStatus.CANCELLED:
            raise Conflict("the activity has been called off", status=self.status.value)
        if at >= self.sign_up_until:
            raise Conflict("sign-up has closed", sign_up_until=self.sign_up_until.isoformat())
        if self.signup_of(signup.resident_id) is not None:
            raise Conflict("signed up already", resident_id=signup.resident_id)
        left = self.places - self.taken
        if signup.people > left:
            raise Conflict(f"only {left} of {self.places} places are left", remaining=left)
        self.signups.append(signup)

    def withdraw(self, resident_id: str, at: datetime) -> None:
        signup = self.signup_of(resident_id)
        if signup is None:
            raise NotFound("no sign-up of this resident for the activity")
        if at >= self.starts_at:
            raise Conflict("the activity has begun", starts_at=self.starts_at.isoformat())
        signup.withdrawn_at = at

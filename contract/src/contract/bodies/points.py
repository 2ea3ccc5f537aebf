"""What is sent to the points service: a member's registration (双报到) in the community where
they live, the time bank's asks and grants, a scanned code to check in or out, and an
attendance's correction."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contract.events.points import CheckinDirection
from contract.schemas import Moment

PERSON_PATTERN = r"^(member|resident):[0-9a-zA-Z_-]{1,64}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegistrationCreate(Strict):
    """A working Party member declares the community where they live (双报到)."""

    community_code: str = Field(pattern=r"^[0-9]{12}$", description="the community's 12-digit code")
    name: str = Field(default="", max_length=50, description="the member's name, for their organisation's report")


class AskCreate(Strict):
    """A resident or member asks for a service paid in hours (时间银行): what, when, and the
    minutes offered, held from their account at once."""

    what: str = Field(min_length=1, max_length=200)
    when: datetime = Field(description="when the service is wanted")
    minutes: int = Field(ge=1, le=24 * 60, description="the minutes offered to whoever serves it")
    area_code: str | None = Field(
        default=None, pattern=r"^[0-9]{12}$", description="the community it is wanted in: a resident's own if left out"
    )
    name: str = Field(default="", max_length=50, description="how the asker is shown to those who may serve")


class GrantCreate(Strict):
    """A community's administrator grants minutes to a person who cannot earn them (the elderly)."""

    account: str = Field(
        pattern=r"^(member|resident):[0-9a-zA-Z_-]{1,64}$", description="`resident:{id}` or `member:{id}`"
    )
    minutes: int = Field(ge=1, le=100 * 60)
    reason: str = Field(min_length=1, max_length=200)
    area_code: str = Field(pattern=r"^[0-9]{12}$", description="the community granting them")


class OverdraftSet(Strict):
    """How far below zero a community lets its people's minutes go to ask for help (default 0)."""

    overdraft: int = Field(ge=0, le=100 * 60, description="minutes")


class AskTake(Strict):
    """Someone takes a time bank ask: they will serve it."""

    name: str = Field(default="", max_length=50, description="how the taker is shown to the asker")


class CheckinScan(Strict):
    """A code scanned from an organiser's QR code, by the person checking in or out."""

    code: str = Field(min_length=1, max_length=200, description="the code the QR code's URL carries (`c`)")
    direction: CheckinDirection | None = Field(
        default=None, description="the way the person means to go, if the page asks: a code of the other is refused"
    )


class AttendanceCorrection(Strict):
    """An organiser's correction of one person's attendance: the times as they were, or absent;
    always with the reason, which is kept with who made it and when."""

    person: str = Field(pattern=PERSON_PATTERN, description="`member:{id}` or `resident:{id}`")
    checked_in_at: Moment | None = None
    checked_out_at: Moment | None = None
    absent: bool = Field(default=False, description="did not attend: the times are cleared, nothing is earned")
    reason: str = Field(min_length=2, max_length=300)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.absent:
            if self.checked_in_at or self.checked_out_at:
                raise ValueError("an absent person has no check-in or check-out time")
            return self
        if self.checked_in_at is None:
            raise ValueError("checked_in_at is needed unless the person is marked absent")
        if self.checked_out_at is not None and self.checked_out_at <= self.checked_in_at:
            raise ValueError("checked_out_at must be after checked_in_at")
        return self

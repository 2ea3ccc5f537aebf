"""What is sent to check in or out with a scanned code, and to correct an attendance."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contract.events.points import CheckinDirection
from contract.schemas import Moment

PERSON_PATTERN = r"^(member|resident):[0-9a-zA-Z_-]{1,64}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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

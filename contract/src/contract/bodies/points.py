"""What is sent to the points service: a member's registration (双报到) in the community where
they live, and the time bank's asks and grants."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


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

"""What is sent to the points service: a member's registration (双报到) in the community where
they live, and the time bank's asks and grants."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegistrationCreate(Strict):
    """A working Party member declares the community where they live (双报到)."""

    community_code: str = Field(pattern=r"^[0-9]{12}$", description="the community's 12-digit code")
    name: str = Field(default="", max_length=50, description="the member's name, for their organisation's report")

"""What a partner sends to subscribe a webhook."""

from __future__ import annotations

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl = Field(description="where events are POSTed, http(s)")
    types: list[str] = Field(
        default=[], max_length=50, description="event types (need.posted) or families (need); none: every one"
    )

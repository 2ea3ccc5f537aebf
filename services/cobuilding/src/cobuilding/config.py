"""The co-building service's settings."""

from __future__ import annotations

from pydantic import Field

from runtime.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "cobuilding"
    http_port: int = 8007
    sweep_seconds: float = 60.0  # how often concerns past their time to reply are escalated
    reply_working_days: int = Field(default=3, ge=1, le=30, description="a concern's time to reply, at each level")
    max_photo_bytes: int = 5 * 1024 * 1024  # a concern's photo
    photos_per_concern: int = Field(default=3, ge=0, le=9)
    notice_days: int = Field(default=7, ge=1, le=90, description="a project's public notice after each milestone")

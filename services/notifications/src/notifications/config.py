"""The notifications service's settings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from runtime.config import DEVELOPMENT_LINK_SECRET, ServiceSettings, check_secret


class Settings(ServiceSettings):
    service_name: str = "notifications"
    http_port: int = 8006
    remind_after_hours: float = 24.0  # a booking, request or wish waiting this long for the other side: reminded
    sweep_seconds: float = 30.0  # how often reminders fallen due are told
    batch_events: bool = Field(default=True, description="decide a run of events at once; false: one at a time")

    portal_url: str = Field(default="http://127.0.0.1:8000", description="the portal's address, in mails' links")
    smtp_url: str = Field(
        default="smtp://127.0.0.1:1025",
        description="smtp://[user:password@]host:port or smtps://...; empty: no mail (default: the local catcher)",
    )
    mail_from: str = "党建超市 <noreply@party-building.local>"
    sms: Literal["off", "mail", "http"] = Field(
        default="mail", description="SMS through the provider's HTTP API (SMS_URL), as mails to the catcher, or none"
    )
    sms_url: str = ""
    sms_key: str = ""
    sms_sign: str = "党建超市"
    link_secret: str = Field(default=DEVELOPMENT_LINK_SECRET, description="signs the unsubscribe links in mails")
    send_seconds: float = 5.0  # how often mails and SMS due are looked for (and at once when one is stored)
    retry_seconds: float = 60.0  # a failed send is tried again after this, then twice as long...
    delivery_attempts: int = Field(default=5, ge=1)  # ... and marked failed after this many tries

    @model_validator(mode="after")
    def _link_secret(self) -> Settings:
        check_secret("LINK_SECRET", self.link_secret, self.environment)
        if self.sms == "http" and not self.sms_url:
            raise ValueError("set SMS_URL: SMS=http sends through the provider's HTTP API at that address")
        return self

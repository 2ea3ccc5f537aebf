import hashlib
import hmac

from pydantic import Field, model_validator

from runtime.config import ServiceSettings, check_secret


class Settings(ServiceSettings):
    service_name: str = "points"
    http_port: int = 8005
    batch_events: bool = Field(default=True, description="earn from a run of events at once; false: one at a time")
    checkin_secret: str = Field(
        default="",
        description="signs the check-in codes organisers show as QR codes; empty: derived from ACTOR_SECRET",
    )

    @model_validator(mode="after")
    def _no_weak_checkin_secret(self) -> "Settings":
        if self.checkin_secret:
            check_secret("CHECKIN_SECRET", self.checkin_secret, self.environment)
        return self

    @property
    def checkin_key(self) -> bytes:
        """The key check-in codes are signed with: CHECKIN_SECRET, or one derived from
        ACTOR_SECRET (checked as it is) when that is left empty, never ACTOR_SECRET itself."""
        if self.checkin_secret:
            return self.checkin_secret.encode()
        return hmac.new(self.actor_secret.encode(), b"points.checkin", hashlib.sha256).digest()

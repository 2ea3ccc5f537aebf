"""The points service's settings: its port, the key signing the check-in codes organisers show,
and the key signing volunteer certificates' codes (each derived from ACTOR_SECRET when left
empty, never ACTOR_SECRET itself)."""

import hashlib
import hmac

from pydantic import Field, SecretStr, model_validator

from runtime.config import ServiceSettings, check_secret


class Settings(ServiceSettings):
    service_name: str = "points"
    http_port: int = 8005
    sweep_seconds: float = 30.0  # how often shop orders not picked up in time are expired
    pickup_days: int = 7  # how long a shop order waits to be picked up before its points come back
    batch_events: bool = Field(default=True, description="earn from a run of events at once; false: one at a time")
    checkin_secret: str = Field(
        default="",
        description="signs the check-in codes organisers show as QR codes; empty: derived from ACTOR_SECRET",
    )
    certificate_secret: SecretStr = Field(
        default=SecretStr(""),
        description="signs the verification codes of volunteer certificates; empty: derived from ACTOR_SECRET",
    )

    @model_validator(mode="after")
    def _no_weak_secrets(self) -> "Settings":
        if self.checkin_secret:
            check_secret("CHECKIN_SECRET", self.checkin_secret, self.environment)
        if certificate := self.certificate_secret.get_secret_value():
            check_secret("CERTIFICATE_SECRET", certificate, self.environment)
        return self

    @property
    def checkin_key(self) -> bytes:
        """The key check-in codes are signed with: CHECKIN_SECRET, or one derived from ACTOR_SECRET."""
        return self.checkin_secret.encode() if self.checkin_secret else self._derived(b"points.checkin")

    @property
    def certificate_key(self) -> bytes:
        """The key certificates' codes are signed with: CERTIFICATE_SECRET, or one derived from ACTOR_SECRET."""
        certificate = self.certificate_secret.get_secret_value()
        return certificate.encode() if certificate else self._derived(b"points.certificates")

    def _derived(self, purpose: bytes) -> bytes:
        return hmac.new(self.actor_secret.encode(), purpose, hashlib.sha256).digest()

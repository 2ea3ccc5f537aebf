"""The points service's settings: its port, and the key signing volunteer certificates' codes
(its development value is refused in production)."""

from pydantic import Field, SecretStr, model_validator

from runtime.config import ServiceSettings, check_secret

DEVELOPMENT_CERTIFICATE_SECRET = "development-certificate-secret-not-for-production"


class Settings(ServiceSettings):
    service_name: str = "points"
    http_port: int = 8005
    certificate_secret: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_CERTIFICATE_SECRET),
        description="signs the verification codes of volunteer certificates (HMAC-SHA256, points.records)",
    )

    @model_validator(mode="after")
    def _certificate_secret_fits_the_environment(self) -> "Settings":
        secret = self.certificate_secret.get_secret_value()
        check_secret("CERTIFICATE_SECRET", secret, self.environment)
        if self.environment == "production" and secret == DEVELOPMENT_CERTIFICATE_SECRET:
            raise ValueError("set CERTIFICATE_SECRET: its development value is public")
        return self

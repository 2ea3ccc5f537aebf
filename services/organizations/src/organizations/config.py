"""The registry's settings: its port, the operators' token, the largest import file, and the keys
sealing personal data (their development values are refused in production)."""

from pydantic import Field, SecretStr, model_validator

from organizations.personal_data import DEVELOPMENT_DIGEST_KEY, DEVELOPMENT_KEYS, PersonalData, parse_key_ring
from runtime.config import DEVELOPMENT_ADMIN_TOKEN, ServiceSettings, check_secret

__all__ = ["DEVELOPMENT_ADMIN_TOKEN", "Settings"]


class Settings(ServiceSettings):
    service_name: str = "organizations"
    http_port: int = 8001
    admin_token: SecretStr = SecretStr(DEVELOPMENT_ADMIN_TOKEN)
    import_max_bytes: int = 40 * 1024 * 1024
    personal_data_keys: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_KEYS),
        description="the key ring sealing phones and ID numbers: id:base64 of 32 bytes, comma-separated, "
        "the sealing key first (organizations.personal_data)",
    )
    personal_data_digest_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_DIGEST_KEY), description="keys the digests of import rows (HMAC-SHA256)"
    )

    @model_validator(mode="after")
    def _secrets_fit_the_environment(self) -> "Settings":
        token = self.admin_token.get_secret_value()
        check_secret("ADMIN_TOKEN", token, self.environment)
        if self.environment == "production" and token == self.actor_secret:
            raise ValueError("set ADMIN_TOKEN: it must differ from ACTOR_SECRET (one leaked is not both)")
        try:
            ring = parse_key_ring(self.personal_data_keys.get_secret_value())
        except ValueError as exc:  # a malformed ring is refused everywhere
            raise ValueError(f"PERSONAL_DATA_KEYS: {exc}") from None
        if self.environment == "production":
            development = dict(parse_key_ring(DEVELOPMENT_KEYS))
            if any(key in development.values() for _, key in ring):
                raise ValueError("set PERSONAL_DATA_KEYS: the development key is refused in production")
            if self.personal_data_digest_key.get_secret_value() in ("", DEVELOPMENT_DIGEST_KEY):
                raise ValueError("set PERSONAL_DATA_DIGEST_KEY: the development key is refused in production")
        return self

    def personal_data(self) -> PersonalData:
        ring = parse_key_ring(self.personal_data_keys.get_secret_value())
        return PersonalData(ring, self.personal_data_digest_key.get_secret_value().encode())

from pydantic import SecretStr, model_validator

from shared.config import DEVELOPMENT_ADMIN_TOKEN, ServiceSettings, check_secret

__all__ = ["DEVELOPMENT_ADMIN_TOKEN", "Settings"]


class Settings(ServiceSettings):
    service_name: str = "organizations"
    http_port: int = 8001
    admin_token: SecretStr = SecretStr(DEVELOPMENT_ADMIN_TOKEN)
    import_max_bytes: int = 40 * 1024 * 1024

    @model_validator(mode="after")
    def _no_public_admin_token(self) -> "Settings":
        token = self.admin_token.get_secret_value()
        check_secret("ADMIN_TOKEN", token, self.environment)
        if self.environment == "production" and token == self.actor_secret:
            raise ValueError("set ADMIN_TOKEN: it must differ from ACTOR_SECRET (one leaked is not both)")
        return self

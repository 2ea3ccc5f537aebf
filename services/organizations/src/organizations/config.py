from pydantic import SecretStr, model_validator

from shared.config import ServiceSettings

DEVELOPMENT_ADMIN_TOKEN = "development-admin-token"


class Settings(ServiceSettings):
    service_name: str = "organizations"
    http_port: int = 8001
    admin_token: SecretStr = SecretStr(DEVELOPMENT_ADMIN_TOKEN)
    import_max_bytes: int = 40 * 1024 * 1024

    @model_validator(mode="after")
    def _no_default_secret_in_production(self) -> "Settings":
        if self.environment == "production" and self.admin_token.get_secret_value() == DEVELOPMENT_ADMIN_TOKEN:
            raise ValueError("set ADMIN_TOKEN: the development admin token is refused in production")
        return self

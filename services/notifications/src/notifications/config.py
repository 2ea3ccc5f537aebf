"""The notifications service's settings."""

from runtime.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "notifications"
    http_port: int = 8006

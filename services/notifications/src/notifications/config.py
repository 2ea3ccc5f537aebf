"""The notifications service's settings."""

from pydantic import Field

from runtime.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "notifications"
    http_port: int = 8006
    batch_events: bool = Field(default=True, description="decide a run of events at once; false: one at a time")

"""The notifications service's settings."""

from pydantic import Field

from runtime.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "notifications"
    http_port: int = 8006
    remind_after_hours: float = 24.0  # a booking, request or wish waiting this long for the other side: reminded
    sweep_seconds: float = 30.0  # how often reminders fallen due are told
    batch_events: bool = Field(default=True, description="decide a run of events at once; false: one at a time")

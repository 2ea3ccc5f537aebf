from pydantic import Field

from runtime.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "points"
    http_port: int = 8005
    batch_events: bool = Field(default=True, description="earn from a run of events at once; false: one at a time")

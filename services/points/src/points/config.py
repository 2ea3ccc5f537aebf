from runtime.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "points"
    http_port: int = 8005
    sweep_seconds: float = 30.0  # how often shop orders not picked up in time are expired
    pickup_days: int = 7  # how long a shop order waits to be picked up before its points come back

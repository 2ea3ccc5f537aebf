from runtime.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "resources"
    http_port: int = 8003
    sweep_seconds: float = 30.0  # how often requests not approved in time and withdrawn venues' bookings are ended

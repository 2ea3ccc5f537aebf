from runtime.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "points"
    http_port: int = 8005

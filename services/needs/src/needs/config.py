from shared.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "needs"
    http_port: int = 8002

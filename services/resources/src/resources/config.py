from shared.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "resources"
    http_port: int = 8003

from shared.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "organizations"
    http_port: int = 8001

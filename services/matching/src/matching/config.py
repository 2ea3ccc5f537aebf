from shared.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "matching"
    http_port: int = 8004
    proposals_per_need: int = 3
    proposals_per_supply: int = 20

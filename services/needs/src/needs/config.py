from runtime.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "needs"
    http_port: int = 8002
    sweep_seconds: float = 30.0  # how often overdue needs and unstarted claims are expired
    max_proof_bytes: int = 5 * 1024 * 1024
    rating_days: float = 14.0  # how long after help is done its receiver may rate it

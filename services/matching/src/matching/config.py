from __future__ import annotations

from pydantic import Field, model_validator

from runtime.config import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "matching"
    http_port: int = 8004
    proposals_per_need: int = 3  # proposed for a new need as soon as it is posted
    proposals_per_supply: int = 10  # open needs proposed to new supply
    max_proposals_per_day: int = 20  # no supplier is proposed more often in one day (fairness)
    proposal_ttl_hours: float = 72.0  # a proposal not answered by both sides by then expires
    rematch_top: int = 20  # candidates kept per need for the city-wide rematch's flow
    rematch_seconds: float = 3600.0  # how often the city-wide rematch runs
    sweep_seconds: float = 60.0  # how often unanswered proposals are expired
    # scale-out: this instance (0-based) of how many; each matches the districts whose code
    # modulo `instances` is its number, so no two instances ever hold the same need or supply
    instances: int = Field(default=1, ge=1)
    instance: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _instance_in_range(self) -> Settings:
        if self.instance >= self.instances:
            raise ValueError("INSTANCE counts from 0 and stays below INSTANCES")
        return self

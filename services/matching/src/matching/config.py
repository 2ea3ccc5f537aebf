from __future__ import annotations

from pydantic import Field

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
    # scale-out: the districts an instance matches in follow the partitions Kafka's consumer group
    # gives it (matching.index.share); `instance` names the process's writer lease on FerretDB
    instance: int = Field(default=0, ge=0)
    session_seconds: float = Field(
        default=6.0, gt=0, description="an instance silent this long is gone: the others take its districts"
    )

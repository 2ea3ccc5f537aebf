"""Settings every service shares; each service's `config.py` subclasses them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_ACTOR_SECRET = "development-actor-secret-not-for-production"


class ServiceSettings(BaseSettings):
    """Read from the environment (and `.env`); built once, in a service's `main.py`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    service_name: str
    environment: Literal["development", "test", "production"] = "development"
    http_host: str = "127.0.0.1"
    http_port: int

    mongo_url: str = "mongodb://127.0.0.1:27017"
    mongo_db: str = Field(default="", description="defaults to the service's name")
    mongo_max_pool_size: int = Field(default=32, description="connections to MongoDB at most, per process")

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    topic_prefix: str = Field(default="", description="prepended to every topic and consumer group")
    topic_partitions: int = 3

    outbox_relay: bool = Field(default=True, description="publish pending events; off only to drain later")
    outbox_poll_seconds: float = 0.5
    consumer_max_attempts: int = 4
    consumer_backoff_seconds: float = 0.1

    actor_secret: str = Field(
        default=DEVELOPMENT_ACTOR_SECRET, description="signs the gateway's X-Actor tokens (shared.actors)"
    )

    max_body_bytes: int = 1_048_576
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _no_development_secret_in_production(self) -> ServiceSettings:
        if self.environment == "production" and self.actor_secret == DEVELOPMENT_ACTOR_SECRET:
            raise ValueError("set ACTOR_SECRET: the development secret is public")
        return self

    @property
    def database(self) -> str:
        return self.mongo_db or self.service_name

    def topic(self, name: str) -> str:
        return self.topic_prefix + name

    @property
    def consumer_group(self) -> str:
        return self.topic_prefix + self.service_name

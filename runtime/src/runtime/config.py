"""Settings every service shares; each service's `config.py` subclasses them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_ACTOR_SECRET = "development-actor-secret-not-for-production"
DEVELOPMENT_ADMIN_TOKEN = "development-admin-token"
DEVELOPMENT_LINK_SECRET = "development-link-secret-not-for-production"
# Secrets anyone who reads this repository knows: refused outside development and tests.
PUBLIC_SECRETS = frozenset({DEVELOPMENT_ACTOR_SECRET, DEVELOPMENT_ADMIN_TOKEN, DEVELOPMENT_LINK_SECRET})
MIN_SECRET_LENGTH = 32
MAKE_A_SECRET = 'python3 -c "import secrets; print(secrets.token_urlsafe(48))"'


def check_secret(name: str, value: str, environment: str) -> None:
    """Refuses a secret that protects nothing: empty anywhere; outside development and tests,
    one of the public development values, or one short enough to guess. `name` is the
    setting's variable, named in the error so the operator knows what to set."""
    if not value.strip():
        raise ValueError(f"set {name}: it is empty; make one with {MAKE_A_SECRET}")
    if environment in ("development", "test"):
        return  # the development defaults keep `make up` and the tests free of configuration
    if value in PUBLIC_SECRETS:
        raise ValueError(f"set {name}: its development value is public; make one with {MAKE_A_SECRET}")
    if len(value) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"set {name}: {len(value)} characters are too few (at least {MIN_SECRET_LENGTH}); "
            f"make one with {MAKE_A_SECRET}"
        )


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
        default=DEVELOPMENT_ACTOR_SECRET, description="signs the gateway's X-Actor tokens (runtime.actors)"
    )

    lease_seconds: float = Field(
        default=30, gt=0, description="on FerretDB, how long a writer lease lasts unless renewed (runtime.lease)"
    )
    role: Literal["writer", "reader"] = Field(
        default="writer",
        description="reader: answers reads from its read model and refuses writes (a replica beside "
        "FerretDB's one writer); writer: both (any number of them on MongoDB)",
    )
    snapshot_dir: str = Field(
        default="", description="where read models are snapshotted for fast restarts (runtime.replica); empty: none"
    )
    snapshot_seconds: float = Field(default=300, gt=0, description="a changed read model is snapshotted this often")

    max_body_bytes: int = 1_048_576
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _no_public_secret(self) -> ServiceSettings:
        check_secret("ACTOR_SECRET", self.actor_secret, self.environment)
        return self

    @property
    def writes(self) -> bool:
        return self.role == "writer"

    @property
    def database(self) -> str:
        return self.mongo_db or self.service_name

    def topic(self, name: str) -> str:
        return self.topic_prefix + name

    @property
    def consumer_group(self) -> str:
        return self.topic_prefix + self.service_name

"""The secrets every service is given: no public, empty or short one outside development."""

from __future__ import annotations

import secrets

import pytest
from pydantic import ValidationError

from organizations.config import Settings as RegistrySettings
from organizations.personal_data import new_key
from runtime.config import DEVELOPMENT_ACTOR_SECRET, DEVELOPMENT_ADMIN_TOKEN, ServiceSettings

STRONG = secrets.token_urlsafe(48)
OTHER_STRONG = secrets.token_urlsafe(48)


class Service(ServiceSettings):
    service_name: str = "needs"
    http_port: int = 8002


def settings(cls: type[ServiceSettings], **values: str) -> ServiceSettings:
    # never the .env of whoever runs the tests
    return cls(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("secret", "says"),
    [
        (DEVELOPMENT_ACTOR_SECRET, "public"),
        (DEVELOPMENT_ADMIN_TOKEN, "public"),
        ("", "empty"),
        ("   ", "empty"),
        ("correct-horse-battery", "too few"),
    ],
)
def test_production_refuses_an_actor_secret_anyone_could_know(secret: str, says: str) -> None:
    with pytest.raises(ValidationError, match=f"ACTOR_SECRET.*{says}"):
        settings(Service, environment="production", actor_secret=secret)


def test_production_takes_a_secret_made_as_the_readme_says() -> None:
    assert settings(Service, environment="production", actor_secret=STRONG).actor_secret == STRONG


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_tests_run_on_the_development_secret_but_never_an_empty_one(environment: str) -> None:
    assert settings(Service, environment=environment).actor_secret == DEVELOPMENT_ACTOR_SECRET
    with pytest.raises(ValidationError, match=r"ACTOR_SECRET.*empty"):
        settings(Service, environment=environment, actor_secret="")


def test_production_is_what_an_unconfigured_deployment_gets_its_refusals_from() -> None:
    with pytest.raises(ValidationError, match="ACTOR_SECRET"):
        settings(Service, environment="production")


@pytest.mark.parametrize(("token", "says"), [(DEVELOPMENT_ADMIN_TOKEN, "public"), ("", "empty"), ("short", "too few")])
def test_the_registry_refuses_an_admin_token_anyone_could_know(token: str, says: str) -> None:
    with pytest.raises(ValidationError, match=f"ADMIN_TOKEN.*{says}"):
        settings(RegistrySettings, environment="production", actor_secret=STRONG, admin_token=token)


def test_the_registry_refuses_its_admin_token_equal_to_the_actor_secret() -> None:
    with pytest.raises(ValidationError, match=r"ADMIN_TOKEN.*differ"):
        settings(RegistrySettings, environment="production", actor_secret=STRONG, admin_token=STRONG)
    sealing = {"personal_data_keys": f"k1:{new_key()}", "personal_data_digest_key": OTHER_STRONG + "-digest"}
    registry = settings(
        RegistrySettings, environment="production", actor_secret=STRONG, admin_token=OTHER_STRONG, **sealing
    )
    assert isinstance(registry, RegistrySettings)
    assert registry.admin_token.get_secret_value() == OTHER_STRONG

"""docker-compose.yml, rendered as operations would run it: `.env.example` copied to `.env`,
the two secrets made as the README says, then `docker-compose config` (Debian's package, which
renders the configuration without a Docker engine; `make compose-cli` installs it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from devkit.settings import SETTINGS
from organizations.config import Settings as OrganizationsSettings
from organizations.personal_data import DEVELOPMENT_KEYS, new_key
from points.config import Settings as PointsSettings
from runtime.config import DEVELOPMENT_ACTOR_SECRET, DEVELOPMENT_ADMIN_TOKEN, MAKE_A_SECRET, ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / ".env.example").read_text()
UPSTREAMS = set(SETTINGS) - {"gateway"}  # the services the gateway calls


def make_secret() -> str:
    """A secret made by the README's command."""
    return subprocess.run(MAKE_A_SECRET, shell=True, check=True, capture_output=True, text=True).stdout.strip()


def with_values(env: str, **values: str) -> str:
    """The .env text with these variables set (their line replaced, or added)."""
    for name, value in values.items():
        line = f"{name}={value}"
        env, found = re.subn(rf"^{name}=.*$", line, env, flags=re.M)
        env += "" if found else f"\n{line}\n"
    return env


def render(env: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """`docker-compose config` with `env` as the .env file, in an environment holding nothing
    else (the tests' own MONGO_URL and KAFKA_BOOTSTRAP_SERVERS would win over .env)."""
    executable = shutil.which("docker-compose")
    assert executable, "no docker-compose on this machine: `make compose-cli` installs Debian's"
    env_file = folder / ".env"
    env_file.write_text(env)
    command = [executable, "--env-file", str(env_file), "-f", str(ROOT / "docker-compose.yml"), "config"]
    return subprocess.run(
        command, env={"PATH": os.environ["PATH"]}, cwd=folder, capture_output=True, text=True, timeout=60
    )


def rendered(env: str, folder: Path) -> dict[str, Any]:
    result = render(env, folder)
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = yaml.safe_load(result.stdout)
    return document


SECRETS = {
    "ACTOR_SECRET": make_secret(),
    "ADMIN_TOKEN": make_secret(),
    "PERSONAL_DATA_KEYS": f"k1:{new_key()}",
    "PERSONAL_DATA_DIGEST_KEY": make_secret(),
    "CERTIFICATE_SECRET": make_secret(),
    "LINK_SECRET": make_secret(),
}


@pytest.fixture(scope="module")
def compose(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The configuration of the README's way: the example with the two secrets set."""
    return rendered(with_values(EXAMPLE, **SECRETS), tmp_path_factory.mktemp("compose"))


def settings_of(service: dict[str, Any], name: str) -> ServiceSettings:
    """The service's settings as its container builds them from its environment."""
    values = {key.lower(): value for key, value in service["environment"].items()}
    return SETTINGS[name](_env_file=None, **values)  # type: ignore[call-arg]


def _env_names(text: str) -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.M))


class TestServices:
    def test_every_service_folder_is_a_compose_service_built_from_the_one_dockerfile(
        self, compose: dict[str, Any]
    ) -> None:
        folders = {p.name for p in (ROOT / "services").iterdir() if (p / "pyproject.toml").exists()}
        assert folders == set(SETTINGS)
        for name in folders:
            build = compose["services"][name]["build"]
            assert build["dockerfile"] == "deploy/Dockerfile"
            assert build["args"] == {"SERVICE": name}
        assert "ARG SERVICE" in (ROOT / "deploy/Dockerfile").read_text()

    def test_the_infrastructure_uses_the_official_images(self, compose: dict[str, Any]) -> None:
        assert compose["services"]["kafka"]["image"].startswith("apache/kafka:")
        assert compose["services"]["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
        assert compose["services"]["mongo"]["image"].startswith("mongo:")

    def test_every_container_has_a_healthcheck(self, compose: dict[str, Any]) -> None:
        for name, service in compose["services"].items():
            assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"

    def test_services_start_only_after_what_they_depend_on_is_healthy(self, compose: dict[str, Any]) -> None:
        for name in SETTINGS:
            depends_on = compose["services"][name]["depends_on"]
            assert {"kafka", "mongo"} <= depends_on.keys(), name
            assert all(d["condition"] == "service_healthy" for d in depends_on.values()), name
        assert compose["services"]["gateway"]["depends_on"].keys() >= UPSTREAMS


class TestAddresses:
    @pytest.mark.parametrize("name", SETTINGS)
    def test_every_service_reaches_kafka_and_mongodb_by_their_container_names(
        self, compose: dict[str, Any], name: str
    ) -> None:
        env = compose["services"][name]["environment"]
        assert env["MONGO_URL"] == "mongodb://mongo:27017"
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert env["HTTP_HOST"] == "0.0.0.0"
        assert int(env["HTTP_PORT"]) == SETTINGS[name].model_fields["http_port"].default
        # in a container, 127.0.0.1 is the container itself
        assert not [k for k, v in env.items() if re.search(r"127\.0\.0\.1|localhost", str(v))], env

    def test_the_gateway_reaches_each_service_at_its_port(self, compose: dict[str, Any]) -> None:
        env = compose["services"]["gateway"]["environment"]
        for name in UPSTREAMS:
            port = SETTINGS[name].model_fields["http_port"].default
            assert env[f"{name.upper()}_URL"] == f"http://{name}:{port}"

    @pytest.mark.parametrize("name", SETTINGS)
    def test_every_variable_set_is_a_setting_of_that_service(self, compose: dict[str, Any], name: str) -> None:
        fields = {f.upper() for f in SETTINGS[name].model_fields}
        assert set(compose["services"][name]["environment"]) <= fields


class TestNetworks:
    def test_only_the_gateway_is_published(self, compose: dict[str, Any]) -> None:
        published = {name: s["ports"] for name, s in compose["services"].items() if s.get("ports")}
        assert published == {"gateway": [{"published": 8000, "target": 8000}]}

    def test_the_services_kafka_and_mongodb_sit_on_an_internal_network_the_gateway_bridges(
        self, compose: dict[str, Any]
    ) -> None:
        networks = compose["networks"]
        assert networks["internal"]["internal"] is True
        assert not (networks["public"] or {}).get("internal")
        joined = {name: set(s["networks"]) for name, s in compose["services"].items()}
        assert joined.pop("gateway") == {"internal", "public"}
        # out only, to the city's mail server and the SMS provider: nothing publishes it
        assert joined.pop("notifications") == {"internal", "public"}
        others = set(SETTINGS) - {"gateway", "notifications"}
        assert joined == {name: {"internal"} for name in [*others, "kafka", "mongo"]}


class TestSecrets:
    def test_the_example_holds_no_secret_and_does_not_render_until_one_is_set(self, tmp_path: Path) -> None:
        assert re.search(r"^ACTOR_SECRET=$", EXAMPLE, flags=re.M)
        assert re.search(r"^ADMIN_TOKEN=$", EXAMPLE, flags=re.M)
        assert DEVELOPMENT_ACTOR_SECRET not in EXAMPLE and DEVELOPMENT_ADMIN_TOKEN not in EXAMPLE
        result = render(EXAMPLE, tmp_path)
        assert result.returncode != 0
        assert "set ACTOR_SECRET" in result.stderr

    def test_the_readme_says_how_to_make_a_secret(self) -> None:
        assert MAKE_A_SECRET in (ROOT / "README.md").read_text()
        assert MAKE_A_SECRET in EXAMPLE

    @pytest.mark.parametrize("name", SETTINGS)
    def test_every_service_gets_the_secrets_set_and_starts_with_them(self, compose: dict[str, Any], name: str) -> None:
        service = compose["services"][name]
        assert service["environment"]["ACTOR_SECRET"] == SECRETS["ACTOR_SECRET"]
        assert service["environment"]["ENVIRONMENT"] == "production"
        settings = settings_of(service, name)
        assert settings.environment == "production"
        if isinstance(settings, OrganizationsSettings):
            assert settings.admin_token.get_secret_value() == SECRETS["ADMIN_TOKEN"]
            assert settings.personal_data_keys.get_secret_value() == SECRETS["PERSONAL_DATA_KEYS"]
        if isinstance(settings, PointsSettings):
            assert settings.certificate_secret.get_secret_value() == SECRETS["CERTIFICATE_SECRET"]

    @pytest.mark.parametrize(
        "secrets",
        [
            {**SECRETS, "ACTOR_SECRET": DEVELOPMENT_ACTOR_SECRET, "ADMIN_TOKEN": DEVELOPMENT_ADMIN_TOKEN},
            {**SECRETS, "ACTOR_SECRET": "letmein", "ADMIN_TOKEN": "letmein-too"},
        ],
        ids=["development", "short"],
    )
    def test_a_public_or_short_secret_stops_every_service_whatever_environment_says(
        self, tmp_path: Path, secrets: dict[str, str]
    ) -> None:
        env = rendered(with_values(EXAMPLE, ENVIRONMENT="development", **secrets), tmp_path)
        for name in SETTINGS:
            service = env["services"][name]
            assert service["environment"]["ENVIRONMENT"] == "production", name
            with pytest.raises(ValidationError, match="ACTOR_SECRET"):
                settings_of(service, name)

    def test_a_public_admin_token_stops_the_registry(self, tmp_path: Path) -> None:
        env = rendered(with_values(EXAMPLE, **{**SECRETS, "ADMIN_TOKEN": DEVELOPMENT_ADMIN_TOKEN}), tmp_path)
        with pytest.raises(ValidationError, match="ADMIN_TOKEN"):
            settings_of(env["services"]["organizations"], "organizations")

    def test_the_development_key_of_personal_data_stops_the_registry(self, tmp_path: Path) -> None:
        env = rendered(with_values(EXAMPLE, **{**SECRETS, "PERSONAL_DATA_KEYS": DEVELOPMENT_KEYS}), tmp_path)
        with pytest.raises(ValidationError, match="PERSONAL_DATA_KEYS"):
            settings_of(env["services"]["organizations"], "organizations")


def test_env_example_documents_every_setting() -> None:
    documented = _env_names(EXAMPLE)
    every = {f.upper() for s in SETTINGS.values() for f in s.model_fields} - {"SERVICE_NAME"}
    assert every - documented == set(), "settings missing from .env.example"
    assert documented - every == set(), ".env.example names settings that do not exist"

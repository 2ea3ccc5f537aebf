"""docker-compose.yml, read as operations would run it (no Docker engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.config import Settings as GatewaySettings
from matching.config import Settings as MatchingSettings
from needs.config import Settings as NeedsSettings
from organizations.config import Settings as OrganizationsSettings
from resources.config import Settings as ResourcesSettings
from shared.config import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS: dict[str, type[ServiceSettings]] = {
    "organizations": OrganizationsSettings,
    "needs": NeedsSettings,
    "resources": ResourcesSettings,
    "matching": MatchingSettings,
    "gateway": GatewaySettings,
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return document


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
        assert set(SETTINGS) - {"gateway"} <= compose["services"]["gateway"]["depends_on"].keys()


class TestSettings:
    @pytest.mark.parametrize("name", SETTINGS)
    def test_ports_are_the_settings_defaults_and_published_as_such(self, compose: dict[str, Any], name: str) -> None:
        service = compose["services"][name]
        port = SETTINGS[name].model_fields["http_port"].default
        assert int(service["environment"]["HTTP_PORT"]) == port
        assert service["ports"] == [f"{port}:{port}"]

    @pytest.mark.parametrize("name", SETTINGS)
    def test_every_variable_set_is_a_setting_of_that_service(self, compose: dict[str, Any], name: str) -> None:
        fields = {f.upper() for f in SETTINGS[name].model_fields}
        assert set(compose["services"][name]["environment"]) <= fields

    def test_the_gateway_reaches_each_service_at_its_port(self, compose: dict[str, Any]) -> None:
        env = compose["services"]["gateway"]["environment"]
        for name in set(SETTINGS) - {"gateway"}:
            port = SETTINGS[name].model_fields["http_port"].default
            assert env[f"{name.upper()}_URL"] == f"http://{name}:{port}"

    def test_env_example_documents_every_setting(self) -> None:
        documented = _env_names((ROOT / ".env.example").read_text())
        every = {f.upper() for s in SETTINGS.values() for f in s.model_fields} - {"SERVICE_NAME"}
        assert every - documented == set(), "settings missing from .env.example"
        assert documented - every == set(), ".env.example names settings that do not exist"

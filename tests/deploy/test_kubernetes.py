"""The Kubernetes manifests (deploy/k8s), rendered by kustomize as operations would
(`kustomize build deploy/k8s/overlays/<city|province>`), each object checked offline against
the Kubernetes 1.37 schemas `kubernetes-validate` ships (strict: no field a cluster would drop),
and the counts deploy/PROVINCE.md states found in them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from devkit.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = "1.37.0"


def kustomize() -> str:
    """`make kustomize` builds it into .local/bin from the Go module proxy."""
    found = shutil.which("kustomize") or str(ROOT / ".local" / "bin" / "kustomize")
    assert Path(found).exists(), "no kustomize: run `make kustomize`"
    return found


def rendered(overlay: str) -> list[dict[str, Any]]:
    built = subprocess.run(
        [kustomize(), "build", str(ROOT / "deploy" / "k8s" / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [doc for doc in yaml.safe_load_all(built.stdout) if doc]


def of_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


@pytest.mark.parametrize("overlay", ["city", "province"])
def test_every_object_is_valid_kubernetes(overlay: str) -> None:
    objects = rendered(overlay)
    assert len(objects) >= 30
    for manifest in objects:
        try:
            kubernetes_validate.validate(manifest, KUBERNETES, strict=True)
        except kubernetes_validate.ValidationError as exc:
            raise AssertionError(f"{manifest['kind']} {manifest['metadata']['name']}: {exc.message}") from exc


@pytest.mark.parametrize("overlay", ["city", "province"])
def test_only_the_gateway_is_reached_from_outside_and_every_service_is_probed_and_bounded(overlay: str) -> None:
    objects = rendered(overlay)
    deployments = of_kind(objects, "Deployment")
    assert set(deployments) == set(SETTINGS)
    services = of_kind(objects, "Service")
    assert all(s["spec"].get("type", "ClusterIP") == "ClusterIP" for s in services.values())
    (ingress,) = of_kind(objects, "Ingress").values()
    backends = {p["backend"]["service"]["name"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
    assert backends == {"gateway"}
    for name, deployment in deployments.items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert {"startupProbe", "livenessProbe", "readinessProbe"} <= set(container), name
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        limits = container["resources"]["limits"]
        assert limits["memory"] and container["resources"]["requests"]["cpu"], name
        assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


@pytest.mark.parametrize("overlay", ["city", "province"])
def test_every_setting_named_is_one_the_service_reads(overlay: str) -> None:
    """A name misspelt in a manifest would be ignored by the service, silently."""
    objects = rendered(overlay)
    (config,) = [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("pbs-settings")]
    shared = set(config["data"])
    for name, deployment in of_kind(objects, "Deployment").items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        fields = {f.upper() for f in SETTINGS[name].model_fields}
        own = {e["name"] for e in container.get("env", [])}
        unknown = own - fields
        assert not unknown, f"{name} reads no {sorted(unknown)}"
    every = set().union(*({f.upper() for f in s.model_fields} for s in SETTINGS.values()))
    assert shared <= every, sorted(shared - every)


def test_the_province_has_the_counts_its_document_states() -> None:
    """deploy/PROVINCE.md's table of processes is what the province overlay runs."""
    table = (ROOT / "deploy" / "PROVINCE.md").read_text()
    stated = dict(re.findall(r"^\| `(\w+)` \| (\d+) \|", table, flags=re.MULTILINE))
    objects = rendered("province")
    deployments = of_kind(objects, "Deployment")
    assert {name: str(d["spec"]["replicas"]) for name, d in deployments.items()} == stated
    (config,) = [o for o in objects if o["kind"] == "ConfigMap"]
    partitions = re.search(r"TOPIC_PARTITIONS=(\d+)", table)
    assert partitions is not None and config["data"]["TOPIC_PARTITIONS"] == partitions.group(1)
    (matching,) = deployments["matching"]["spec"]["template"]["spec"]["containers"]
    top = re.search(r"REMATCH_TOP=(\d+)", table)
    assert top is not None and {"name": "REMATCH_TOP", "value": top.group(1)} in matching["env"]

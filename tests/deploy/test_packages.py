"""Each service installed alone, as its image is (`deploy/Dockerfile`: `uv sync --frozen --no-dev
--no-editable --package pbs-<service>`), in an environment of its own: every module of the
service, of the contract and of the runtime imports with only the dependencies they declare,
and neither the dev kit nor a benchmark is there."""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from devkit.testing import ROOT

SERVICES = ("organizations", "needs", "resources", "matching", "points", "notifications", "cobuilding", "gateway")
UV = str(ROOT / "deploy" / "local" / "uv")

IMPORT_EVERYTHING = """
import importlib, importlib.util, pkgutil, sys
service = sys.argv[1]
found = []
for package in (service, "contract", "runtime"):
    root = importlib.import_module(package)
    for module in pkgutil.walk_packages(root.__path__, package + "."):
        if module.name.endswith(".__main__"):
            continue  # it starts the service
        importlib.import_module(module.name)
        found.append(module.name)
assert importlib.util.find_spec("devkit") is None, "the dev kit is installed"
assert not [m for m in found if m.rsplit(".", 1)[-1] == "bench"], "a benchmark ships"
print(len(found), "modules")
"""


def install_alone(service: str, into: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(into), "VIRTUAL_ENV": str(into)}
    command = [UV, "sync", "--frozen", "--no-dev", "--no-editable", "--package", f"pbs-{service}", "--quiet"]
    for built in ("pbs-contract", "pbs-runtime", f"pbs-{service}"):  # built from the tree as it is, not from uv's cache
        command += ["--reinstall-package", built]
    installed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if installed.returncode != 0:
        return installed
    python = str(into / "bin" / "python")
    return subprocess.run(
        [python, "-c", IMPORT_EVERYTHING, service], cwd=into, capture_output=True, text=True, timeout=300
    )


def test_every_service_imports_whole_with_only_its_declared_dependencies(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = dict(zip(SERVICES, pool.map(lambda s: install_alone(s, tmp_path / s), SERVICES), strict=True))
    failed = {s: (r.stdout + r.stderr)[-2000:] for s, r in done.items() if r.returncode != 0}
    assert not failed, failed
    for service, answer in done.items():
        assert int(answer.stdout.split()[0]) > 10, (service, answer.stdout)

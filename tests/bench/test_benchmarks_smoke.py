"""Every benchmark, run end to end at a small size: each starts, does every phase, and prints
its table and its JSON line, so that none can break unnoticed between two `make bench` runs.
The figures themselves are not judged here (at this size they mean little): `make bench-*`
runs the same code at full size."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from uuid import uuid4

import httpx
import pytest

from devkit.testing import PORTAL_PASSWORD, ROOT, PlatformApi, TestStack
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

SMALL = {
    "devkit.bench.organizations": ["--scale", "0.002", "--queries", "20"],
    "devkit.bench.needs": [
        *("--needs", "60", "--claims", "120", "--organizations", "20", "--concurrency", "8"),
        *("--steady-rate", "10", "--steady-seconds", "1"),
    ],
    "devkit.bench.resources": [
        *("--scale", "0.005", "--organizations", "20", "--searches", "20", "--baseline-searches", "2"),
        *("--bookings", "60", "--concurrency", "8", "--steady-rate", "10", "--steady-seconds", "1"),
    ],
    "devkit.bench.points": ["--scale", "0.01", "--needs", "100", "--baseline-needs", "10", "--reads", "20"],
    "devkit.bench.matching": [
        "--scales",
        "0.02",
        "--e2e-rate",
        "10",
        "--e2e-seconds",
        "2",
    ],  # end to end: the city's supply
    "devkit.bench.notify": ["--events", "600", "--baseline", "100", "--reads", "20", "--scale", "0.01"],
    "devkit.bench.redemptions": ["--redemptions", "120", "--stock", "30", "--concurrency", "60", "--baseline", "10"],
    "devkit.bench.cobuilding": ["--concerns", "120", "--concurrency", "20", "--baseline", "10", "--reads", "5"],
}
WITHIN_S = 60


def run_bench(module: str, args: list[str], env: dict[str, str], within: float = WITHIN_S) -> dict[str, object]:
    """Runs `python -m module args`; returns its JSON line, after checking it ended well and in time."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3 * within,
    )
    took = time.monotonic() - started
    assert done.returncode == 0, f"{module} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines, f"{module} printed nothing"
    result = json.loads(lines[-1])
    assert isinstance(result, dict) and result, f"{module}'s last line is no JSON object: {lines[-1]}"
    assert any("benchmark" in line for line in lines), f"{module} printed no table"
    assert took < within, f"{module} took {took:.0f} s at its small size"
    return result


@pytest.mark.parametrize("module", sorted(SMALL))
def test_a_service_benchmark_runs_to_its_json_line(module: str, infra: tuple[str, str]) -> None:
    kafka, mongo = infra
    result = run_bench(module, SMALL[module], {"KAFKA_BOOTSTRAP_SERVERS": kafka, "MONGO_URL": mongo})
    if module == "devkit.bench.matching":
        assert result["e2e_proposed"] == result["e2e_needs"]  # the service's half: every need proposed
    if module == "devkit.bench.cobuilding":  # every concern left unanswered goes up a level
        assert result["escalated"] == result["escalated_expected"]
    if module == "devkit.bench.redemptions":  # the shop's guarantees hold at any size
        assert (result["orders"], result["oversold"], result["negative_balances"]) == (30, 0, 0)
        assert result["stock_left"] == 0 and result["stock_recounted"] is True
    if module == "devkit.bench.notify":  # every message the table says, none twice
        assert result["messages_stored"] == result["messages_expected"] > 0
        assert result["mails_caught"] == result["mails_expected"] > 0
    if module == "devkit.bench.points":  # every completed claim earned once, every balance recounted
        assert result["movements"] == 2 * result["claims_completed"] and result["mismatched_balances"] == 0


def test_the_province_benchmark_runs_to_its_json_line() -> None:
    args = ["--cities", "3", "--scale", "0.02", "--instances", "2", "--partitions", "4"]
    result = run_bench("devkit.bench.province", args, {})
    instances = result["instances"]
    assert isinstance(instances, list) and [i["instance"] for i in instances] == [0, 1]
    province = result["province"]
    assert isinstance(province, dict) and sum(i["needs"] for i in instances) == province["open_needs"] == 3 * 400
    assert {i["supply"] for i in instances} == {province["supply"]}  # every instance keeps all the supply
    assert all(i["pct_of_optimum"] <= 100 for i in instances)


async def test_the_gateway_benchmark_runs_to_its_json_line(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Callable[..., Awaitable[list[Account]]]
) -> None:
    api = PlatformApi(stack, http)
    await api.ensure_area("350102001001")  # the city, a district, a street, a community
    organization = await api.register_organization("基准测试社区党委", "350102001001")
    people = await portal_accounts(
        Account(username=f"bench{uuid4().hex[:8]}", name="基准", role=Role.ORG_ADMIN, organization_id=organization),
        Account(username=f"bench{uuid4().hex[:8]}", name="基准", role=Role.AREA_ADMIN, area_code="350100"),
        Account(username=f"bench{uuid4().hex[:8]}", name="基准", role=Role.RESIDENT, area_code="350102001001"),
    )
    signed_in = [f"{person.username}:{PORTAL_PASSWORD}" for person in people]
    services = [arg for name in ("organizations", "needs", "resources") for arg in (f"--{name}-url", stack.url(name))]
    args = ["--url", stack.url("gateway"), "--clients", "4", "--requests", "40", *services]
    args += ["--dashboard-clients", "4", "--dashboards", "20"]
    args += ["--org-account", signed_in[0], "--admin-account", signed_in[1], "--resident-account", signed_in[2]]
    result = await asyncio.to_thread(run_bench, "devkit.bench.gateway", args, {})
    assert result["requests"] == 40 and result["dashboards"] == 20 and result["dashboards_errors"] == 0


async def test_the_replicas_benchmark_runs_to_its_json_line(stack: TestStack, http: httpx.AsyncClient) -> None:
    api = PlatformApi(stack, http)
    poster = await api.register_organization("副本基准社区党委", "350102001001")
    args = ["--writes", "10", "--needs-url", stack.url("needs"), "--organization", poster]
    args += ["--matching-url", stack.url("matching")]
    args += ["--database-prefix", stack.database(""), "--topic-prefix", stack.topic("")]
    # eight starts of a service, each a few seconds whatever the size
    result = await asyncio.to_thread(run_bench, "devkit.bench.replicas", args, {}, 150)
    assert [r["service"] for r in result["restarts"]] == ["organizations", "needs", "resources", "matching"]
    assert all(r["snapshot_bytes"] > 0 for r in result["restarts"])
    assert result["memberships"]["from_snapshot_s"] > 0 and result["memberships"]["snapshot_bytes"] > 0
    assert result["writes"] == 10 and result["visible_p99_ms"] > 0
    assert 0 < result["failover_s"] < 30

"""Benchmark of restarts and replicas, on the running stack's data (`make up DEMO=1`: the whole city).

    make bench-replicas
    python -m devkit.bench.replicas --writes 20 --database-prefix t1234_ --topic-prefix t1234.

For the registry, needs, resources and matching it starts a process of its own beside the
stack's one (a reader of the same database and topics; matching a further instance of its
group), with a fresh snapshot folder: the first start loads the read model from the database
(the baseline, in the same run), a clean stop writes the snapshot, and the second start reads
it and catches up from the topic. Ready means answering from a current read model (`/readyz`;
matching: its index live). The memberships a needs writer and the points service keep are read
from the members' topic (the baseline), snapshotted, and read back from the snapshot. Then
`--writes` needs are posted through the stack's needs service (the writer) and each is looked
for through the reader's read model until it is there: how long a write takes to reach another
replica (the baseline: until the writer's own has it). Last, two more matching instances join
the stack's and one is killed: how long until the others hold all of its districts. Prints a
table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from devkit.benchmarking import percentile, print_table, rss_mb
from devkit.testing import ServiceProcess, acting, ensure_infra, free_port, organization
from runtime.config import ServiceSettings
from runtime.memberships import KeptMemberships, MembershipsState
from runtime.replica import SnapshotFile

READY_GOAL_S, VISIBLE_GOAL_MS, FAILOVER_GOAL_S = 5.0, 200.0, 15.0
SNAPSHOTTED = ("organizations", "needs", "resources", "matching")
SESSION_S = 6.0  # matching's SESSION_SECONDS: the group's patience with a silent instance
KEPT = ("organizations", "needs")  # running on after their restarts: the replicas of the second part
STARTED: list[ServiceProcess] = []  # stopped at the end, whatever happened


def process(name: str, args: argparse.Namespace, snapshots: Path) -> ServiceProcess:
    kafka, mongo = ensure_infra()
    port = free_port()
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "MONGO_URL": mongo,
        "MONGO_DB": f"{args.database_prefix}{name}",
        "TOPIC_PREFIX": args.topic_prefix,
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "INFO",
        "SNAPSHOT_DIR": str(snapshots),
        # matching has no reader: a further instance of its group, with a writer lease of its own
        **({"INSTANCE": "9"} if name == "matching" else {"ROLE": "reader"}),
    }
    started = ServiceProcess(name, port, env, snapshots / f"{name}.log")
    STARTED.append(started)
    return started


def ready_after(service: ServiceProcess) -> float:
    """Starts the service; seconds until it answers from a current read model."""
    started = time.perf_counter()
    service.start()
    service.wait_ready(timeout=600)
    if service.name == "matching":  # ready before its index has caught up with the topics
        while not httpx.get(service.url + "/index", timeout=10).json()["live"]:
            time.sleep(0.05)
    return time.perf_counter() - started


def restarts(name: str, args: argparse.Namespace) -> dict[str, Any]:
    snapshots = Path(tempfile.mkdtemp(prefix=f"{name}-snapshots-"))
    service = process(name, args, snapshots)
    print(f"  {name}: starting, its read model from the database ...", flush=True)
    loaded = ready_after(service)
    memory = rss_mb(service.process.pid) if service.process else 0.0
    service.stop()
    size = sum(p.stat().st_size for p in snapshots.glob("*.snapshot"))
    print(f"  {name}: {loaded:.1f} s; stopped (snapshot {size / 1e6:.0f} MB); starting from it ...", flush=True)
    restored = ready_after(service)
    print(f"  {name}: {restored:.1f} s", flush=True)
    if name not in KEPT:
        service.stop()
    return {
        "service": name,
        "from_database_s": round(loaded, 2),
        "from_snapshot_s": round(restored, 2),
        "snapshot_bytes": size,
        "rss_mb": memory,
        "process": service,
    }


async def memberships(args: argparse.Namespace) -> dict[str, Any]:
    """Seconds until the memberships are current: read from the members' topic, then from a
    snapshot of them (as a needs writer and the points service start)."""
    kafka, _ = ensure_infra()
    settings = ServiceSettings(
        service_name="bench-memberships", http_port=0, kafka_bootstrap_servers=kafka, topic_prefix=args.topic_prefix
    )
    snapshot = SnapshotFile(Path(tempfile.mkdtemp(prefix="memberships-")) / "memberships.snapshot", "bench")
    print("  memberships: from the members' topic ...", flush=True)
    started = time.perf_counter()
    first = KeptMemberships(settings, snapshot, every=300)
    kept = await first.open()
    replayed = time.perf_counter() - started
    size = snapshot.save(MembershipsState(kept, first.positions), {})
    started = time.perf_counter()
    again = KeptMemberships(settings, snapshot, every=300)
    await again.open()
    restored = time.perf_counter() - started
    assert again.restored and again.memberships.organizations_of == kept.organizations_of
    print(f"  memberships: {replayed:.1f} s; from the snapshot {restored:.1f} s", flush=True)
    return {
        "members": len(kept.organizations_of),
        "from_topic_s": round(replayed, 2),
        "from_snapshot_s": round(restored, 2),
        "snapshot_bytes": size,
    }


async def visibility(writer: str, reader: str, organization_id: str, writes: int) -> tuple[list[float], list[float]]:
    """For each of `writes` needs posted through the writer: ms until the writer's own read model
    has it (the baseline), and until the reader's has it."""
    own: list[float] = []
    other: list[float] = []
    headers = acting(organization(organization_id))
    async with httpx.AsyncClient(timeout=60) as http:
        for n in range(writes):
            body: dict[str, Any] = {"organization_id": organization_id, "title": f"副本可见性 {n}"}
            body |= {"category": "community_governance", "area_code": "350102001001", "quantity": 1}
            posted = await http.post(f"{writer}/needs", json=body, headers=headers)
            assert posted.status_code == 201, posted.text
            written, need_id = time.perf_counter(), posted.json()["id"]
            for url, samples in ((writer, own), (reader, other)):
                while not (await http.get(f"{url}/needs", params={"ids": need_id})).json()["items"]:  # noqa: ASYNC110  # another process's state: polled
                    await asyncio.sleep(0.002)
                samples.append((time.perf_counter() - written) * 1000)
            if (n + 1) % max(1, writes // 5) == 0:
                print(f"  writes seen through the reader: {n + 1}/{writes}", flush=True)
    return own, other


def partitions_held(*urls: str) -> tuple[list[set[int]], int]:
    """The partitions of the needs topic each matching instance holds, and of how many."""
    states = [httpx.get(url + "/index", timeout=10).json() for url in urls]
    return [set(state["partitions"]) for state in states], states[0]["of"]


def failover(args: argparse.Namespace) -> float:
    """Two more matching instances join the stack's; one is killed: seconds until the others
    hold every partition again (its districts matched again)."""
    snapshots = Path(tempfile.mkdtemp(prefix="matching-failover-"))
    joining = [process("matching", args, snapshots) for _ in range(2)]
    for n, instance in enumerate(joining):
        instance.env["INSTANCE"] = str(7 + n)
        ready_after(instance)
    try:
        urls = [instance.url for instance in joining]
        while not all(partitions_held(*urls)[0]):  # each has a share
            time.sleep(0.1)
        print(f"  matching: the two joined hold {partitions_held(*urls)[0]}; one killed ...", flush=True)
        joining[1].kill()
        killed = time.perf_counter()
        while True:
            held, of = partitions_held(urls[0], args.matching_url)
            if set().union(*held) == set(range(of)) and sum(map(len, held)) == of:
                return time.perf_counter() - killed
            time.sleep(0.05)
    finally:
        for instance in joining:
            instance.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--needs-url", default="http://127.0.0.1:8002", help="the stack's needs service (the writer)")
    parser.add_argument("--matching-url", default="http://127.0.0.1:8004", help="the stack's matching service")
    parser.add_argument("--organization", help="who posts the needs (default: the registry's first organisation)")
    parser.add_argument("--restarts", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--database-prefix", default="", help="of the stack's databases (the tests': t1234_)")
    parser.add_argument("--topic-prefix", default="", help="of the stack's topics (the tests': t1234.)")
    args = parser.parse_args()

    try:
        if args.restarts:
            results = [restarts(name, args) for name in SNAPSHOTTED]
            registry, reader = (result.pop("process") for result in results[:2])
            for result in results[2:]:
                del result["process"]
            members = asyncio.run(memberships(args))
        else:  # the replicas only, each loaded from the database
            results, members = [], None
            registry, reader = (process(name, args, Path(tempfile.mkdtemp())) for name in KEPT)
            for replica in (registry, reader):
                ready_after(replica)
        organization_id = (
            args.organization
            or httpx.get(f"{registry.url}/organizations", params={"limit": 1}, timeout=30).json()["items"][0]["id"]
        )
        own, other = asyncio.run(visibility(args.needs_url, reader.url, organization_id, args.writes))
        registry.stop()
        reader.stop()
        print("  matching: two instances join the stack's ...", flush=True)
        taken_over = failover(args)
    finally:
        for started in STARTED:  # whatever happened, none left running
            started.stop()

    rows = [("service", "ready after a restart: from its snapshot", "goal", "from the database (baseline)")]
    for r in results:
        held = f"snapshot {r['snapshot_bytes'] / 1e6:.1f} MB, {r['rss_mb']:.0f} MB resident"
        rows.append(
            (
                r["service"],
                f"{r['from_snapshot_s']:.1f} s ({held})",
                f"< {READY_GOAL_S:.0f} s",
                f"{r['from_database_s']:.1f} s",
            )
        )
    if members is not None:
        rows.append(
            (
                f"memberships ({members['members']:,} members: a needs writer, points)",
                f"{members['from_snapshot_s']:.1f} s (snapshot {members['snapshot_bytes'] / 1e6:.1f} MB)",
                f"< {READY_GOAL_S:.0f} s",
                f"{members['from_topic_s']:.1f} s from the members' topic",
            )
        )
    rows.append(
        (
            "a write seen by another replica",
            f"p50 {percentile(other, 50):.0f} ms, p99 {percentile(other, 99):.0f} ms",
            f"p99 < {VISIBLE_GOAL_MS:.0f} ms",
            f"by its writer: p99 {percentile(own, 99):.0f} ms",
        )
    )
    rows.append(
        (
            "matching: a killed instance's districts",
            f"held by the others {taken_over:.1f} s after the kill",
            f"< {FAILOVER_GOAL_S:.0f} s",
            f"heartbeats missed after {SESSION_S:.0f} s",
        )
    )
    print_table(f"Restarts and replicas benchmark ({args.writes} writes)", rows)
    print(
        json.dumps(
            {
                "restarts": results,
                "memberships": members,
                "slowest_restart_s": max((r["from_snapshot_s"] for r in results), default=None),
                "ready_goal_s": READY_GOAL_S,
                "writes": args.writes,
                "visible_p50_ms": round(percentile(other, 50), 1),
                "visible_p99_ms": round(percentile(other, 99), 1),
                "visible_goal_p99_ms": VISIBLE_GOAL_MS,
                "writer_p99_ms": round(percentile(own, 99), 1),
                "failover_s": round(taken_over, 2),
                "failover_goal_s": FAILOVER_GOAL_S,
            }
        )
    )


if __name__ == "__main__":
    main()

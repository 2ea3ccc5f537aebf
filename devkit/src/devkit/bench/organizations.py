"""Benchmark of the registry at the size of a whole city, through the real service and database.

    make bench-registry                 # the full city: 16,000 organisations, 220,000 members
    python -m devkit.bench.organizations --scale 0.1

Starts its own organisations service (a fresh database, its own topics) on the running local
stack, imports the synthetic city as CSV files through the HTTP API, then times subtree
queries and name searches, and the same queries answered by the database itself (the baseline
the in-memory read model is measured against). Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from devkit.benchmarking import own_service, percentile, print_table, rss_mb, timed
from devkit.synthetic import City, expected_counts, generate_city, write_csv
from organizations.config import Settings
from organizations.imports.client import Job, import_file


async def import_city_file(http: httpx.AsyncClient, url: str, kind: str, path: Path) -> Job:
    started = time.perf_counter()

    def show(job: Job) -> None:
        print(
            f"  {kind}: {job['status']} {job['applied_rows']:,}/{job['valid_rows']:,} rows "
            f"({time.perf_counter() - started:.1f}s)",
            flush=True,
        )

    data = await asyncio.to_thread(path.read_bytes)
    token = Settings().admin_token.get_secret_value()
    job = await import_file(http, url, kind, path.name, data, admin_token=token, progress=show)
    if job["status"] != "done" or job["error_count"]:
        raise SystemExit(f"the {kind} import ended {job['status']}: {job['message']} {job['errors'][:3]}")
    return job


async def check_counts(http: httpx.AsyncClient, url: str, city: City) -> None:
    """Every city, district, street and community node counts what the generator made, or the run stops."""
    organizations, members = expected_counts(city)
    nodes = [a.code for a in city.areas if a.level in ("city", "district", "street", "community")]
    for code in nodes:
        node = (await http.get(f"{url}/areas/{code}")).json()
        if (node["organizations"], node["members"]) != (organizations[code], members[code]):
            raise SystemExit(
                f"area {code} counts {node['organizations']} organisations and {node['members']} "
                f"members; the generator made {organizations[code]} and {members[code]}"
            )
    print(f"[bench] the counts of all {len(nodes):,} nodes down to the communities match the generator", flush=True)


async def wait_published(http: httpx.AsyncClient, url: str, expected: int) -> float:
    """When the service's relay has published `expected` events (read off its metrics)."""
    published = 0
    while published < expected:
        metrics = (await http.get(f"{url}/metrics")).text
        published = sum(
            int(float(line.rsplit(" ", 1)[1]))
            for line in metrics.splitlines()
            if line.startswith("events_published_total{")
        )
        print(f"  events published: {published:,}/{expected:,}", flush=True)
        await asyncio.sleep(2)
    return time.perf_counter()


async def measure(url: str, mongo_url: str, database: str, city: City, queries: int) -> dict[str, float]:
    rng = random.Random(7)
    districts = [a.code for a in city.areas if a.level == "district"]
    names = [o.name for o in city.organizations]
    subtree: list[float] = []
    search: list[float] = []
    subtree_db: list[float] = []
    search_db: list[float] = []
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    collection = client[database]["organizations"]
    async with httpx.AsyncClient(timeout=30) as http:
        for _ in range(queries):
            district = rng.choice(districts)
            name = rng.choice(names)
            start = rng.randrange(max(1, len(name) - 2))
            part = name[start : start + 2]
            await timed(subtree, http.get(f"{url}/organizations", params={"area": district, "limit": 50}))
            await timed(search, http.get(f"{url}/organizations", params={"name": part, "limit": 50}))
        for _ in range(10):  # the database takes seconds for these: a few samples tell
            district = rng.choice(districts)
            part = rng.choice(names)[:2]
            await timed(subtree_db, collection.find({"area_code": {"$regex": f"^{district}"}}).limit(50).to_list())
            await timed(search_db, collection.find({"name": {"$regex": part}}).limit(50).to_list())
    return {
        "subtree_p50_ms": percentile(subtree, 50),
        "subtree_p99_ms": percentile(subtree, 99),
        "search_p50_ms": percentile(search, 50),
        "search_p99_ms": percentile(search, 99),
        "db_subtree_p50_ms": percentile(subtree_db, 50),
        "db_subtree_p99_ms": percentile(subtree_db, 99),
        "db_search_p50_ms": percentile(search_db, 50),
        "db_search_p99_ms": percentile(search_db, 99),
    }


async def main(scale: float, queries: int) -> dict[str, Any]:
    print(f"[bench] generating the synthetic city at scale {scale:g} ...", flush=True)
    city = generate_city(scale)
    folder = Path(tempfile.mkdtemp(prefix="registry-bench-"))
    files = {
        "areas": write_csv(city.areas, folder / "areas.csv"),
        "organizations": write_csv(city.organizations, folder / "organizations.csv", encoding="gbk"),
        "members": write_csv(city.members, folder / "members.csv"),
    }
    own = own_service("organizations")
    service, mongo = own.process, own.mongo
    try:
        async with httpx.AsyncClient(timeout=60) as http:
            started = time.perf_counter()
            jobs = {kind: await import_city_file(http, service.url, kind, path) for kind, path in files.items()}
            import_s = time.perf_counter() - started
            expected = len(city.organizations) + sum(len(m.organization_codes.split(";")) for m in city.members)
            drained_s = await wait_published(http, service.url, expected) - started - import_s
            await check_counts(http, service.url, city)
        print(f"[bench] {queries} subtree queries and {queries} name searches ...", flush=True)
        figures = await measure(service.url, mongo, own.database, city, queries)
        assert service.process is not None
        rss = rss_mb(service.process.pid)
        print("[bench] restarting the service: it loads its read model from the database ...", flush=True)
        started = time.perf_counter()
        service.stop()
        service.start()
        service.wait_ready(timeout=600)
        restart_s = time.perf_counter() - started
        return {
            "scale": scale,
            "areas": len(city.areas),
            "organizations": jobs["organizations"]["applied_rows"],
            "members": jobs["members"]["applied_rows"],
            "import_s": round(import_s, 1),
            "events": expected,
            "events_drained_s": round(drained_s, 1),
            **{k: round(v, 2) for k, v in figures.items()},
            "rss_mb": rss,
            "restart_s": round(restart_s, 1),
        }
    finally:
        service.stop()
        await AsyncMongoClient(mongo).drop_database(own.database)


def report(result: dict[str, Any]) -> None:
    rows = [
        (
            "import",
            f"{result['areas']:,} areas, {result['organizations']:,} organisations, {result['members']:,} members",
            f"{result['import_s']} s",
            "goal < 60 s",
        ),
        (
            "events on Kafka",
            f"{result['events']:,} published",
            f"{result['events_drained_s']} s",
            "after the import ended",
        ),
        (
            "district subtree, 50 organisations",
            "read model",
            f"p50 {result['subtree_p50_ms']} ms",
            f"p99 {result['subtree_p99_ms']} ms (goal < 50)",
        ),
        (
            "",
            "database ($regex on area_code)",
            f"p50 {result['db_subtree_p50_ms']} ms",
            f"p99 {result['db_subtree_p99_ms']} ms",
        ),
        (
            "name search, part of a name",
            "read model",
            f"p50 {result['search_p50_ms']} ms",
            f"p99 {result['search_p99_ms']} ms (goal < 50)",
        ),
        (
            "",
            "database ($regex on name)",
            f"p50 {result['db_search_p50_ms']} ms",
            f"p99 {result['db_search_p99_ms']} ms",
        ),
        ("service memory", "RSS after the import", f"{result['rss_mb']} MB", ""),
        ("restart", "until ready, read model loaded", f"{result['restart_s']} s", ""),
    ]
    print_table(f"Registry benchmark, scale {result['scale']:g}", rows)
    print(json.dumps(result))


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    report(asyncio.run(main(args.scale, args.queries)))


if __name__ == "__main__":
    cli()

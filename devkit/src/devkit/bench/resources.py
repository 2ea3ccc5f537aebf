"""Benchmark of the resources service: the full city's supply and bookings, free-venue search,
and booking under load with every double booking looked for.

    make bench-resources                               # 11,387 resources, 100,000 bookings
    python -m devkit.bench.resources --scale 0.1              # a tenth of it

Starts its own resources service (a fresh database, its own topics) on the running local
stack and announces the synthetic city's organisations to it on Kafka. Then:
- shares the city's 7,204 venues and 4,183 services through the API and imports 100,000
  bookings (five months of them, 1,000 a request);
- asks "venues free between T1 and T2 within 3 km of here" at random points and times, one
  at a time; the baseline, in the same run, asks the database the same (venues in the
  bounding box, then their bookings that overlap) as a service without a read model would;
- books at `--concurrency` requests in flight, a fifth of them for a slot asked for just
  before (they must be refused), then at a steady `--steady-rate` a second for `--steady-seconds` (20);
- reads every booking back from the database and counts overlaps of holding bookings of one
  venue: the double bookings, which must be 0.
Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from pymongo import AsyncMongoClient

from contract.events import ORGANIZATIONS_TOPIC
from contract.ids import entity_id
from contract.opening_hours import LOCAL
from devkit.benchmarking import announce, in_flight, own_service, percentile, print_table, rss_mb, timed, until_known
from devkit.synthetic import SERVICES_SHARED, VENUES_SHARED, generate_bookings, generate_city, generate_supply
from runtime.actors import Actor, ActorKind, sign
from runtime.config import DEVELOPMENT_ACTOR_SECRET

BOOKINGS = 100_000
DAY = timedelta(days=1)


async def post(
    http: aiohttp.ClientSession, path: str, body: dict[str, Any], headers: dict[str, str]
) -> tuple[int, Any]:
    async with http.post(path, json=body, headers=headers) as response:
        return response.status, await response.json()


async def get(http: aiohttp.ClientSession, path: str, params: dict[str, Any]) -> Any:
    async with http.get(path, params=params) as response:
        assert response.status == 200, await response.text()
        return await response.json()


def token(actor: Actor) -> dict[str, str]:
    return {"X-Actor": sign(actor, DEVELOPMENT_ACTOR_SECRET, ttl_seconds=86_400)}


def random_window(rng: random.Random, start: datetime) -> tuple[datetime, datetime]:
    """A two-hour window on the half hour, 1 to 30 days ahead, within a centre's opening hours."""
    day = start.astimezone(LOCAL).replace(hour=0, minute=0, second=0, microsecond=0) + rng.randint(1, 30) * DAY
    begins = day + timedelta(hours=rng.randint(9, 17), minutes=rng.choice((0, 30)))
    return begins, begins + timedelta(hours=2)


async def search_by_database(db: Any, lat: float, lon: float, begins: datetime, ends: datetime) -> int:
    """The baseline: the free-venue question asked of the database (bounding box, then overlaps)."""
    box = {"$gte": lat - 0.027, "$lte": lat + 0.027}, {"$gte": lon - 0.03, "$lte": lon + 0.03}
    venues = [v["_id"] async for v in db["resources"].find({"kind": "venue", "lat": box[0], "lon": box[1]}, {"_id": 1})]
    busy = db["bookings"].find(
        {
            "venue_id": {"$in": venues},
            "status": {"$in": ["requested", "confirmed"]},
            "starts_at": {"$lt": ends},
            "ends_at": {"$gt": begins},
        },
        {"venue_id": 1},
    )
    taken = {b["venue_id"] async for b in busy}
    return len(set(venues) - taken)


async def double_bookings(db: Any) -> tuple[int, int]:
    """(holding bookings, pairs of them that overlap on one venue), from the database."""
    by_venue: defaultdict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    async for b in db["bookings"].find(
        {"status": {"$in": ["requested", "confirmed"]}}, {"venue_id": 1, "starts_at": 1, "ends_at": 1}
    ):
        by_venue[b["venue_id"]].append((b["starts_at"], b["ends_at"]))
    overlaps = 0
    for ranges in by_venue.values():
        ranges.sort()
        latest_end = ranges[0][0]
        for start, end in ranges:
            overlaps += start < latest_end  # begins before one before it has ended
            latest_end = max(latest_end, end)
    return sum(len(r) for r in by_venue.values()), overlaps


async def main(
    scale: float,
    organizations: int,
    searches: int,
    asked: int,
    bookings: int,
    concurrency: int,
    steady_rate: int,
    steady_seconds: int = 20,
) -> dict[str, Any]:
    city = generate_city(organizations / 16_000)
    own = own_service("resources")
    service, run, kafka = own.process, own.run, own.kafka
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(own.mongo, tz_aware=True)
    db = client[own.database]
    rng = random.Random(7204)
    now = datetime.now(UTC)
    try:
        print(f"[bench] announcing {len(city.organizations):,} organisations on Kafka ...", flush=True)
        await announce(kafka, f"{run}.{ORGANIZATIONS_TOPIC}", city)
        until_known(service.url, len(city.organizations))
        async with aiohttp.ClientSession(service.url, connector=aiohttp.TCPConnector(limit=concurrency)) as http:
            specs = generate_supply(city, round(VENUES_SHARED * scale), round(SERVICES_SHARED * scale))
            shared: list[dict[str, Any]] = []

            def sharing(spec: Any) -> Callable[[], Awaitable[None]]:
                owner = Actor(
                    kind=ActorKind.ORGANIZATION, organization_id=entity_id("organization", spec.organization_code)
                )

                async def job() -> None:
                    status, answer = await post(http, "/resources", spec.body, token(owner))
                    assert status == 201, answer
                    shared.append(answer)

                return job

            print(f"[bench] sharing {len(specs):,} venues and services, {concurrency} in flight ...", flush=True)
            share_s = await in_flight("shared", (sharing(s) for s in specs), len(specs), concurrency)

            venues = [r for r in shared if r["kind"] == "venue"]
            rows = generate_bookings(city, [v["id"] for v in venues], round(BOOKINGS * scale), around=now)
            admin = token(Actor(kind=ActorKind.AREA_ADMIN, area_code=city.areas[0].code))
            print(f"[bench] importing {len(rows):,} bookings, 1,000 a request ...", flush=True)
            imported, started = Counter[str](), time.perf_counter()
            for i in range(0, len(rows), 1000):
                status, answer = await post(http, "/bookings/import", {"bookings": rows[i : i + 1000]}, admin)
                assert status == 200, answer
                imported.update(answer)
                if (i // 1000) % 10 == 9 or i + 1000 >= len(rows):
                    print(f"  bookings: {min(i + 1000, len(rows)):,}/{len(rows):,}", flush=True)
            import_s = time.perf_counter() - started

            queries = []
            for _ in range(searches):
                where = rng.choice(venues)
                queries.append(
                    (
                        where["lat"] + rng.uniform(-0.01, 0.01),
                        where["lon"] + rng.uniform(-0.01, 0.01),
                        *random_window(rng, now),
                    )
                )
            search_ms: list[float] = []
            found = 0
            print(f"[bench] {searches:,} searches for venues free between two times within 3 km ...", flush=True)
            for lat, lon, begins, ends in queries:
                params = {
                    "lat": lat,
                    "lon": lon,
                    "within_km": 3,
                    "free_from": begins.isoformat(),
                    "free_to": ends.isoformat(),
                    "limit": 50,
                }
                found += len((await timed(search_ms, get(http, "/resources", params)))["items"])
            baseline_ms: list[float] = []
            print(f"[bench] baseline: {asked:,} of them asked of the database ...", flush=True)
            for lat, lon, begins, ends in queries[:asked]:
                await timed(baseline_ms, search_by_database(db, lat, lon, begins, ends))

            # Bookings under load: centres and unions' bases, open every day, bookable by anyone.
            open_daily = [v for v in venues if v["bookable_by"] == "anyone" and len(v["opening_hours"][0]["days"]) == 7]
            org_ids = [entity_id("organization", o.code) for o in city.organizations]
            bookers = {o: token(Actor(kind=ActorKind.ORGANIZATION, organization_id=o)) for o in org_ids}
            answers: Counter[int] = Counter()
            recent: list[tuple[str, dict[str, Any]]] = []

            def booking(samples: list[float]) -> Callable[[], Awaitable[None]]:
                if recent and rng.random() < 0.2:
                    venue_id, body = rng.choice(recent[-200:])  # a slot asked for just before
                else:
                    venue_id = rng.choice(open_daily)["id"]
                    begins, ends = random_window(rng, now)
                    ends = begins + timedelta(minutes=30 * rng.randint(1, 4))
                    body = {"starts_at": begins.isoformat(), "ends_at": ends.isoformat(), "attendees": 5}
                    recent.append((venue_id, body))

                async def job() -> None:
                    status, answer = await timed(
                        samples, post(http, f"/venues/{venue_id}/bookings", body, bookers[rng.choice(org_ids)])
                    )
                    answers[status] += 1
                    assert status in (201, 409), answer

                return job

            load_ms: list[float] = []
            before = answers[201]
            print(f"[bench] booking {bookings:,} times, {concurrency} in flight ...", flush=True)
            load_s = await in_flight(
                "booking requests", (booking(load_ms) for _ in range(bookings)), bookings, concurrency
            )
            booked = answers[201] - before
            steady_ms: list[float] = []
            print(f"[bench] booking at a steady {steady_rate}/s for {steady_seconds} s ...", flush=True)
            sent, started = [], time.perf_counter()
            for k in range(steady_rate * steady_seconds):
                sent.append(asyncio.ensure_future(booking(steady_ms)()))
                await asyncio.sleep(max(0.0, started + (k + 1) / steady_rate - time.perf_counter()))
            await asyncio.gather(*sent)
            steady_s = time.perf_counter() - started
        assert service.process is not None
        rss = rss_mb(service.process.pid)
        print("[bench] reading every booking back, looking for overlaps ...", flush=True)
        holding, overlaps = await double_bookings(db)
        return {
            "resources": len(shared),
            "venues": len(venues),
            "bookings_imported": imported["imported"],
            "bookings_held": holding,
            "shares_per_s": round(len(shared) / share_s),
            "import_bookings_per_s": round(imported["received"] / import_s),
            "searches": searches,
            "baseline_searches": asked,
            "venues_found_per_search": round(found / max(1, searches), 1),
            "free_search_p50_ms": round(percentile(search_ms, 50), 1),
            "free_search_p99_ms": round(percentile(search_ms, 99), 1),
            "baseline_search_p50_ms": round(percentile(baseline_ms, 50), 1),
            "baseline_search_p99_ms": round(percentile(baseline_ms, 99), 1),
            "booking_requests": bookings,
            "concurrency": concurrency,
            "bookings_per_s": round(bookings / load_s),
            "booked_per_s": round(booked / load_s),
            "booking_p50_ms": round(percentile(load_ms, 50), 1),
            "booking_p99_ms": round(percentile(load_ms, 99), 1),
            "confirmed_or_requested": answers[201],
            "refused_taken": answers[409],
            "steady_rate": steady_rate,
            "steady_seconds": steady_seconds,
            "steady_achieved_per_s": round(steady_rate * steady_seconds / steady_s),
            "steady_p50_ms": round(percentile(steady_ms, 50), 1),
            "steady_p99_ms": round(percentile(steady_ms, 99), 1),
            "double_bookings": overlaps,
            "rss_mb": rss,
        }
    finally:
        service.stop()
        await client.drop_database(own.database)
        await client.close()


def report(r: dict[str, Any]) -> None:
    rows = [
        ("share a venue or service", f"{r['resources']:,} resources", f"{r['shares_per_s']:,}/s", ""),
        (
            "import bookings",
            f"{r['bookings_imported']:,} bookings, 1,000 a request",
            f"{r['import_bookings_per_s']:,}/s",
            "",
        ),
        (
            "venues free T1-T2 within 3 km",
            f"{r['searches']:,} searches, {r['venues_found_per_search']} found each",
            f"p50 {r['free_search_p50_ms']} ms",
            f"p99 {r['free_search_p99_ms']} ms (goal < 50)",
        ),
        (
            "baseline: asked of the database",
            f"{r['baseline_searches']:,} of the same searches",
            f"p50 {r['baseline_search_p50_ms']} ms",
            f"p99 {r['baseline_search_p99_ms']} ms",
        ),
        (
            "book a venue",
            f"{r['booking_requests']:,} requests, {r['concurrency']} in flight",
            f"{r['bookings_per_s']:,}/s ({r['booked_per_s']:,}/s booked)",
            f"p50 {r['booking_p50_ms']} ms, p99 {r['booking_p99_ms']} ms (goal ≥ 300/s)",
        ),
        (
            "  answered, both phases",
            "booked / refused (taken)",
            f"{r['confirmed_or_requested']:,}",
            f"{r['refused_taken']:,}",
        ),
        (
            "book a venue, steady",
            f"{r['steady_rate']}/s asked for {r['steady_seconds']} s",
            f"{r['steady_achieved_per_s']}/s done",
            f"p50 {r['steady_p50_ms']} ms, p99 {r['steady_p99_ms']} ms",
        ),
        (
            "double bookings",
            f"{r['bookings_held']:,} holding bookings read back",
            f"{r['double_bookings']}",
            "(goal 0)",
        ),
        ("service memory", "RSS after the run", f"{r['rss_mb']} MB", ""),
    ]
    print_table("Resources benchmark", rows)
    print(json.dumps(r))


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the city's venues, services and bookings")
    parser.add_argument("--organizations", type=int, default=2_000, help="organisations that share and book")
    parser.add_argument("--searches", type=int, default=2_000)
    parser.add_argument("--baseline-searches", type=int, default=10, help="of them asked of the database too")
    parser.add_argument("--bookings", type=int, default=20_000, help="booking requests under load")
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight")
    parser.add_argument("--steady-rate", type=int, default=300, help="booking requests a second in the steady phase")
    parser.add_argument("--steady-seconds", type=int, default=20, help="how long the steady phase lasts")
    args = parser.parse_args()
    report(
        asyncio.run(
            main(
                args.scale,
                args.organizations,
                args.searches,
                args.baseline_searches,
                args.bookings,
                args.concurrency,
                args.steady_rate,
                args.steady_seconds,
            )
        )
    )


if __name__ == "__main__":
    cli()

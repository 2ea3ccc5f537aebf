"""Benchmark of the needs service: posts and claims through the HTTP API, events counted on Kafka.

    make bench-needs                                  # 20,000 needs, 100,000 claims
    python -m devkit.bench.needs --needs 2000 --claims 10000

Starts its own needs service (a fresh database, its own topics) on the running local stack,
announces the synthetic city's organisations to it on Kafka, then posts needs and claims them
with `--concurrency` requests in flight. The baseline, in the same run: the same need
documents inserted straight into the database at the same concurrency (what storage alone
sustains). Afterwards every `need.posted` and `claim.made` is looked for on Kafka, once each (and how
long after the last claim was answered the last of them was sent: the outbox relay's lag), and
claims are sent at a steady rate below saturation (`--steady-rate`, `--steady-seconds`) to time one claim
when requests do not queue.
Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient

from contract.events import NEEDS_TOPIC, ORGANIZATIONS_TOPIC
from contract.ids import entity_id
from devkit.benchmarking import announce, in_flight, own_service, percentile, print_table, rss_mb, timed, until_known
from devkit.synthetic import generate_city, generate_history, generate_needs
from runtime.actors import Actor, ActorKind, sign
from runtime.config import DEVELOPMENT_ACTOR_SECRET


async def post(
    http: aiohttp.ClientSession, path: str, body: dict[str, Any], headers: dict[str, str]
) -> tuple[int, Any]:
    async with http.post(path, json=body, headers=headers) as response:
        return response.status, await response.json()


async def events_on_kafka(kafka: str, topic: str, expected: int) -> tuple[Counter[tuple[str, str]], float]:
    """How often each (type, need or claim id) was published, read until `expected` events
    arrived or the topic stays quiet for 10 seconds; and when the last of them was sent (epoch
    seconds, the records' timestamps)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka, group_id=f"bench-{uuid.uuid4().hex}", auto_offset_reset="earliest"
    )
    await consumer.start()
    seen: Counter[tuple[str, str]] = Counter()
    last_sent_ms = 0
    quiet_since = time.monotonic()
    try:
        while sum(seen.values()) < expected and time.monotonic() - quiet_since < 10:
            batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
            for records in batches.values():
                quiet_since = time.monotonic()
                for record in records:
                    last_sent_ms = max(last_sent_ms, record.timestamp)
                    event = json.loads(record.value or b"{}")
                    key = event["data"].get("claim_id") or event["data"].get("need_id")
                    seen[event["type"], f"{key}/{event['data'].get('version', '')}"] += 1
    finally:
        await consumer.stop()
    return seen, last_sent_ms / 1000


async def baseline(mongo: str, database: str, bodies: list[dict[str, Any]], concurrency: int) -> float:
    """Need-sized documents inserted straight into the database: inserts per second."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo)
    collection = client[database]["baseline"]

    def insert(body: dict[str, Any]) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            await collection.insert_one({**body, "_id": uuid.uuid4().hex, "outbox": [], "outbox_pending": False})

        return job

    seconds = await in_flight("baseline inserts", (insert(b) for b in bodies), len(bodies), concurrency)
    await client.drop_database(database)
    await client.close()
    return len(bodies) / seconds


async def main(
    needs: int, claims: int, organizations: int, concurrency: int, steady_rate: int, steady_seconds: int = 20
) -> dict[str, Any]:
    city = generate_city(organizations / 16_000)
    specs = generate_needs(city, needs, start=datetime.now(UTC))
    own = own_service("needs")
    service, run, kafka, mongo = own.process, own.run, own.kafka, own.mongo
    rng = random.Random(113195)
    org_ids = [entity_id("organization", o.code) for o in city.organizations]
    actors = {
        org_id: {
            "X-Actor": sign(
                Actor(kind=ActorKind.ORGANIZATION, organization_id=org_id), DEVELOPMENT_ACTOR_SECRET, ttl_seconds=86_400
            )
        }
        for org_id in org_ids
    }
    try:
        print(f"[bench] announcing {len(org_ids):,} organisations on Kafka ...", flush=True)
        await announce(kafka, f"{run}.{ORGANIZATIONS_TOPIC}", city)
        until_known(service.url, len(org_ids))
        print(f"[bench] baseline: {needs:,} need documents straight into the database ...", flush=True)
        baseline_per_s = await baseline(mongo, f"{run}_baseline", [s.body for s in specs], concurrency)
        # aiohttp: httpx's pool spends more CPU than the service does at this many connections
        async with aiohttp.ClientSession(service.url, connector=aiohttp.TCPConnector(limit=concurrency)) as http:
            history = generate_history(city, needs, end=datetime.now(UTC))
            city_admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=city.areas[0].code)
            admin = {"X-Actor": sign(city_admin, DEVELOPMENT_ACTOR_SECRET, ttl_seconds=86_400)}
            print(f"[bench] importing the history: {needs:,} fulfilled needs, 500 a request ...", flush=True)
            started = time.perf_counter()
            for i in range(0, needs, 500):
                status, answer = await post(http, "/needs/history", {"needs": history[i : i + 500]}, admin)
                assert status == 200, answer
                print(f"  history: {min(i + 500, needs):,}/{needs:,}", flush=True)
            history_s = time.perf_counter() - started
            history_claims = sum(len(n["claims"]) for n in history)  # each announced claim.completed

            post_ms: list[float] = []
            posted: list[tuple[str, str, int]] = []  # need id, poster, quantity

            def posting(spec: Any) -> Callable[[], Awaitable[None]]:
                poster = entity_id("organization", spec.organization_code)

                async def job() -> None:
                    status, answer = await timed(post_ms, post(http, "/needs", spec.body, actors[poster]))
                    assert status == 201, answer
                    posted.append((answer["id"], poster, int(spec.body["quantity"])))

                return job

            print(f"[bench] posting {needs:,} needs, {concurrency} in flight ...", flush=True)
            post_s = await in_flight("needs posted", (posting(s) for s in specs), needs, concurrency)

            claim_ms: list[float] = []
            answers: Counter[int] = Counter()
            granted: list[str] = []

            def claiming(samples: list[float]) -> Callable[[], Awaitable[None]]:
                need_id, poster, _ = rng.choice(posted)
                claimer = rng.choice(org_ids)
                while claimer == poster:
                    claimer = rng.choice(org_ids)

                async def job() -> None:
                    status, answer = await timed(
                        samples, post(http, f"/needs/{need_id}/claims", {"quantity": 1}, actors[claimer])
                    )
                    answers[status] += 1
                    if status == 201:
                        granted.append(answer["id"])

                return job

            print(f"[bench] claiming {claims:,} times, {concurrency} in flight ...", flush=True)
            claim_s = await in_flight("claims", (claiming(claim_ms) for _ in range(claims)), claims, concurrency)
            answered_at = time.time()  # the last claim answered: its events are stored, to be relayed
            assert set(answers) <= {201, 409}, f"unexpected answers: {answers}"
            assert service.process is not None
            rss = rss_mb(service.process.pid)

            granted_n, refused_n = len(granted), answers[409]
            # need.posted; claim.made and need.updated per claim; the history's claim.completed
            expected = len(posted) + 2 * granted_n + history_claims
            print(f"[bench] counting {expected:,} events on Kafka (the relay drains meanwhile) ...", flush=True)
            seen, last_sent_at = await events_on_kafka(kafka, f"{run}.{NEEDS_TOPIC}", expected)

            steady_ms: list[float] = []
            steady = steady_rate * steady_seconds
            print(f"[bench] claiming at a steady {steady_rate}/s for {steady_seconds} s ...", flush=True)
            sent: list[asyncio.Future[None]] = []
            for _ in range(steady):
                sent.append(asyncio.ensure_future(claiming(steady_ms)()))
                await asyncio.sleep(1 / steady_rate)
            await asyncio.gather(*sent)
        wanted = [("need.posted", f"{n}/") for n, _, _ in posted] + [
            ("claim.made", f"{c}/") for c in granted[:granted_n]
        ]
        lost = sum(1 for key in wanted if seen[key] == 0)
        lost += history_claims - sum(1 for kind, _ in seen if kind == "claim.completed")
        duplicated = sum(n - 1 for n in seen.values() if n > 1)
        units = sum(q for _, _, q in posted)
        return {
            "needs": len(posted),
            "claims": claims,
            "granted": granted_n,
            "refused_full": refused_n,
            "units": units,
            "concurrency": concurrency,
            "organizations": len(org_ids),
            "baseline_inserts_per_s": round(baseline_per_s),
            "history_needs_per_s": round(needs / history_s),
            "posts_per_s": round(len(posted) / post_s),
            "post_p50_ms": round(percentile(post_ms, 50), 1),
            "post_p99_ms": round(percentile(post_ms, 99), 1),
            "claims_per_s": round(claims / claim_s),
            "claim_p50_ms": round(percentile(claim_ms, 50), 1),
            "claim_p99_ms": round(percentile(claim_ms, 99), 1),
            "steady_claims_per_s": steady_rate,
            "steady_seconds": steady_seconds,
            "steady_claim_p50_ms": round(percentile(steady_ms, 50), 1),
            "steady_claim_p99_ms": round(percentile(steady_ms, 99), 1),
            "events": sum(seen.values()),
            "lost_events": lost,
            "duplicated_events": duplicated,
            "events_out_after_s": round(max(0.0, last_sent_at - answered_at), 2),
            "rss_mb": rss,
        }
    finally:
        service.stop()
        await AsyncMongoClient(mongo).drop_database(own.database)


def report(result: dict[str, Any]) -> None:
    rows = [
        (
            "history import (fulfilled needs)",
            f"{result['needs']:,} needs, 500 a request",
            f"{result['history_needs_per_s']:,}/s",
            "",
        ),
        (
            "baseline: insert into the database",
            f"{result['needs']:,} documents",
            f"{result['baseline_inserts_per_s']:,}/s",
            "",
        ),
        (
            "post a need",
            f"{result['needs']:,} needs, {result['concurrency']} in flight",
            f"{result['posts_per_s']:,}/s",
            f"p50 {result['post_p50_ms']} ms, p99 {result['post_p99_ms']} ms (goal ≥ 500/s)",
        ),
        (
            "claim a need",
            f"{result['claims']:,} claims, {result['granted']:,} granted",
            f"{result['claims_per_s']:,}/s",
            f"p50 {result['claim_p50_ms']} ms, p99 {result['claim_p99_ms']} ms (goal < 100)",
        ),
        (
            "claim a need, below saturation",
            f"a steady {result['steady_claims_per_s']}/s for {result['steady_seconds']} s",
            "",
            f"p50 {result['steady_claim_p50_ms']} ms, p99 {result['steady_claim_p99_ms']} ms",
        ),
        (
            "events on Kafka",
            f"{result['events']:,} read back",
            f"{result['lost_events']} lost",
            f"{result['duplicated_events']} duplicated (goal 0 and 0)",
        ),
        (
            "events out after the last answer",
            "the relay's lag behind the claims",
            f"{result['events_out_after_s']} s",
            "goal < 1 s (52 s when the relay waited for the broker a document at a time)",
        ),
        ("service memory", "RSS after the run", f"{result['rss_mb']} MB", ""),
    ]
    print_table("Needs benchmark", rows)
    print(json.dumps(result))


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--needs", type=int, default=20_000)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--organizations", type=int, default=2_000, help="posting and claiming organisations")
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight")
    parser.add_argument("--steady-rate", type=int, default=30, help="claims a second in the steady phase")
    parser.add_argument("--steady-seconds", type=int, default=20, help="how long the steady phase lasts")
    args = parser.parse_args()
    report(
        asyncio.run(
            main(args.needs, args.claims, args.organizations, args.concurrency, args.steady_rate, args.steady_seconds)
        )
    )


if __name__ == "__main__":
    cli()

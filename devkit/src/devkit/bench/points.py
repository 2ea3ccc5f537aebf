"""Benchmark of the points service: the synthetic city's history earned through Kafka.

    make bench-points                          # 20,006 needs, ~113,000 completed claims
    python -m devkit.bench.points --needs 2000 --baseline-needs 200

Starts its own points service (a fresh database, its own topics) on the running local stack,
announces the city's organisations to it as the registry does (the boards rank organisations
where they are registered) and waits until it knows them all, then puts the city's history on
its needs topic as the needs service sends it: each need's `need.posted`, then its claims'
`claim.completed`, keyed by the need (`history_events`). Attendance at activities (check-in to
check-out) joins the history in `attendance_events`. Timed from the first event sent to the
service's consumer group committing the last one: each completed claim is two movements (points
and minutes), each movement two postings. The baseline, in the same run: a service of its own
taking the events one at a time (`BATCH_EVENTS=false`, each its own reads and insert) on the
first `--baseline-needs` needs. While the history is earned, and after, an account's balance and
the organisations' leaderboard are read over HTTP (p99). Last, every balance is recounted from
the stored postings and compared with the service's answer for it. Prints progress, a table,
then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from contract.events import NEEDS_TOPIC, ORGANIZATIONS_TOPIC, Envelope
from contract.events.needs import ClaimCompleted, ClaimData, NeedPosted, NeedPostedData
from contract.ids import entity_id
from contract.taxonomy import Category
from devkit.benchmarking import (
    OwnService,
    announce,
    own_service,
    percentile,
    print_table,
    rss_mb,
    timed,
    until_known,
)
from devkit.synthetic import NEEDS_POSTED, City, generate_city, generate_history
from runtime.actors import Actor, ActorKind, sign
from runtime.config import DEVELOPMENT_ACTOR_SECRET
from runtime.kafka import encode

PLATFORM = {"X-Actor": sign(Actor(kind=ActorKind.PLATFORM), DEVELOPMENT_ACTOR_SECRET, ttl_seconds=86_400)}


def history_events(history: Sequence[dict[str, Any]]) -> list[Envelope]:
    """The needs service's events of a fulfilled history, as if it had been lived on the
    platform: each need posted, then its claims completed (at the times they were, each saying
    what its need is), keyed by the need so a need's events keep their order."""
    events: list[Envelope] = []
    for need in history:
        need_id, poster = str(need["id"]), str(need["organization_id"])
        posted = NeedPostedData(
            need_id=need_id,
            organization_id=poster,
            title=str(need["title"]),
            category=Category(need["category"]),
            area_code=str(need["area_code"]),
            quantity=int(need["quantity"]),
        )
        events.append(NeedPosted(source="needs", subject=need_id, time=need["posted_at"], data=posted))
        for i, claim in enumerate(need["claims"]):
            data = ClaimData(
                claim_id=entity_id("claim", f"{need_id}/{i}"),
                need_id=need_id,
                need_organization_id=poster,
                organization_id=claim["organization_id"],
                quantity=1,
                title=posted.title,
                category=posted.category,
                area_code=posted.area_code,
            )
            events.append(ClaimCompleted(source="needs", subject=need_id, time=claim["completed_at"], data=data))
    return events


def attendance_events(city: City) -> list[tuple[str, Envelope]]:
    """Attendance at the city's activities, each event with the topic it comes on: none yet.
    When check-in and check-out are earned from, their events join the history here."""
    return []


async def send(kafka: str, messages: Sequence[tuple[str, bytes, bytes, Any]]) -> dict[TopicPartition, int]:
    """Publishes the encoded messages, in order; answers where each partition ends afterwards."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka, enable_idempotence=True, linger_ms=20)
    await producer.start()
    ends: dict[TopicPartition, int] = {}
    try:
        sent = [
            await producer.send(topic, value=value, key=key, headers=headers) for topic, key, value, headers in messages
        ]
        for metadata in await asyncio.gather(*sent):
            tp = TopicPartition(metadata.topic, metadata.partition)
            ends[tp] = max(ends.get(tp, 0), metadata.offset + 1)
    finally:
        await producer.stop()
    return ends


async def consumed(admin: AIOKafkaAdminClient, group: str, ends: dict[TopicPartition, int]) -> int:
    """How many of the sent records the group has committed past."""
    offsets = await admin.list_consumer_group_offsets(group)
    return sum(
        min(end, offsets[tp].offset) if tp in offsets and offsets[tp].offset >= 0 else 0 for tp, end in ends.items()
    )


async def earn(own: OwnService, events: Sequence[tuple[str, Envelope]], reads: bool) -> dict[str, Any]:
    """Sends the events to the service and waits until its group consumed them all, printing
    progress; with `reads`, reads balances and the leaderboard meanwhile, one at a time."""
    messages = [(own.topic(topic), *encode(event)) for topic, event in events]
    accounts = sorted({f"organization:{e.data.organization_id}" for _, e in events if isinstance(e, ClaimCompleted)})
    balance_ms: list[float] = []
    board_ms: list[float] = []
    finished = asyncio.Event()

    async def read() -> None:
        rng = random.Random(7)
        async with aiohttp.ClientSession(own.url) as http:
            while not finished.is_set():
                await timed(balance_ms, get(http, f"/accounts/{rng.choice(accounts)}/balance", PLATFORM))
                await timed(board_ms, get(http, "/leaderboard?limit=20"))
                await asyncio.sleep(0.01)

    admin = AIOKafkaAdminClient(bootstrap_servers=own.kafka)
    await admin.start()
    reader = asyncio.ensure_future(read()) if reads else None
    try:
        started = time.perf_counter()
        ends = await send(own.kafka, messages)
        sent_s = time.perf_counter() - started
        total, done, last_print = len(messages), 0, 0.0
        while done < total:
            await asyncio.sleep(0.5)
            done = await consumed(admin, f"{own.run}.points", ends)
            elapsed = time.perf_counter() - started
            if elapsed - last_print >= 5 or done == total:
                last_print = elapsed
                print(f"  events earned from: {done:,}/{total:,} ({done / elapsed:,.0f}/s)", flush=True)
        seconds = time.perf_counter() - started
    finally:
        finished.set()
        if reader is not None:
            await reader
        await admin.close()
    return {"events": total, "seconds": seconds, "sent_s": sent_s, "balance_ms": balance_ms, "board_ms": board_ms}


async def get(http: aiohttp.ClientSession, path: str, headers: dict[str, str] | None = None) -> Any:
    async with http.get(path, headers=headers) as answer:
        assert answer.status == 200, await answer.text()
        return await answer.json()


async def movements_of(own: OwnService) -> int:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(own.mongo)
    try:
        return await client[own.database]["movements"].count_documents({})
    finally:
        await client.close()


async def recount(own: OwnService, concurrency: int) -> dict[str, Any]:
    """Every account's balance summed from the stored postings, against the service's answer."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(own.mongo)
    summed: Counter[tuple[str, str]] = Counter()
    movements = 0
    try:
        async for movement in client[own.database]["movements"].find({}, {"unit": 1, "postings": 1}, batch_size=5000):
            movements += 1
            for posting in movement["postings"]:
                summed[posting["account"], movement["unit"]] += posting["amount"]
    finally:
        await client.close()
    accounts = sorted({account for account, _ in summed})
    wrong: list[str] = []
    queue = iter(accounts)
    print(f"[bench] recounting {len(accounts):,} balances from {movements:,} movements ...", flush=True)

    async def check(http: aiohttp.ClientSession) -> None:
        for account in queue:
            answer = await get(http, f"/accounts/{account}/balance", PLATFORM)
            if (answer["points"], answer["minutes"]) != (summed[account, "points"], summed[account, "minutes"]):
                wrong.append(account)

    async with aiohttp.ClientSession(own.url) as http:
        await asyncio.gather(*(check(http) for _ in range(concurrency)))
    return {"accounts": len(accounts), "recounted_movements": movements, "mismatched": len(wrong)}


async def idle_reads(own: OwnService, accounts: list[str], count: int) -> tuple[list[float], list[float]]:
    """Balances and leaderboards read one at a time once the history is in."""
    rng = random.Random(11)
    balance_ms: list[float] = []
    board_ms: list[float] = []
    async with aiohttp.ClientSession(own.url) as http:
        for _ in range(count):
            await timed(balance_ms, get(http, f"/accounts/{rng.choice(accounts)}/balance", PLATFORM))
            await timed(board_ms, get(http, "/leaderboard?limit=20"))
    return balance_ms, board_ms


async def run_one(
    city: City, events: Sequence[tuple[str, Envelope]], *, batched: bool, reads: int, concurrency: int
) -> dict[str, Any]:
    own = own_service("points", batch_events=str(batched).lower())
    try:
        # the registry's events first: the boards rank organisations where they are registered
        await announce(own.kafka, own.topic(ORGANIZATIONS_TOPIC), city)
        until_known(own.url, len(city.organizations))  # known before the history, as in the city
        mode = "a run at a time" if batched else "one at a time (baseline)"
        print(f"[bench] {mode}: {len(events):,} events to the points service on Kafka ...", flush=True)
        earned = await earn(own, events, reads=batched)
        result = {"events": earned["events"], "seconds": earned["seconds"]}
        if not batched:  # the recount below counts the movements too: a whole scan of them is long on FerretDB
            result["movements"] = await movements_of(own)
            return {**result, "movements_per_s": result["movements"] / earned["seconds"]}
        claimers = sorted(
            {f"organization:{e.data.organization_id}" for _, e in events if isinstance(e, ClaimCompleted)}
        )
        idle_balance, idle_board = await idle_reads(own, claimers, reads)
        assert own.process.process is not None
        board = await leaderboard(own)
        recounted = await recount(own, concurrency)
        return {
            **result,
            "movements": recounted["recounted_movements"],
            "movements_per_s": recounted["recounted_movements"] / earned["seconds"],
            "sent_s": earned["sent_s"],
            "busy_balance_ms": earned["balance_ms"],
            "busy_board_ms": earned["board_ms"],
            "idle_balance_ms": idle_balance,
            "idle_board_ms": idle_board,
            "leader": board[0] if board else None,
            "rss_mb": rss_mb(own.process.process.pid),
            **recounted,
        }
    finally:
        own.process.stop()
        await AsyncMongoClient(own.mongo).drop_database(own.database)


async def leaderboard(own: OwnService) -> list[dict[str, Any]]:
    """The city's organisations board, its first three."""
    async with aiohttp.ClientSession(own.url) as http:
        board: list[dict[str, Any]] = (await get(http, "/leaderboard?limit=3"))["items"]
        return board


async def main(needs: int, baseline_needs: int, reads: int, concurrency: int, scale: float = 1.0) -> dict[str, Any]:
    city = generate_city(scale)
    print(f"[bench] the city's history: {needs:,} fulfilled needs and their claims ...", flush=True)
    history = generate_history(city, needs, end=datetime.now(UTC))
    events = [(NEEDS_TOPIC, e) for e in history_events(history)] + attendance_events(city)
    claims = sum(1 for _, e in events if isinstance(e, ClaimCompleted))
    baseline_events = [(NEEDS_TOPIC, e) for e in history_events(history[:baseline_needs])]
    baseline = await run_one(city, baseline_events, batched=False, reads=0, concurrency=concurrency)
    batched = await run_one(city, events, batched=True, reads=reads, concurrency=concurrency)
    busy_balance, busy_board = batched["busy_balance_ms"], batched["busy_board_ms"]
    idle_balance, idle_board = batched["idle_balance_ms"], batched["idle_board_ms"]
    return {
        "needs": needs,
        "claims_completed": claims,
        "events": batched["events"],
        "movements": batched["movements"],
        "postings": 2 * batched["movements"],
        "seconds": round(batched["seconds"], 1),
        "send_s": round(batched["sent_s"], 1),
        "movements_per_s": round(batched["movements_per_s"]),
        "postings_per_s": round(2 * batched["movements_per_s"]),
        "baseline_needs": baseline_needs,
        "baseline_events": baseline["events"],
        "baseline_movements": baseline["movements"],
        "baseline_movements_per_s": round(baseline["movements_per_s"]),
        "baseline_postings_per_s": round(2 * baseline["movements_per_s"]),
        "speedup": round(batched["movements_per_s"] / baseline["movements_per_s"], 1),
        "busy_reads": len(busy_balance),
        "busy_balance_p99_ms": round(percentile(busy_balance, 99), 1),
        "busy_leaderboard_p99_ms": round(percentile(busy_board, 99), 1),
        "reads": len(idle_balance),
        "balance_p50_ms": round(percentile(idle_balance, 50), 1),
        "balance_p99_ms": round(percentile(idle_balance, 99), 1),
        "leaderboard_p50_ms": round(percentile(idle_board, 50), 1),
        "leaderboard_p99_ms": round(percentile(idle_board, 99), 1),
        "accounts": batched["accounts"],
        "recounted_movements": batched["recounted_movements"],
        "mismatched_balances": batched["mismatched"],
        "leader": batched["leader"],
        "rss_mb": batched["rss_mb"],
    }


def report(result: dict[str, Any]) -> None:
    rows = [
        (
            "baseline: one event at a time",
            f"{result['baseline_events']:,} events ({result['baseline_needs']:,} needs)",
            f"{result['baseline_postings_per_s']:,} postings/s",
            f"{result['baseline_movements_per_s']:,} movements/s",
        ),
        (
            "the history, a run at a time",
            f"{result['events']:,} events, {result['claims_completed']:,} claims",
            f"{result['postings_per_s']:,} postings/s",
            f"{result['movements_per_s']:,} movements/s, {result['speedup']}x (goal ≥ 2,000 postings/s)",
        ),
        ("", f"{result['movements']:,} movements in {result['seconds']} s", "", f"sent in {result['send_s']} s"),
        (
            "read a balance, while earning",
            f"{result['busy_reads']:,} reads, one at a time",
            f"p99 {result['busy_balance_p99_ms']} ms",
            "",
        ),
        (
            "read the leaderboard, while earning",
            f"{result['busy_reads']:,} reads, one at a time",
            f"p99 {result['busy_leaderboard_p99_ms']} ms",
            "",
        ),
        (
            "read a balance",
            f"{result['reads']:,} reads, one at a time",
            f"p99 {result['balance_p99_ms']} ms",
            f"p50 {result['balance_p50_ms']} ms (goal p99 < 50)",
        ),
        (
            "read the leaderboard",
            f"{result['reads']:,} reads, one at a time",
            f"p99 {result['leaderboard_p99_ms']} ms",
            f"p50 {result['leaderboard_p50_ms']} ms (goal p99 < 50)",
        ),
        (
            "balances recounted from postings",
            f"{result['accounts']:,} accounts, {result['recounted_movements']:,} movements",
            f"{result['mismatched_balances']} differ",
            "(goal 0)",
        ),
        ("service memory", "RSS after the run", f"{result['rss_mb']} MB", ""),
    ]
    print_table("Points benchmark", rows)
    print(json.dumps(result, ensure_ascii=False))


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--needs", type=int, default=NEEDS_POSTED, help="fulfilled needs of the history")
    parser.add_argument("--baseline-needs", type=int, default=500, help="needs the one-at-a-time baseline takes")
    parser.add_argument("--reads", type=int, default=1_000, help="balances and leaderboards read after the history")
    parser.add_argument("--concurrency", type=int, default=16, help="balances read at once in the recount")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the city whose organisations claim")
    args = parser.parse_args()
    report(asyncio.run(main(args.needs, args.baseline_needs, args.reads, args.concurrency, args.scale)))


if __name__ == "__main__":
    cli()

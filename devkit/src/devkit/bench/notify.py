"""Benchmark of the notifications service: a day of the city's events decided into inboxes.

    make bench-notify                          # 50,000 events
    python -m devkit.bench.notify --events 5000 --baseline 500

Starts its own notifications service (a fresh database, its own topics) on the running local
stack and puts a busy day's events on the topics they come on, as the services send them:
claims made and completed on needs of the city's organisations, residents' wishes claimed,
venue bookings waiting for approval and matches proposed (`day_of_events`). Timed from the first
event sent to the service's consumer group committing the last one. The baseline, in the same
run: a service of its own taking the events one at a time (`BATCH_EVENTS=false`, an insert per
event) on the first `--baseline` of them. Afterwards the messages stored are counted against
what the table says the events tell, the mails the local stack's catcher (Mailpit) received for
the `MAILED` organisations that gave an address against their messages, and inboxes and unread
counts are read over HTTP, one at a time (p99). Prints progress, a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from contract.events import MATCHING_TOPIC, NEEDS_TOPIC, RESOURCES_TOPIC, Envelope
from contract.events.matching import MatchProposed, MatchProposedData
from contract.events.needs import ClaimCompleted, ClaimData, ClaimMade, WishClaimed, WishData
from contract.events.resources import BookingData, BookingRequested
from contract.ids import entity_id, new_id
from devkit.bench.points import consumed, get, send
from devkit.benchmarking import OwnService, own_service, percentile, print_table, rss_mb, timed
from devkit.synthetic import generate_city
from devkit.testing import MAIL_CATCHER, acting, organization
from notifications.preferences import Preferences
from notifications.service import messages_of
from runtime.actors import Actor, ActorKind
from runtime.kafka import encode

MAILED = 100  # organisations that gave a mail address: their messages are mailed too


def day_of_events(organizations: Sequence[str], count: int, seed: int = 5) -> list[tuple[str, Envelope]]:
    """`count` events of a busy day, each with the topic it comes on."""
    rng = random.Random(seed)
    events: list[tuple[str, Envelope]] = []
    while len(events) < count:
        poster, other = rng.sample(organizations, 2)
        need = new_id()
        claim = ClaimData(
            claim_id=new_id(), need_id=need, need_organization_id=poster, organization_id=other, quantity=2
        )
        kind = rng.random()
        if kind < 0.4:
            events.append((NEEDS_TOPIC, ClaimMade(source="needs", subject=need, data=claim)))
            events.append((NEEDS_TOPIC, ClaimCompleted(source="needs", subject=need, data=claim)))
        elif kind < 0.6:
            wish = WishData(
                wish_id=new_id(),
                area_code="350102001001",
                status="claimed",
                claimer_organization_id=other,
                resident_id=new_id(),
                version=2,
            )
            events.append((NEEDS_TOPIC, WishClaimed(source="needs", subject=wish.wish_id, data=wish)))
        elif kind < 0.8:
            now = datetime.now(UTC)
            booking = BookingData(
                booking_id=new_id(),
                venue_id=new_id(),
                venue_organization_id=poster,
                organization_id=other,
                starts_at=now,
                ends_at=now,
                status="requested",
            )
            events.append(
                (RESOURCES_TOPIC, BookingRequested(source="resources", subject=booking.booking_id, data=booking))
            )
        else:
            proposal = MatchProposedData(
                proposal_id=new_id(),
                need_id=need,
                need_organization_id=poster,
                resource_id=new_id(),
                resource_organization_id=other,
                score=0.7,
                reasons=[],
            )
            events.append(
                (MATCHING_TOPIC, MatchProposed(source="matching", subject=proposal.proposal_id, data=proposal))
            )
    return events[:count]


async def decide(own: OwnService, events: Sequence[tuple[str, Envelope]]) -> float:
    """Sends the events and waits until the service's group consumed them all; the seconds it took."""
    messages = [(own.topic(topic), *encode(event)) for topic, event in events]
    admin = AIOKafkaAdminClient(bootstrap_servers=own.kafka)
    await admin.start()
    try:
        started = time.perf_counter()
        ends = await send(own.kafka, messages)
        done, last_print = 0, 0.0
        while done < len(messages):
            await asyncio.sleep(0.25)
            done = await consumed(admin, f"{own.run}.notifications", ends)
            if time.perf_counter() - last_print >= 5 or done == len(messages):
                last_print = time.perf_counter()
                print(f"  events decided: {done:,}/{len(messages):,}", flush=True)
        return time.perf_counter() - started
    finally:
        await admin.close()


async def stored(own: OwnService) -> int:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(own.mongo)
    try:
        return await client[own.database]["messages"].count_documents({})
    finally:
        await client.close()


async def reads(own: OwnService, readers: list[Actor], count: int) -> tuple[list[float], list[float]]:
    """Inboxes and unread counts of random readers, one at a time."""
    rng = random.Random(11)
    inbox_ms: list[float] = []
    unread_ms: list[float] = []
    async with aiohttp.ClientSession(own.url) as http:
        for _ in range(count):
            headers = acting(rng.choice(readers))
            await timed(inbox_ms, get(http, "/inbox?limit=20", headers))
            await timed(unread_ms, get(http, "/inbox/unread", headers))
    return inbox_ms, unread_ms


async def ask_for_mail(own: OwnService, organizations: Sequence[str]) -> str:
    """The organisations gave addresses of the run's own mail domain and confirmed them (stored
    as the confirmation links leave them, without their mails); that domain."""
    domain = f"{own.run}.example.cn"
    if organizations:
        said = [
            {
                "_id": f"organization:{o}",
                **Preferences(email=f"o{i}@{domain}", email_confirmed=True).model_dump(mode="json"),
            }
            for i, o in enumerate(organizations)
        ]
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(own.mongo)
        try:
            await client[own.database]["preferences"].insert_many(said)
        finally:
            await client.close()
    return domain


async def caught(domain: str, expected: int, within: float = 300) -> tuple[int, float]:
    """How many mails to `domain` the local stack's catcher holds once it holds `expected` (or
    `within` seconds passed), and how long after now that was."""
    started = last_print = time.perf_counter()
    async with aiohttp.ClientSession() as http:
        while True:
            async with http.get(f"{MAIL_CATCHER}/api/v1/search", params={"query": domain, "limit": "1"}) as answer:
                count = int((await answer.json())["messages_count"])
            waited = time.perf_counter() - started
            if count >= expected or waited > within:
                return count, waited
            if time.perf_counter() - last_print >= 5:
                last_print = time.perf_counter()
                print(f"  mails caught: {count:,}/{expected:,}", flush=True)
            await asyncio.sleep(0.5)


async def run_one(
    events: Sequence[tuple[str, Envelope]], *, batched: bool, mailed: Sequence[str] = ()
) -> tuple[OwnService, float, str]:
    own = own_service("notifications", batch_events=str(batched).lower(), sms="off")
    mode = "a run at a time" if batched else "one at a time (baseline)"
    print(f"[bench] {mode}: {len(events):,} events to the notifications service on Kafka ...", flush=True)
    try:
        domain = await ask_for_mail(own, mailed)
        return own, await decide(own, events), domain
    except BaseException:
        own.process.stop()  # not left running when the run failed
        raise


async def main(count: int, baseline: int, read_count: int, scale: float) -> dict[str, Any]:
    city = generate_city(scale)
    organizations = [entity_id("organization", org.code) for org in city.organizations]
    events = day_of_events(organizations, count)
    expected = sum(len(messages_of(event)) for _, event in events)
    mailed = organizations[:MAILED]
    principals = {f"organization:{o}" for o in mailed}
    mails = sum(1 for _, event in events for m in messages_of(event) if m.recipient in principals)
    alone, alone_s, _ = await run_one(events[:baseline], batched=False)
    try:
        alone.process.stop()
    finally:
        await AsyncMongoClient(alone.mongo).drop_database(alone.database)
    own, seconds, domain = await run_one(events, batched=True, mailed=mailed)
    try:
        found = await stored(own)
        print(f"[bench] waiting for the {mails:,} mails of the {len(mailed):,} organisations that asked for mail ...")
        mails_caught, mail_s = await caught(domain, mails)
        readers = [organization(o) for o in organizations[:2000]] + [
            Actor(kind=ActorKind.RESIDENT, resident_id=e.data.resident_id, area_code="350102001001")
            for _, e in events
            if isinstance(e, WishClaimed) and e.data.resident_id
        ][:2000]
        inbox_ms, unread_ms = await reads(own, readers, read_count)
        assert own.process.process is not None
        rss = rss_mb(own.process.process.pid)
    finally:
        own.process.stop()
        await AsyncMongoClient(own.mongo).drop_database(own.database)
    return {
        "events": count,
        "seconds": round(seconds, 1),
        "events_per_s": round(count / seconds),
        "baseline_events": baseline,
        "baseline_events_per_s": round(baseline / alone_s),
        "speedup": round((count / seconds) / (baseline / alone_s), 1),
        "messages_expected": expected,
        "messages_stored": found,
        "mails_expected": mails,
        "mails_caught": mails_caught,
        "mail_seconds_after": round(mail_s, 1),
        "reads": len(inbox_ms),
        "inbox_p50_ms": round(percentile(inbox_ms, 50), 1),
        "inbox_p99_ms": round(percentile(inbox_ms, 99), 1),
        "unread_p99_ms": round(percentile(unread_ms, 99), 1),
        "rss_mb": rss,
    }


def report(result: dict[str, Any]) -> None:
    rows = [
        (
            "baseline: one event at a time",
            f"{result['baseline_events']:,} events",
            f"{result['baseline_events_per_s']:,} events/s",
            "",
        ),
        (
            "a day's events, a run at a time",
            f"{result['events']:,} events in {result['seconds']} s",
            f"{result['events_per_s']:,} events/s",
            f"{result['speedup']}x the baseline (goal ≥ 2,000/s)",
        ),
        (
            "messages stored",
            f"{result['messages_expected']:,} as the table says",
            f"{result['messages_stored']:,}",
            "(goal: the same)",
        ),
        (
            "read an inbox (20 latest)",
            f"{result['reads']:,} reads, one at a time",
            f"p99 {result['inbox_p99_ms']} ms",
            f"p50 {result['inbox_p50_ms']} ms (goal p99 < 50)",
        ),
        (
            f"mails to the {MAILED:,} organisations with an address",
            f"{result['mails_expected']:,} as the table says",
            f"{result['mails_caught']:,} caught",
            f"all in the catcher {result['mail_seconds_after']} s after the last event (goal: the same)",
        ),
        ("read the unread count", f"{result['reads']:,} reads, one at a time", f"p99 {result['unread_p99_ms']} ms", ""),
        ("service memory", "RSS after the run", f"{result['rss_mb']} MB", ""),
    ]
    print_table("Notifications benchmark", rows)
    print(json.dumps(result))


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=50_000, help="events of the day")
    parser.add_argument("--baseline", type=int, default=3_000, help="events the one-at-a-time baseline takes")
    parser.add_argument("--reads", type=int, default=1_000, help="inboxes and unread counts read afterwards")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the city whose organisations take part")
    args = parser.parse_args()
    report(asyncio.run(main(args.events, args.baseline, args.reads, args.scale)))


if __name__ == "__main__":
    cli()

"""Benchmark of the matching engine, against two baselines run in the same process.

    make bench-matching                      # the city at 0.25x, 1x and 4x
    python -m devkit.bench.matching --scales 0.25 1

For each scale, the synthetic city's open needs (20,006 at 1x) and supply (7,204 venues and
4,183 services at 1x) are put in the engine's index, then:
- the engine: candidates from the spatial grid, each need's `--top` best, scored, and the
  min-cost flow over them (batch time and total score);
- the exact optimum: the min-cost flow over every feasible pair (its time is the baseline's);
- greedy: every feasible pair in score order, each taking what is left;
- incremental: 1,000 new needs put one at a time, each getting its 3 best proposals.
The engine's and greedy's totals are given as a percentage of the optimum. Last, end to end
over Kafka (`--e2e-rate`, the 1x city's supply, `--e2e-scale` for a share of it):
`need.posted` published at a steady 50 a second for 20 s (`--e2e-seconds`) to a running
matching service, `match.proposed` consumed, the time between them.
Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import AsyncMongoClient

from contract.events import MATCHING_TOPIC, NEEDS_TOPIC, RESOURCES_TOPIC
from contract.events.needs import NeedPosted, NeedPostedData
from contract.events.resources import ResourceData, ResourcePublished
from contract.ids import entity_id
from devkit.benchmarking import own_service, percentile, print_table
from devkit.synthetic import (
    NEEDS_POSTED,
    SERVICES_SHARED,
    VENUES_SHARED,
    City,
    generate_city,
    generate_needs,
    generate_supply,
)
from matching.index.assign import greedy, optimal
from matching.index.engine import Index, Need, Supply
from runtime.kafka import encode

VENUE_UNITS = 4  # the needs a venue takes in one round of matching (its time is shared out)


def need_of(spec: Any, number: int, posted: datetime) -> Need:
    body = spec.body
    return Need(
        id=f"need-{number}",
        organization_id=entity_id("organization", spec.organization_code),
        category=body["category"],
        area_code=body["area_code"],
        lat=body["lat"],
        lon=body["lon"],
        quantity=body["quantity"],
        urgency=body["urgency"],
        posted_at=posted,
        starts_at=datetime.fromisoformat(body["starts_at"]),
        ends_at=datetime.fromisoformat(body["ends_at"]),
    )


def supply_of(spec: Any, number: int) -> Supply:
    body = spec.body
    venue = body["kind"] == "venue"
    return Supply(
        id=f"supply-{number}",
        organization_id=entity_id("organization", spec.organization_code),
        kind=body["kind"],
        category=body["category"],
        area_code=body["area_code"],
        lat=body["lat"],
        lon=body["lon"],
        capacity=VENUE_UNITS if venue else body["capacity"],
        radius_km=body.get("service_radius_km") or 3.0,
        bookable_by=body.get("bookable_by", "anyone"),
    )


def city_index(city: City, scale: float, now: datetime) -> tuple[Index, list[Need]]:
    """The engine's index with the city's open needs and supply; and 1,000 needs more, to add."""
    count = round(NEEDS_POSTED * scale)
    index = Index(max_per_day=1_000_000)  # fairness would spread a one-off batch: not measured here
    supply = generate_supply(city, round(VENUES_SHARED * scale), round(SERVICES_SHARED * scale))
    for number, item in enumerate(supply):
        index.put_supply(supply_of(item, number))
    specs = generate_needs(city, count + 1000, start=now)
    for number, spec in enumerate(specs[:count]):
        index.put_need(need_of(spec, number, now - timedelta(days=number % 30)))
    return index, [need_of(spec, count + k, now) for k, spec in enumerate(specs[count:])]


def proposing_ms(index: Index, newcomers: Iterable[Need]) -> list[float]:
    """Each new need put in the index and given its 3 best proposals: how long each took, in ms."""
    took = []
    for need in newcomers:
        started = time.perf_counter()
        index.put_need(need)
        index.best_for_need(need, 3)
        took.append((time.perf_counter() - started) * 1000)
    return took


def run_scale(scale: float, top: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    print(f"[bench] {scale:g}x: generating the city ...", flush=True)
    city = generate_city(scale)
    index, newcomers = city_index(city, scale, now)
    needs = list(index.needs.values())
    print(f"[bench] {scale:g}x: {len(needs):,} open needs, {len(index.supply):,} supply items", flush=True)

    started = time.perf_counter()
    everything = index.candidates(needs, top=None, moment=now)
    full_candidates_s = time.perf_counter() - started
    print(f"  feasible pairs: {len(everything):,} ({full_candidates_s:.2f} s)", flush=True)
    started = time.perf_counter()
    best = optimal(everything)
    exact_s = full_candidates_s + time.perf_counter() - started
    print(f"  exact optimum over all of them: {best.total:,.1f} in {exact_s:.2f} s", flush=True)
    started = time.perf_counter()
    baseline = greedy(everything)
    greedy_s = full_candidates_s + time.perf_counter() - started
    print(f"  greedy: {baseline.total:,.1f} in {greedy_s:.2f} s", flush=True)
    feasible = len(everything)
    del everything

    started = time.perf_counter()
    shortlist = index.candidates(needs, top=top, moment=now)
    candidates_s = time.perf_counter() - started
    engine = optimal(shortlist)
    batch_s = time.perf_counter() - started
    print(f"  engine (top {top}): {engine.total:,.1f} in {batch_s:.2f} s", flush=True)

    proposing = proposing_ms(index, newcomers)
    return {
        "scale": scale,
        "needs": len(needs),
        "supply": len(index.supply),
        "feasible_pairs": feasible,
        "shortlisted_pairs": len(shortlist),
        "candidates_s": round(candidates_s, 2),
        "batch_s": round(batch_s, 2),
        "pct_of_optimum": round(100 * engine.total / best.total, 2),
        "exact_s": round(exact_s, 2),
        "greedy_s": round(greedy_s, 2),
        "greedy_pct_of_optimum": round(100 * baseline.total / best.total, 2),
        "incremental_p50_ms": round(percentile(proposing, 50), 2),
        "incremental_p99_ms": round(percentile(proposing, 99), 2),
    }


def supply_event(spec: Any, number: int) -> ResourcePublished:
    body = spec.body
    data = ResourceData(
        resource_id=f"{number:032x}",
        organization_id=entity_id("organization", spec.organization_code),
        kind=body["kind"],
        name=body["name"],
        category=body["category"],
        area_code=body["area_code"],
        capacity=VENUE_UNITS if body["kind"] == "venue" else body["capacity"],
        lat=body["lat"],
        lon=body["lon"],
        service_radius_km=body.get("service_radius_km") or 3.0,
        bookable_by=body.get("bookable_by", "anyone"),
    )
    return ResourcePublished(source="/bench", subject=data.resource_id, data=data)


def need_event(spec: Any, number: int) -> NeedPosted:
    body = spec.body
    data = NeedPostedData(
        need_id=f"{number:032x}",
        organization_id=entity_id("organization", spec.organization_code),
        title=body["title"],
        category=body["category"],
        area_code=body["area_code"],
        quantity=body["quantity"],
        urgency=body["urgency"],
        starts_at=body["starts_at"],
        ends_at=body["ends_at"],
        lat=body["lat"],
        lon=body["lon"],
    )
    return NeedPosted(source="/bench", subject=data.need_id, data=data)


async def index_holds(url: str, supply: int) -> dict[str, Any]:
    """The service's index state, once it is live and holds `supply` items."""
    async with httpx.AsyncClient() as http:
        while True:
            state: dict[str, Any] = (await http.get(f"{url}/index")).json()
            if state["live"] and state["supply"] >= supply:
                return state
            await asyncio.sleep(0.2)


async def end_to_end(rate: int, seconds: int, scale: float = 1.0) -> dict[str, Any]:
    """A matching service of its own on the local stack, fed the `scale` city's supply on Kafka;
    then `need.posted` at a steady `rate` a second for `seconds`, and the time until each one's
    first `match.proposed`."""
    own = own_service("matching", max_proposals_per_day="1000000")
    service, run, kafka = own.process, own.run, own.kafka
    city = generate_city(1.0)
    producer = AIOKafkaProducer(bootstrap_servers=kafka, enable_idempotence=True, linger_ms=2)
    await producer.start()
    consumer = AIOKafkaConsumer(
        f"{run}.{MATCHING_TOPIC}", bootstrap_servers=kafka, group_id=f"{run}-reader", auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        supply = generate_supply(city, round(VENUES_SHARED * scale), round(SERVICES_SHARED * scale))
        print(f"[bench] end to end: {len(supply):,} supply items on Kafka ...", flush=True)
        for number, spec in enumerate(supply):
            key, value, headers = encode(supply_event(spec, number))
            await producer.send(f"{run}.{RESOURCES_TOPIC}", value=value, key=key, headers=headers)
        await producer.flush()
        await index_holds(service.url, len(supply))
        print("[bench] end to end: restarting the service: its index is rebuilt from the topics ...", flush=True)
        service.stop()
        service.start()
        service.wait_ready()
        state = await index_holds(service.url, len(supply))
        print(f"  the service's index: {state}", flush=True)
        sent: dict[str, float] = {}
        latency: list[float] = []
        needs = generate_needs(city, rate * seconds, start=datetime.now(UTC), seed=50)

        async def read() -> None:
            while len(latency) < len(needs):
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    for record in records:
                        event = json.loads(record.value or b"{}")
                        need_id = event["data"].get("need_id")
                        if event["type"] == "match.proposed" and need_id in sent:
                            latency.append((time.perf_counter() - sent.pop(need_id)) * 1000)

        reader = asyncio.ensure_future(read())
        print(f"[bench] end to end: need.posted at {rate}/s for {seconds} s ...", flush=True)
        started = time.perf_counter()
        for k, posted in enumerate(needs):
            event = need_event(posted, 10**9 + k)
            key, value, headers = encode(event)
            sent[event.data.need_id] = time.perf_counter()
            await producer.send_and_wait(f"{run}.{NEEDS_TOPIC}", value=value, key=key, headers=headers)
            await asyncio.sleep(max(0.0, started + (k + 1) / rate - time.perf_counter()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(reader, 30)
        return {
            "e2e_rate": rate,
            "e2e_supply": len(supply),
            "e2e_needs": len(needs),
            "e2e_proposed": len(latency),
            "e2e_p50_ms": round(percentile(latency, 50), 1),
            "e2e_p99_ms": round(percentile(latency, 99), 1),
            "index_rebuild_s": state["rebuilt_in_s"],
            "index_events": state["events_read"],
        }
    finally:
        await consumer.stop()
        await producer.stop()
        service.stop()
        await AsyncMongoClient(own.mongo).drop_database(own.database)


def report(result: dict[str, Any]) -> None:
    rows: list[tuple[str, str, str, str]] = []
    for r in result["scales"]:
        size = f"{r['needs']:,} needs, {r['supply']:,} supply, {r['feasible_pairs']:,} pairs"
        rows += [
            (
                f"{r['scale']:g}x: engine (grid, top {result['top']}, flow)",
                size,
                f"{r['batch_s']} s",
                f"{r['pct_of_optimum']}% of optimum (goal ≥ 99.5)",
            ),
            (f"{r['scale']:g}x: exact min-cost flow", "every feasible pair", f"{r['exact_s']} s", "100%"),
            (
                f"{r['scale']:g}x: greedy by score",
                "every feasible pair",
                f"{r['greedy_s']} s",
                f"{r['greedy_pct_of_optimum']}% of optimum",
            ),
            (
                f"{r['scale']:g}x: incremental, in process",
                "1,000 new needs, 3 proposals each",
                f"p50 {r['incremental_p50_ms']} ms",
                f"p99 {r['incremental_p99_ms']} ms (goal < 5)",
            ),
        ]
    if "e2e_p99_ms" in result:
        rows.append(
            (
                "index rebuilt from the topics",
                f"{result['index_events']:,} events (supply)",
                f"{result['index_rebuild_s']} s",
                "",
            )
        )
        rows.append(
            (
                "end to end over Kafka",
                f"need.posted at {result['e2e_rate']}/s",
                f"p50 {result['e2e_p50_ms']} ms",
                f"p99 {result['e2e_p99_ms']} ms (goal < 100)",
            )
        )
    rows.append(("peak memory", "this process", f"{result['rss_mb']} MB", ""))
    print_table("Matching benchmark", rows)
    print(json.dumps(result))


def main(scales: list[float], top: int, e2e_rate: int, e2e_seconds: int = 20, e2e_scale: float = 1.0) -> dict[str, Any]:
    results = [run_scale(scale, top) for scale in scales]
    by_scale = {r["scale"]: r for r in results}
    summary: dict[str, Any] = {"top": top, "scales": results}
    for scale, name in ((1.0, "1x"), (4.0, "4x"), (0.25, "025x")):
        if scale in by_scale:
            summary[f"batch_{name}_s"] = by_scale[scale]["batch_s"]
            summary[f"batch_{name}_pct_of_optimum"] = by_scale[scale]["pct_of_optimum"]
            summary[f"greedy_{name}_pct_of_optimum"] = by_scale[scale]["greedy_pct_of_optimum"]
    middle = by_scale.get(1.0, results[0])
    summary["incremental_p99_ms"] = middle["incremental_p99_ms"]
    summary["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if e2e_rate:
        summary |= asyncio.run(end_to_end(e2e_rate, e2e_seconds, e2e_scale))
    return summary


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=float, nargs="+", default=[0.25, 1.0, 4.0])
    parser.add_argument("--top", type=int, default=20, help="candidates kept per need for the engine's flow")
    parser.add_argument("--e2e-rate", type=int, default=50, help="needs a second end to end over Kafka (0: skip)")
    parser.add_argument("--e2e-seconds", type=int, default=20, help="how long needs are posted end to end")
    parser.add_argument("--e2e-scale", type=float, default=1.0, help="share of the city's supply end to end")
    args = parser.parse_args()
    report(main(args.scales, args.top, args.e2e_rate, args.e2e_seconds, args.e2e_scale))


if __name__ == "__main__":
    cli()

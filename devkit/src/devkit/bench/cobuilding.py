"""Benchmark of the red mailbox: residents' concerns through the co-building service's HTTP API.

    make bench-cobuilding                      # 10,000 concerns over a district's 40 communities
    python -m devkit.bench.cobuilding --concerns 2000 --concurrency 50

Starts its own co-building service (a fresh database, its own topics) on the running local
stack. Residents of a district's communities put concerns in (`--concurrency` in flight); the
baseline, in the same run: `--baseline` concerns put in one at a time. Then the test clock moves
six days on and the sweep escalates every concern left unanswered (all of them) to its street,
each an update with its event; then the district's figures per community and a community's
list of concerns are read `--reads` times each. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

import aiohttp

from devkit.benchmarking import own_service, percentile, print_table, rss_mb, timed
from devkit.testing import PLATFORM, acting
from runtime.actors import Actor, ActorKind

DISTRICT = "350102"
COMMUNITIES = [f"{DISTRICT}{street:03d}{community:03d}" for street in range(1, 5) for community in range(1, 11)]


async def put_in(http: aiohttp.ClientSession, url: str, count: int, concurrency: int) -> float:
    """`count` concerns, from residents of the district's communities in turn; the seconds it took."""
    slots = asyncio.Semaphore(concurrency)

    async def one(n: int) -> None:
        resident = Actor(kind=ActorKind.RESIDENT, resident_id=f"{n:032x}", area_code=COMMUNITIES[n % len(COMMUNITIES)])
        body = {"title": f"楼道灯坏了 {n}", "text": "三号楼二单元晚上看不见台阶", "phone": "13900000001"}
        async with slots, http.post(f"{url}/concerns", json=body, headers=acting(resident)) as response:
            assert response.status == 201, await response.text()

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(count)))
    return time.perf_counter() - started


async def read(http: aiohttp.ClientSession, url: str, actor: Actor, reads: int) -> list[float]:
    """How long each of `reads` reads of `url` took, one at a time (ms)."""

    async def once() -> None:
        async with http.get(url, headers=acting(actor)) as response:
            assert response.status == 200, await response.text()
            await response.read()

    samples: list[float] = []
    for _ in range(reads):
        await timed(samples, once())
    return samples


async def main(concerns: int, concurrency: int, baseline: int, reads: int) -> dict[str, Any]:
    service = own_service("cobuilding")
    try:
        limits = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=limits, timeout=aiohttp.ClientTimeout(total=900)) as http:
            alone = await put_in(http, service.url, baseline, 1)
            seconds = await put_in(http, service.url, concerns, concurrency)
            started = time.perf_counter()
            async with http.post(f"{service.url}/clock", json={"hours": 24 * 6}, headers=acting(PLATFORM)) as response:
                escalated = (await response.json())["escalated"]
            sweep_seconds = time.perf_counter() - started
            district = Actor(kind=ActorKind.AREA_ADMIN, area_code=DISTRICT)
            figures = await read(http, f"{service.url}/concerns/figures", district, reads)
            community = Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITIES[0])
            listed = await read(http, f"{service.url}/concerns?limit=200", community, reads)
        assert service.process.process is not None
        per_s = round(concerns / seconds)
        baseline_per_s = round(baseline / alone)
        return {
            "concerns": concerns,
            "concurrency": concurrency,
            "concerns_per_s": per_s,
            "baseline_concerns": baseline,
            "baseline_concerns_per_s": baseline_per_s,
            "speedup": round(per_s / max(1, baseline_per_s), 1),
            "escalated": escalated,
            "escalated_expected": concerns + baseline,
            "escalations_per_s": round(escalated / sweep_seconds),
            "figures_p50_ms": round(percentile(figures, 50), 1),
            "figures_p99_ms": round(percentile(figures, 99), 1),
            "list_p50_ms": round(percentile(listed, 50), 1),
            "list_p99_ms": round(percentile(listed, 99), 1),
            "rss_mb": rss_mb(service.process.process.pid),
        }
    finally:
        service.process.stop()


def report(result: dict[str, Any]) -> None:
    rows = [
        (
            "baseline: one at a time",
            f"{result['baseline_concerns']:,} concerns, 1 in flight",
            f"{result['baseline_concerns_per_s']:,}/s",
            "",
        ),
        (
            "residents put concerns in",
            f"{result['concerns']:,} concerns, {result['concurrency']} in flight",
            f"{result['concerns_per_s']:,}/s",
            f"{result['speedup']}x the baseline",
        ),
        (
            "unanswered six days: escalated",
            f"{result['escalated']:,} of {result['escalated_expected']:,}",
            f"{result['escalations_per_s']:,}/s",
            "every one (goal: all)",
        ),
        (
            "a district's figures per community",
            f"{len(COMMUNITIES)} communities",
            f"p50 {result['figures_p50_ms']} ms",
            f"p99 {result['figures_p99_ms']} ms",
        ),
        (
            "a community's concerns (200)",
            "its administrator's list",
            f"p50 {result['list_p50_ms']} ms",
            f"p99 {result['list_p99_ms']} ms",
        ),
        ("service memory", "RSS after the run", f"{result['rss_mb']} MB", ""),
    ]
    print_table("Red mailbox benchmark", rows)
    print(json.dumps(result))


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concerns", type=int, default=10_000, help="concerns put in at once")
    parser.add_argument("--concurrency", type=int, default=100, help="requests in flight")
    parser.add_argument("--baseline", type=int, default=200, help="concerns put in one at a time first")
    parser.add_argument("--reads", type=int, default=50, help="reads of the figures and of a list, each")
    args = parser.parse_args()
    report(asyncio.run(main(args.concerns, args.concurrency, args.baseline, args.reads)))


if __name__ == "__main__":
    cli()

"""Benchmark of the points shop: concurrent redemptions through the points service's HTTP API.

    make bench-redemptions                     # 2,000 people redeem at once, 1,000 in stock
    python -m devkit.bench.redemptions --redemptions 500 --stock 50

Starts its own points service (a fresh database, its own topics) on the running local stack,
announces a shop's organisation to it on Kafka, gives every person the points of one item
(completed claims announced on Kafka, as the needs service announces them), shelves one item,
then every person redeems it at once (`--concurrency` requests in flight). Afterwards it
counts the orders made against the stock, reads the stock left and every person's balance:
never more orders than the stock, no balance below zero. The baseline, in the same run and on
the same service: `--baseline` people redeeming one at a time, half of them served. Prints a
table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

import aiohttp

from contract.events import NEEDS_TOPIC, ORGANIZATIONS_TOPIC
from contract.events.organizations import OrganizationKind, OrganizationRegistered, OrganizationRegisteredData
from contract.ids import new_id
from devkit.benchmarking import own_service, print_table, rss_mb
from devkit.points import fund
from devkit.testing import acting, organization, send_raw
from runtime.actors import Actor, ActorKind
from runtime.kafka import encode

PRICE = 10  # the points one completed person-time earns under the default rules
COMMUNITY = "350102001001"


async def _known(http: aiohttp.ClientSession, url: str, organization_id: str) -> None:
    for _ in range(600):
        async with http.get(f"{url}/known-organizations/{organization_id}") as response:
            if response.status == 200:
                return
        await asyncio.sleep(0.1)
    raise RuntimeError("the points service never learnt of the shop's organisation")


async def measure(
    url: str, kafka: str, *, topic_prefix: str, redemptions: int, stock: int, concurrency: int
) -> dict[str, Any]:
    """`redemptions` people, each with the points of one item, redeem one item of `stock` at
    once through the points service at `url` (its topics and group named with `topic_prefix`)."""
    shop = new_id()
    data = OrganizationRegisteredData(
        organization_id=shop, name="积分超市", kind=OrganizationKind.SHOP, area_code=COMMUNITY
    )
    registered = OrganizationRegistered(source="/bench", subject=shop, data=data)
    await send_raw(kafka, f"{topic_prefix}{ORGANIZATIONS_TOPIC}", [encode(registered)])
    people = [new_id() for _ in range(redemptions)]
    await fund(kafka, f"{topic_prefix}{NEEDS_TOPIC}", f"{topic_prefix}points", people)
    limits = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=limits, timeout=aiohttp.ClientTimeout(total=600)) as http:
        await _known(http, url, shop)
        item = {"kind": "goods", "name": "大米", "area_code": COMMUNITY, "price": PRICE, "stock": stock}
        async with http.post(f"{url}/shop/items", json=item, headers=acting(organization(shop))) as response:
            assert response.status == 201, await response.text()
            item_id = (await response.json())["id"]

        async def redeem(person: str) -> int:
            headers = acting(organization(new_id(), member_id=person))
            async with http.post(f"{url}/shop/items/{item_id}/orders", headers=headers) as response:
                await response.read()
                return response.status

        started = time.perf_counter()
        answers = await asyncio.gather(*(redeem(p) for p in people))
        seconds = time.perf_counter() - started

        async with http.get(f"{url}/shop/items/{item_id}") as response:
            left = (await response.json())["stock"]
        platform = acting(Actor(kind=ActorKind.PLATFORM))

        async def balance(person: str) -> int:
            async with http.get(f"{url}/accounts/member:{person}/balance", headers=platform) as response:
                return int((await response.json())["points"])

        balances = await asyncio.gather(*(balance(p) for p in people))
    orders = answers.count(201)
    return {
        "redemptions": redemptions,
        "redemptions_per_s": round(redemptions / seconds),
        "orders": orders,
        "refused": answers.count(409),
        "failed": redemptions - orders - answers.count(409),
        "stock": stock,
        "stock_left": left,
        "oversold": max(0, orders - stock),
        "stock_recounted": stock - left == orders,  # what is left is the stock less the orders
        "negative_balances": sum(1 for b in balances if b < 0),
        "concurrency": concurrency,
    }


def report(result: dict[str, Any]) -> None:
    rows = [
        (
            "baseline: one at a time",
            f"{result['baseline_redemptions']:,} people, 1 in flight",
            f"{result['baseline_redemptions_per_s']:,}/s",
            "",
        ),
        (
            "redeem one item, all at once",
            f"{result['redemptions']:,} people, {result['concurrency']} in flight",
            f"{result['redemptions_per_s']:,}/s",
            f"{result['speedup']}x the baseline (goal ≥ 300/s)",
        ),
        (
            "orders against the stock",
            f"{result['orders']:,} orders of {result['stock']:,} in stock",
            f"{result['stock_left']:,} left",
            f"{result['oversold']} oversold (goal 0), recount {'matches' if result['stock_recounted'] else 'DIFFERS'}",
        ),
        (
            "balances",
            f"{result['refused']:,} refused, {result['failed']} failed",
            "",
            f"{result['negative_balances']} below zero (goal 0)",
        ),
    ]
    if "rss_mb" in result:
        rows.append(("service memory", "RSS after the run", f"{result['rss_mb']} MB", ""))
    print_table("Points shop redemptions benchmark", rows)
    print(json.dumps(result))


async def main(redemptions: int, stock: int, concurrency: int, baseline: int) -> dict[str, Any]:
    service = own_service("points")
    try:
        at = {"topic_prefix": f"{service.run}."}
        alone = await measure(
            service.url, service.kafka, **at, redemptions=baseline, stock=baseline // 2, concurrency=1
        )
        result = await measure(
            service.url, service.kafka, **at, redemptions=redemptions, stock=stock, concurrency=concurrency
        )
        assert service.process.process is not None
        return {
            **result,
            "baseline_redemptions": baseline,
            "baseline_redemptions_per_s": alone["redemptions_per_s"],
            "speedup": round(result["redemptions_per_s"] / max(1, alone["redemptions_per_s"]), 1),
            "rss_mb": rss_mb(service.process.process.pid),
        }
    finally:
        service.process.stop()


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redemptions", type=int, default=2_000, help="people redeeming at once, one each")
    parser.add_argument("--stock", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=500, help="requests in flight")
    parser.add_argument("--baseline", type=int, default=200, help="people redeeming one at a time first")
    args = parser.parse_args()
    report(asyncio.run(main(args.redemptions, args.stock, args.concurrency, args.baseline)))


if __name__ == "__main__":
    cli()

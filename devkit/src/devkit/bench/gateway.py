"""Benchmark of the gateway: the portal's first page and the statistics API under 200 clients,
then signed-in dashboards under 50.

    make up DEMO=1 && make bench-gateway     # the whole city loaded first
    python -m devkit.bench.gateway --clients 200 --requests 10000 --dashboards 2000

Runs against the gateway of the running local stack (`make up`; `--url` for another).
`--clients` clients, each with a connection of its own, ask in turn for `/` and for
`/api/v1/stats` of the city or of one of its districts and streets (as visitors drilling
down), `--requests` requests in all, after one request for each of those pages to warm the
gateway's caches (the figures are then made again every `CACHE_SECONDS` while the load runs).
Two baselines, in the same run and at the same concurrency: what the gateway asks the services
for one figures answer when it has none kept (the registry's node, the needs and the
resources statistics), asked of them directly; and the floor, a bare uvicorn app that answers
the first page's bytes to every request, which is the most one uvicorn process can do with
these clients on this machine.
Then `--dashboard-clients` clients signed in as an organisation's administrator, an area's
administrator and a resident (`--org-account`, `--admin-account`, `--resident-account`; the
demo's `org`, `city` and `resident` unless told) ask for `--dashboards` pages in all, `/org`,
`/admin` and `/me` in turn: pages no cache answers, each made from the services' answers for
that visitor. Its floor, at the same concurrency: a bare
uvicorn app answering `/org`'s bytes. Afterwards every public page is asked once more, and must
answer 200 at once: the portal still answers after the load.
Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import random
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import uvicorn
from starlette.types import Receive, Scope, Send

from devkit.benchmarking import percentile, print_table, timed
from devkit.testing import free_port

CITY = "350100"
DEMO_PASSWORD = "pbs-demo-2026"
PUBLIC_PAGES = ("/", "/needs", "/venues", "/activities", "/api/v1/stats")


async def areas_of(http: aiohttp.ClientSession, registry: str) -> list[str]:
    """The city, its districts and their streets: where visitors drill down."""
    codes = [CITY]
    async with http.get(f"{registry}/areas/{CITY}/children") as response:
        districts = [a["code"] for a in await response.json()]
    codes += districts
    for district in districts:
        async with http.get(f"{registry}/areas/{district}/children") as response:
            codes += [a["code"] for a in await response.json()]
    return codes


Load = tuple[float, list[float], int]  # seconds, latencies in ms, errors


async def load(clients: int, requests: int, ask: Callable[[int], Awaitable[int]]) -> Load:
    """`requests` calls of `ask`, `clients` at a time: (seconds, latencies in ms, errors)."""
    samples: list[float] = []
    errors = 0
    next_one = iter(range(requests))

    async def client() -> None:
        nonlocal errors
        for n in next_one:
            status = await timed(samples, ask(n))
            errors += status >= 400

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - started, samples, errors


def bare(body: bytes, port: int) -> None:
    """A uvicorn app that answers `body` to every request and does nothing else."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = [(b"content-type", b"text/html; charset=utf-8")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def floor(http: aiohttp.ClientSession, body: bytes, clients: int, requests: int) -> Load:
    """The load on a bare uvicorn app answering `body` (see `bare`)."""
    port = free_port()
    server = multiprocessing.get_context("spawn").Process(target=bare, args=(body, port), daemon=True)
    server.start()

    async def get(n: int) -> int:
        async with http.get(f"http://127.0.0.1:{port}/") as response:
            await response.read()
            return response.status

    try:
        for _ in range(100):  # until it listens
            with contextlib.suppress(aiohttp.ClientConnectionError):
                await get(0)
                break
            await asyncio.sleep(0.1)
        await asyncio.gather(*(get(n) for n in range(clients)))  # every client's connection made
        return await load(clients, requests, get)
    finally:
        server.terminate()
        server.join()


async def signed_in(url: str, username: str, password: str) -> str:
    """The session cookie of `username`, signed in through the portal's form as a person would."""
    async with aiohttp.ClientSession(url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:  # unsafe: an IP address
        async with http.get("/login") as response:
            form = await response.text()
        token = re.search(r'name="csrf" value="([^"]+)"', form)
        fields = {"username": username, "password": password, "next": "/", **({"csrf": token[1]} if token else {})}
        async with http.post("/login", data=fields, allow_redirects=False) as response:
            if response.status != 303:
                raise SystemExit(f"{username!r} cannot sign in ({response.status}): is the demo loaded (make up)?")
            return f"pbs_session={response.cookies['pbs_session'].value}"


async def dashboards(url: str, accounts: list[tuple[str, str]], clients: int, requests: int) -> dict[str, Any]:
    """`requests` signed-in dashboards, `clients` at a time, `/org`, `/admin` and `/me` in turn; their
    floor; then every public page asked once, which must answer at once."""
    cookies = [await signed_in(url, username, password) for username, password in accounts]
    pages = list(zip(("/org", "/admin", "/me"), cookies, strict=True))
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as http:

        async def ask(page: str, cookie: str = "") -> int:
            async with http.get(url + page, headers={"Cookie": cookie}, allow_redirects=False) as response:
                await response.read()
                return response.status

        async def get(n: int) -> int:
            return await ask(*pages[n % len(pages)])

        alone: list[float] = []
        for n in range(15):
            await timed(alone, get(n))
        print(f"[bench] {requests:,} signed-in dashboards, /org and /admin in turn, {clients} clients ...", flush=True)
        seconds, latencies, errors = await load(clients, requests, get)
        after: dict[str, float] = {}
        for page in PUBLIC_PAGES:
            took: list[float] = []
            if await timed(took, ask(page)) != 200:
                raise SystemExit(f"after the load, {page} does not answer 200")
            after[page] = took[0]
        async with http.get(url + "/org", headers={"Cookie": cookies[0]}) as response:
            page_bytes = await response.read()
        print(f"[bench] floor: {requests:,} dashboards' bytes from a bare uvicorn app ...", flush=True)
        floor_s, floor_ms, _ = await floor(http, page_bytes, clients, requests)
    return {
        "dashboard_clients": clients,
        "dashboards": requests,
        "org_alone_ms": round(percentile(alone[0::3], 50), 1),
        "admin_alone_ms": round(percentile(alone[1::3], 50), 1),
        "me_alone_ms": round(percentile(alone[2::3], 50), 1),
        "dashboards_per_s": round(requests / seconds),
        "dashboards_p50_ms": round(percentile(latencies, 50), 1),
        "dashboards_p99_ms": round(percentile(latencies, 99), 1),
        "dashboards_errors": errors,
        "after_slowest_ms": round(max(after.values()), 1),
        "dashboards_floor_per_s": round(requests / floor_s),
        "dashboards_floor_p99_ms": round(percentile(floor_ms, 99), 1),
    }


async def main(url: str, services: dict[str, str], clients: int, requests: int) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as http:
        areas = await areas_of(http, services["organizations"])
        async with http.get(f"{url}/api/v1/stats") as response:
            city = (await response.json())["totals"]
        print(f"[bench] the city as loaded: {city}", flush=True)
        rng = random.Random(200)
        wanted = [rng.choice(areas) for _ in range(requests)]

        async def get(path: str, params: dict[str, str] | None = None) -> int:
            async with http.get(path, params=params) as response:
                await response.read()
                return response.status

        print(f"[bench] warming up: the first page and the figures of {len(areas)} areas, once each ...", flush=True)
        await asyncio.gather(get(f"{url}/"), *(get(f"{url}/api/v1/stats", {"area_code": a}) for a in areas))
        print(f"[bench] {requests:,} first pages, {clients} clients ...", flush=True)
        home_s, home_ms, home_errors = await load(clients, requests, lambda n: get(f"{url}/"))
        print(f"[bench] {requests:,} statistics of the city, districts and streets, {clients} clients ...", flush=True)
        stats_s, stats_ms, stats_errors = await load(
            clients, requests, lambda n: get(f"{url}/api/v1/stats", {"area_code": wanted[n]})
        )

        async def assemble(n: int) -> int:
            code = wanted[n % len(wanted)]  # the baseline asks at least 200, whatever `--requests`
            answers = await asyncio.gather(
                get(f"{services['organizations']}/areas/{code}"),
                get(f"{services['needs']}/stats", {"area_code": code}),
                get(f"{services['resources']}/stats", {"area_code": code}),
            )
            return max(answers)

        baseline = max(200, requests // 10)
        print(f"[bench] baseline: {baseline:,} figures asked of the services directly ...", flush=True)
        base_s, base_ms, _ = await load(clients, baseline, assemble)
        async with http.get(f"{url}/") as response:
            home = await response.read()
        print(f"[bench] floor: {requests:,} first pages' bytes from a bare uvicorn app ...", flush=True)
        floor_s, floor_ms, _ = await floor(http, home, clients, requests)
    return {
        "clients": clients,
        "requests": requests,
        "areas": len(areas),
        "organizations": city["organizations"],
        "needs_posted": city["needs_posted"],
        "home_per_s": round(requests / home_s),
        "home_p50_ms": round(percentile(home_ms, 50), 1),
        "home_p99_ms": round(percentile(home_ms, 99), 1),
        "home_errors": home_errors,
        "stats_per_s": round(requests / stats_s),
        "stats_p50_ms": round(percentile(stats_ms, 50), 1),
        "stats_p99_ms": round(percentile(stats_ms, 99), 1),
        "stats_errors": stats_errors,
        "baseline_per_s": round(baseline / base_s),
        "baseline_p50_ms": round(percentile(base_ms, 50), 1),
        "baseline_p99_ms": round(percentile(base_ms, 99), 1),
        "floor_per_s": round(requests / floor_s),
        "floor_p50_ms": round(percentile(floor_ms, 50), 1),
        "floor_p99_ms": round(percentile(floor_ms, 99), 1),
    }


def report(r: dict[str, Any]) -> None:
    rows = [
        (
            "the city loaded",
            f"{r['organizations']:,} organisations",
            f"{r['needs_posted']:,} needs",
            f"{r['areas']} areas",
        ),
        (
            "first page (/)",
            f"{r['requests']:,} requests, {r['clients']} clients",
            f"{r['home_per_s']:,}/s",
            f"p50 {r['home_p50_ms']} ms, p99 {r['home_p99_ms']} ms (goal < 100), {r['home_errors']} errors",
        ),
        (
            "statistics API",
            f"{r['requests']:,} requests over {r['areas']} areas",
            f"{r['stats_per_s']:,}/s",
            f"p50 {r['stats_p50_ms']} ms, p99 {r['stats_p99_ms']} ms (goal < 100), {r['stats_errors']} errors",
        ),
        (
            "baseline: the services asked directly",
            "what one figures answer takes, uncached",
            f"{r['baseline_per_s']:,}/s",
            f"p50 {r['baseline_p50_ms']} ms, p99 {r['baseline_p99_ms']} ms",
        ),
        (
            "floor: a bare uvicorn app",
            "the first page's bytes, nothing else done",
            f"{r['floor_per_s']:,}/s",
            f"p50 {r['floor_p50_ms']} ms, p99 {r['floor_p99_ms']} ms",
        ),
        (
            "dashboards: /org, /admin, /me",
            f"{r['dashboards']:,} requests, {r['dashboard_clients']} clients",
            f"{r['dashboards_per_s']:,}/s",
            f"p50 {r['dashboards_p50_ms']} ms, p99 {r['dashboards_p99_ms']} ms, {r['dashboards_errors']} errors; "
            f"alone /org {r['org_alone_ms']} ms, /admin {r['admin_alone_ms']} ms, /me {r['me_alone_ms']} ms",
        ),
        (
            "floor: a bare uvicorn app",
            "/org's bytes, nothing else done",
            f"{r['dashboards_floor_per_s']:,}/s",
            f"p99 {r['dashboards_floor_p99_ms']} ms",
        ),
        (
            "then every public page, once",
            ", ".join(PUBLIC_PAGES),
            "all 200",
            f"the slowest {r['after_slowest_ms']} ms",
        ),
    ]
    print_table("Gateway benchmark", rows)
    print(json.dumps(r))


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--dashboard-clients", type=int, default=50)
    parser.add_argument("--dashboards", type=int, default=2_000)
    parser.add_argument("--org-account", default=f"org:{DEMO_PASSWORD}", help="username:password")
    parser.add_argument("--admin-account", default=f"city:{DEMO_PASSWORD}", help="username:password")
    parser.add_argument("--resident-account", default=f"resident:{DEMO_PASSWORD}", help="username:password")
    for name, port in (("organizations", 8001), ("needs", 8002), ("resources", 8003)):
        parser.add_argument(f"--{name}-url", default=f"http://127.0.0.1:{port}")
    args = parser.parse_args()
    services = {name: getattr(args, f"{name}_url") for name in ("organizations", "needs", "resources")}
    signing_in = (args.org_account, args.admin_account, args.resident_account)
    accounts = [(a.partition(":")[0], a.partition(":")[2]) for a in signing_in]
    result = asyncio.run(main(args.url, services, args.clients, args.requests))
    result |= asyncio.run(dashboards(args.url, accounts, args.dashboard_clients, args.dashboards))
    report(result)


if __name__ == "__main__":
    cli()

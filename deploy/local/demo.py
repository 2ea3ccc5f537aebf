"""Loads a deterministic slice of the synthetic city through the services' HTTP APIs.

    python deploy/local/demo.py                # 1% of a Fuzhou-sized city
    python deploy/local/demo.py --scale 1      # all of it: 16,000 organisations, 220,000 members,
                                               # 7,204 venues with 100,000 bookings, 4,183 services,
                                               # and 20,006 needs posted: 2,000 open, and 18,006
                                               # fulfilled with 113,195 claims, as the seeds print

The registry imports the city's areas, organisations and members as CSV files; while it imports
the members (the longest part), the rest is loaded beside it: the city's administrator imports
the register of its venues and services and their bookings, open needs and activities are
posted for its organisations, and a history of needs is imported as its administrator: needs
fulfilled over the past two years, claimed unit by unit, some by members.

Runs in the project's virtualenv (make up calls it). Same seed, same city.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from cobuilding_demo import CO_BUILT_VENUES, Refused, co_build, stuck_need

from contract.ids import entity_id
from devkit.synthetic import (
    ACTIVITIES_HELD,
    CLAIMS_MADE,
    NEEDS_POSTED,
    OPEN_NEEDS,
    SERVICES_SHARED,
    VENUES_SHARED,
    City,
    NeedSpec,
    OrganizationRow,
    generate_activities,
    generate_bookings,
    generate_city,
    generate_history,
    generate_needs,
    generate_supply,
    shop_items,
    write_csv,
)
from gateway.config import Settings as GatewaySettings
from gateway.portal.accounts import Account, Role
from gateway.portal.cli import add_all
from notifications.config import Settings as NotificationsSettings
from notifications.preferences import Links
from organizations.config import Settings as RegistrySettings
from organizations.imports.client import import_file
from runtime.actors import Actor, ActorKind, sign
from runtime.config import ServiceSettings

BOOKINGS = 100_000  # bookings of the full city's venues over five months
GOAL_S = 180  # the whole city from nothing until matching has caught up, on this kind of machine
# the demo's bulk imports in flight (the registry's members aside): more only lengthen each (16 of
# the history took up to a minute)
IMPORTS_AT_ONCE = 4
DEMO_PASSWORD = "pbs-demo-2026"  # of the demo's portal accounts: never in production
DEMO_RESIDENT = entity_id("resident", "demo")  # the demo resident's account: her concerns are in the red mailbox
DEMO_MAIL = "org@dangjian.example.cn"  # the demo organisation's, confirmed: its mails are in the catcher


class Settings(ServiceSettings):
    """The platform's settings the demo signs its requests with (ACTOR_SECRET)."""

    service_name: str = "demo"
    http_port: int = 0


def acting_for(org: dict[str, str]) -> Actor:
    return Actor(kind=ActorKind.ORGANIZATION, organization_id=org["id"], area_code=org["area_code"])


class Loader:
    """Posts the load on aiohttp's client: httpx's took a third of a core posting the city's
    4,000 needs and activities."""

    def __init__(self, http: aiohttp.ClientSession, urls: dict[str, str], concurrency: int) -> None:
        self.http = http
        self.urls = urls
        self.slots = asyncio.Semaphore(concurrency)
        self.actor_secret = Settings().actor_secret

    async def post(self, service: str, path: str, body: dict[str, Any], actor: Actor) -> dict[str, Any]:
        """Posts as `actor`, retrying while the service has not yet heard of a just-registered organisation."""
        async with self.slots:
            for _ in range(100):
                headers = {"X-Actor": sign(actor, self.actor_secret)}  # signed when sent: tokens live 5 min
                async with self.http.post(self.urls[service] + path, json=body, headers=headers) as response:
                    status, text = response.status, await response.text()
                if status != 422 or "unknown organization" not in text:
                    break
                await asyncio.sleep(0.1)
            if status >= 400:
                raise Refused(service + path, status, text)
            result: dict[str, Any] = json.loads(text)
            return result


async def in_steps(what: str, jobs: Sequence[Callable[[], Awaitable[Any]]], *, at_once: int = 0) -> list[Any]:
    """Runs the jobs concurrently (`at_once` at most, if given), printing progress every tenth."""
    done, results, start = 0, [], time.monotonic()
    step = max(1, len(jobs) // 10)
    slots = asyncio.Semaphore(at_once or max(1, len(jobs)))

    async def tracked(job: Callable[[], Awaitable[Any]]) -> Any:
        nonlocal done
        async with slots:
            result = await job()
        done += 1
        if done % step == 0 or done == len(jobs):
            print(f"  {what}: {done}/{len(jobs)} ({time.monotonic() - start:.1f}s)", flush=True)
        return result

    results = await asyncio.gather(*(tracked(j) for j in jobs))
    return list(results)


async def import_csv(http: httpx.AsyncClient, url: str, kind: str, file: Awaitable[bytes]) -> None:
    """A table of the city (areas, organisations, members) through the registry's import API,
    once its CSV file is written."""
    start = time.monotonic()
    token = RegistrySettings().admin_token.get_secret_value()

    def show_import(job: dict[str, Any]) -> None:
        done = f"{job['applied_rows']:,}/{job['valid_rows']:,}"
        print(f"  {job['kind']}: {done} ({time.monotonic() - start:.1f}s)", flush=True)

    data = await file
    job = await import_file(http, url, kind, f"{kind}.csv", data, admin_token=token, every=1, progress=show_import)
    if job["status"] != "done":
        raise SystemExit(f"[demo] importing {kind} ended {job['status']}: {job['message']}")


def csv_bytes(kind: str, rows: Sequence[object]) -> bytes:
    """The rows as the registry's import takes them."""
    with tempfile.TemporaryDirectory() as folder:
        return write_csv(rows, Path(folder) / f"{kind}.csv").read_bytes()


async def until_known(http: httpx.AsyncClient, urls: list[str], organizations: int) -> None:
    """Waits until the needs and resources services have heard of every organisation."""
    start = time.monotonic()
    while True:
        counts = [(await http.get(f"{url}/known-organizations")).json()["count"] for url in urls]
        print(
            f"  organisations known to needs and resources: {counts[0]:,} and {counts[1]:,} of {organizations:,}"
            f" ({time.monotonic() - start:.1f}s)",
            flush=True,
        )
        if min(counts) >= organizations:
            return
        await asyncio.sleep(3)


async def matching_caught_up(kafka: str, matching: str) -> None:
    """Waits until matching has handled every event of the load (its consumer group has nothing
    left to read) and its index is current, saying how far it is."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    ends = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await admin.start()
    await ends.start()
    started = time.monotonic()
    try:
        described = await admin.describe_topics(["needs.events", "resources.events", "organizations.events"])
        partitions = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
        async with httpx.AsyncClient(timeout=10) as http:
            said = float("-inf")
            while True:
                committed = await admin.list_consumer_group_offsets("matching")
                last = await ends.end_offsets(partitions)
                left = sum(end - (committed[tp].offset if tp in committed else 0) for tp, end in last.items())
                live = (await http.get(f"{matching}/index")).json()["live"]
                if left <= 0 and live:
                    print(f"[demo] matching caught up ({time.monotonic() - started:.1f}s)", flush=True)
                    return
                if time.monotonic() - said >= 5:
                    print(f"  matching: {left:,} events to handle", flush=True)
                    said = time.monotonic()
                await asyncio.sleep(0.25)  # "caught up" is said at most this late
    finally:
        await admin.close()
        with contextlib.suppress(asyncio.CancelledError):  # aiokafka's own task, cancelled before it ran
            await ends.stop()


FIRST_PAGE = ("organizations", "members", "needs_posted", "claims_completed", "venues_shared", "services_shared")


def took(scale: float, seconds: float) -> None:
    """How long it took from nothing until matching caught up, with the goal for the whole
    city (deploy/PROVINCE.md), and as one JSON line."""
    goal = GOAL_S if scale == 1 else None
    said = f" (goal for the whole city: < {goal} s)" if goal else ""
    print(f"[demo] {scale:g} of the city from nothing until matching caught up: {seconds:.0f} s{said}", flush=True)
    print(json.dumps({"demo_scale": scale, "up_seconds": round(seconds), "goal_seconds": goal}), flush=True)


def first_page(gateway: str) -> str:
    """The six figures the portal's first page shows (the public statistics), as the seeds print them."""
    totals = httpx.get(f"{gateway}/api/v1/stats", timeout=30).raise_for_status().json()["totals"]
    return ", ".join(f"{totals[key]:,} {key.replace('_', ' ')}" for key in FIRST_PAGE)


async def load_with_accounts(
    city: City, scale: float, urls: dict[str, str], seed: int, concurrency: int
) -> tuple[dict[str, int], list[Account]]:
    """The city loaded, and the portal's demo accounts made meanwhile (their passwords hashed);
    accounts that fail to be made stop nothing of the load (they are made again at the next run)."""
    accounts = asyncio.create_task(add_all(demo_people(city), DEMO_PASSWORD, GatewaySettings()))
    try:
        counts = await load(city, scale, urls, seed, concurrency)
    except BaseException:
        accounts.cancel()
        raise
    return counts, await accounts


async def load(city: City, scale: float, urls: dict[str, str], seed: int, concurrency: int) -> dict[str, int]:
    async with (
        httpx.AsyncClient(timeout=60) as http,
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(60)) as session,
    ):
        existing = (await http.get(urls["organizations"] + "/organizations", params={"limit": 1})).json()
        if existing["items"]:
            print("[demo] the registry already has organisations: not loading the demo again", flush=True)
            return {}
        registry = urls["organizations"]
        aside = ThreadPoolExecutor(max_workers=1)  # each CSV file written while those before it import
        tables = (("areas", city.areas), ("organizations", city.organizations), ("members", city.members))
        files = {kind: asyncio.wrap_future(aside.submit(csv_bytes, kind, rows)) for kind, rows in tables}
        members: asyncio.Task[None] | None = None
        try:
            await import_csv(http, registry, "areas", files["areas"])
            await import_csv(http, registry, "organizations", files["organizations"])
            # the longest part, beside all the rest: nothing loaded after it needs the members
            members = asyncio.create_task(import_csv(http, registry, "members", files["members"]))
            await until_known(http, [urls["needs"], urls["resources"]], len(city.organizations))
            await confirmed_mail(http, urls["notifications"], entity_id("organization", demo_shop(city).code))
            loader = Loader(session, urls, concurrency)
            parties, community = co_building_parties(city), demo_shop(city).area_code[:12]
            due = await stuck_need(loader.post, parties[1], community)
            orgs = [
                {"id": entity_id("organization", o.code), "name": o.name, "area_code": o.area_code[:12]}
                for o in city.organizations
            ]

            actor_of = {o.code: acting_for(org) for o, org in zip(city.organizations, orgs, strict=True)}
            now = datetime.now(UTC)
            register = register_of(city, scale)
            city_admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=city.areas[0].code)
            await in_steps(
                "the register of venues and services",
                [import_resources(loader, register[i : i + 1000], city_admin) for i in range(0, len(register), 1000)],
                at_once=IMPORTS_AT_ONCE,
            )
            venues = [str(r["id"]) for r in register if r["kind"] == "venue"]
            bookings = generate_bookings(city, venues, round(BOOKINGS * scale), around=now)
            booked = await in_steps(
                "bookings of the venues (past and to come)",
                [import_bookings(loader, bookings[i : i + 1000], city_admin) for i in range(0, len(bookings), 1000)],
                at_once=IMPORTS_AT_ONCE,
            )
            open_needs, history = needs_of(city, scale, now, seed)
            await in_steps(
                "open needs", [post_need(loader, spec, actor_of[spec.organization_code]) for spec in open_needs]
            )
            activities = generate_activities(city, round(ACTIVITIES_HELD * scale), start=now)
            await in_steps(
                "activities",
                [post_activity(loader, spec, actor_of[spec.organization_code]) for spec in activities],
            )
            shop = demo_shop(city)
            shelved = await in_steps(
                "the demo community's points shop",
                [shelve(loader, item, actor_of[shop.code]) for item in shop_items(shop.area_code[:12])],
            )
            batches = [history[i : i + 500] for i in range(0, len(history), 500)]
            await in_steps(
                "fulfilled needs of the past two years",
                [import_history(loader, batch, city_admin) for batch in batches],
                at_once=IMPORTS_AT_ONCE,
            )
            point = (demo_shop(city).lat, demo_shop(city).lon)
            co_built = await co_build(loader.post, parties, community, point, DEMO_RESIDENT, due)
            await members
        finally:
            aside.shutdown(wait=False, cancel_futures=True)
            if members is not None:
                members.cancel()  # when the rest failed (nothing, once it is done)
    return {
        "areas": len(city.areas),
        "organisations": len(orgs),
        "members": len(city.members),
        "venues": len(venues) + CO_BUILT_VENUES,
        "services": len(register) - len(venues),
        "bookings": sum(b["imported"] for b in booked),
        "open needs": len(open_needs) + 1,  # and the stuck one
        "activities": len(activities),
        "items in the points shop": len(shelved),
        "fulfilled needs": len(history),
        "completed claims": sum(len(need["claims"]) for need in history),
        **co_built,
    }


async def confirmed_mail(http: httpx.AsyncClient, url: str, organization_id: str) -> None:
    """The demo organisation gives `DEMO_MAIL` for its notifications and confirms it (as the link
    mailed to it would), so that what it is told also reaches the local stack's mail catcher."""
    secret = Settings().actor_secret
    own = {"X-Actor": sign(Actor(kind=ActorKind.ORGANIZATION, organization_id=organization_id), secret)}
    (await http.put(url + "/preferences", json={"email": DEMO_MAIL}, headers=own)).raise_for_status()
    token = Links(NotificationsSettings().link_secret).confirm(f"organization:{organization_id}", "email", DEMO_MAIL)
    platform = {"X-Actor": sign(Actor(kind=ActorKind.PLATFORM), secret)}
    (await http.post(url + "/preferences/confirm", json={"token": token}, headers=platform)).raise_for_status()


def register_of(city: City, scale: float) -> list[dict[str, Any]]:
    """The city's register of venues and services at `scale` (with the co-building's venues, the
    seeds' 7,204 and 4,183), each row under its own id, as `POST /resources/import` takes it."""
    specs = generate_supply(city, round(VENUES_SHARED * scale) - CO_BUILT_VENUES, round(SERVICES_SHARED * scale))
    return [
        {"id": entity_id("resource", str(n)), "organization_id": entity_id("organization", s.organization_code)}
        | s.body
        for n, s in enumerate(specs)
    ]


def demo_shop(city: City) -> OrganizationRow:
    """The organisation of the demo's accounts: the first that is in a community, not a district's."""
    return next(o for o in city.organizations if len(o.area_code) >= 12)


def needs_of(city: City, scale: float, now: datetime, seed: int) -> tuple[list[NeedSpec], list[dict[str, Any]]]:
    """The open needs to post and the fulfilled ones to import: with the stuck need, the seeds'
    needs posted and claims made, at `scale`, so the first page shows the seeds' figures."""
    open_needs = generate_needs(city, round(OPEN_NEEDS * scale) - 1, start=now)  # and the stuck need
    fulfilled, claims = round((NEEDS_POSTED - OPEN_NEEDS) * scale), round(CLAIMS_MADE * scale)
    history = generate_history(city, fulfilled, end=now, seed=seed + 1, claims=claims)
    return open_needs, with_members(history, city)


def with_members(history: list[dict[str, Any]], city: City) -> list[dict[str, Any]]:
    """The history with every other claim of each organisation served by one of its members, in
    turn (the points service then credits that member, through the organisation): members earn
    points and hours from the demo's past, as organisations do from the rest. The demo
    organisation's are all served by the demo member, who then has points to spend in the shop."""
    members: dict[str, list[str]] = {}
    for member in city.members:
        own = member.organization_codes.split(";")[0]
        members.setdefault(entity_id("organization", own), []).append(entity_id("member", member.code))
    shop = demo_shop(city)
    if (demo_member := _member_of(city, shop.code)) is not None:
        members[entity_id("organization", shop.code)] = [demo_member]
    claims_of: dict[str, int] = {}
    for need in history:
        for claim in need["claims"]:
            served = claims_of[claim["organization_id"]] = claims_of.get(claim["organization_id"], 0) + 1
            theirs = members.get(claim["organization_id"])
            if theirs and served % 2 == 0:
                claim["member_id"] = theirs[(served // 2 - 1) % len(theirs)]
    return history


def co_building_parties(city: City) -> list[str]:
    """Three organisations of the demo community (of its street when it has fewer), the demo
    organisation first: the parties to the demo's co-building agreements."""
    demo = demo_shop(city)
    near = [o for o in city.organizations if o.code != demo.code and o.area_code.startswith(demo.area_code[:12])]
    near += [o for o in city.organizations if o.code != demo.code and o.area_code.startswith(demo.area_code[:9])]
    others = list(dict.fromkeys(entity_id("organization", o.code) for o in near))[:2]
    return [entity_id("organization", demo.code), *others]


def demo_people(city: City) -> list[Account]:
    """Portal accounts for trying each role: administrators from the city down to the community of
    the first organisation that is in one, that organisation's administrator and member (one of
    its members in the registry, so the points they earn and spend are their own), and a resident
    of the community."""
    org = demo_shop(city)
    community = org.area_code[:12]
    organization_id = entity_id("organization", org.code)
    admins = [
        ("city", "市级管理员", city.areas[0].code),
        ("district", "区级管理员", community[:6]),
        ("street", "街道管理员", community[:9]),
        ("community", "社区管理员", community),
    ]
    return [
        *(Account(username=u, name=n, role=Role.AREA_ADMIN, area_code=code) for u, n, code in admins),
        Account(username="org", name=f"{org.name}管理员", role=Role.ORG_ADMIN, organization_id=organization_id),
        Account(
            username="member",
            name=f"{org.name}党员",
            role=Role.MEMBER,
            organization_id=organization_id,
            member_id=_member_of(city, org.code),
        ),
        Account(id=DEMO_RESIDENT, username="resident", name="王阿姨", role=Role.RESIDENT, area_code=community),
    ]


def _member_of(city: City, organization_code: str) -> str | None:
    """The registry's id of a member whose own organisation is this one (the demo member is one
    of them, so 双报到 and the time bank know who they are), or None when it has none."""
    found = next((m for m in city.members if m.organization_codes.split(";")[0] == organization_code), None)
    return entity_id("member", found.code) if found else None


def import_resources(loader: Loader, rows: list[dict[str, Any]], admin: Actor) -> Callable[[], Awaitable[Any]]:
    return lambda: loader.post("resources", "/resources/import", {"resources": rows}, admin)


def import_bookings(loader: Loader, rows: list[dict[str, Any]], admin: Actor) -> Callable[[], Awaitable[Any]]:
    return lambda: loader.post("resources", "/bookings/import", {"bookings": rows}, admin)


def post_need(loader: Loader, spec: NeedSpec, poster: Actor) -> Callable[[], Awaitable[Any]]:
    return lambda: loader.post("needs", "/needs", spec.body, poster)


def post_activity(loader: Loader, spec: NeedSpec, host: Actor) -> Callable[[], Awaitable[Any]]:
    return lambda: loader.post("needs", "/activities", spec.body, host)


def shelve(loader: Loader, item: dict[str, Any], owner: Actor) -> Callable[[], Awaitable[Any]]:
    return lambda: loader.post("points", "/shop/items", item, owner)


def import_history(loader: Loader, needs: list[dict[str, Any]], admin: Actor) -> Callable[[], Awaitable[Any]]:
    return lambda: loader.post("needs", "/needs/history", {"needs": needs}, admin)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.01, help="share of the full city (default 0.01)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--concurrency", type=int, default=16)
    services = (
        ("organizations", 8001),
        ("needs", 8002),
        ("resources", 8003),
        ("points", 8005),
        ("notifications", 8006),
        ("cobuilding", 8007),
    )
    for name, port in services:
        parser.add_argument(f"--{name}-url", default=f"http://127.0.0.1:{port}")
    parser.add_argument("--matching-url", default="http://127.0.0.1:8004")
    parser.add_argument("--gateway-url", default="http://127.0.0.1:8000")
    parser.add_argument("--kafka", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument(
        "--since", type=float, help="when `make up` began (epoch seconds): the time taken is said from it"
    )
    parser.add_argument(
        "--when-told",
        action="store_true",
        help="make the city, then load it once a line comes on stdin (the stack's services are up)",
    )
    args = parser.parse_args()
    urls = {name: getattr(args, f"{name}_url") for name, _ in services}
    print(f"[demo] loading {args.scale:g} of the synthetic city (seed {args.seed}) ...", flush=True)
    city = generate_city(args.scale)
    if args.when_told and not sys.stdin.readline():
        return 1  # the stack did not start
    counts, people = asyncio.run(load_with_accounts(city, args.scale, urls, args.seed, args.concurrency))
    if counts:
        print("[demo] loaded " + ", ".join(f"{v} {k}" for k, v in counts.items()), flush=True)
    print(f"[demo] portal accounts (password {DEMO_PASSWORD}): " + ", ".join(a.username for a in people), flush=True)
    asyncio.run(matching_caught_up(args.kafka, args.matching_url))
    print(f"[demo] the first page: {first_page(args.gateway_url)}", flush=True)
    if counts and args.since is not None:
        took(args.scale, time.time() - args.since)
    return 0


if __name__ == "__main__":
    sys.exit(main())

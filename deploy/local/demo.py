"""Loads a deterministic slice of a synthetic city through the services' HTTP APIs.

    python deploy/local/demo.py                # about 1% of a Fuzhou-sized city
    python deploy/local/demo.py --scale 1      # all of it: 16,000 organisations, 20,006 needs,
                                               # 11,387 venues and services

Runs in the project's virtualenv (make up calls it). Same seed, same city.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx

from shared.taxonomy import Category

# Fuzhou's figures (DOMAIN.md): the scale the platform must carry.
ORGANIZATIONS, NEEDS, VENUES, SERVICES = 16_000, 20_006, 7_204, 4_183
DISTRICTS = {
    "350102": "鼓楼区",
    "350103": "台江区",
    "350104": "仓山区",
    "350105": "马尾区",
    "350111": "晋安区",
    "350112": "长乐区",
    "350121": "闽侯县",
    "350122": "连江县",
    "350123": "罗源县",
    "350124": "闽清县",
    "350125": "永泰县",
    "350128": "平潭县",
    "350181": "福清市",
}
STREETS_PER_DISTRICT, COMMUNITIES_PER_STREET = 13, 16
KINDS = {  # kind: (share of organisations, name pattern)
    "branch": (0.40, "{place}第{n}党支部"),
    "general_branch": (0.08, "{place}党总支"),
    "private_enterprise": (0.18, "{place}{trade}有限公司党支部"),
    "social_organization": (0.08, "{place}志愿服务协会"),
    "school": (0.05, "{place}小学党支部"),
    "hospital": (0.03, "{place}社区卫生服务中心党支部"),
    "shop": (0.10, "{place}{trade}店"),
    "government_unit": (0.04, "{place}街道办事处党工委"),
    "union": (0.02, "{place}工会"),
    "commercial_building": (0.02, "{place}商务楼宇党委"),
}
TRADES = ["科技", "物流", "餐饮", "电子", "建筑", "医药", "文化传媒", "金融", "家政", "理发"]
PLACES = ["东街", "安泰", "温泉", "鼓东", "水部", "华大", "五凤", "洪山", "南街", "王庄", "茶亭", "上渡"]
NEED_TITLES = {
    Category.VENUE: "主题党日活动借用会议室",
    Category.FIRST_AID_TRAINING: "员工急救知识培训",
    Category.LEGAL_AID: "居民法律咨询",
    Category.ELDERLY_CARE: "独居老人助餐",
    Category.TUTORING: "四点半课堂辅导",
    Category.REPAIRS: "老旧小区水电维修",
    Category.HAIRCUT: "高龄老人上门理发",
    Category.LECTURER: "党课宣讲师资",
}


def area_codes() -> list[str]:
    return [
        f"{d}{s:03d}{c:03d}"
        for d in DISTRICTS
        for s in range(1, STREETS_PER_DISTRICT + 1)
        for c in range(1, COMMUNITIES_PER_STREET + 1)
    ]


class Loader:
    def __init__(self, http: httpx.AsyncClient, urls: dict[str, str], concurrency: int) -> None:
        self.http = http
        self.urls = urls
        self.slots = asyncio.Semaphore(concurrency)

    async def post(self, service: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """Posts, retrying while the service has not yet heard of a just-registered organisation."""
        async with self.slots:
            for _ in range(100):
                response = await self.http.post(self.urls[service] + path, json=body)
                if response.status_code != 422 or "unknown organization" not in response.text:
                    break
                await asyncio.sleep(0.1)
            response.raise_for_status()
            result: dict[str, Any] = response.json()
            return result


async def in_steps(what: str, jobs: Sequence[Callable[[], Awaitable[Any]]]) -> list[Any]:
    """Runs the jobs concurrently, printing progress every tenth."""
    done, results, start = 0, [], time.monotonic()
    step = max(1, len(jobs) // 10)

    async def tracked(job: Callable[[], Awaitable[Any]]) -> Any:
        nonlocal done
        result = await job()
        done += 1
        if done % step == 0 or done == len(jobs):
            print(f"  {what}: {done}/{len(jobs)} ({time.monotonic() - start:.1f}s)", flush=True)
        return result

    results = await asyncio.gather(*(tracked(j) for j in jobs))
    return list(results)


async def load(scale: float, urls: dict[str, str], seed: int, concurrency: int) -> dict[str, int]:
    rng = random.Random(seed)
    areas = area_codes()
    kinds = list(KINDS)
    weights = [KINDS[k][0] for k in kinds]
    async with httpx.AsyncClient(timeout=30) as http:
        existing = (await http.get(urls["organizations"] + "/organizations", params={"limit": 1})).json()
        if existing["items"]:
            print("[demo] the registry already has organisations: not loading the demo again", flush=True)
            return {}
        loader = Loader(http, urls, concurrency)

        def organization(i: int) -> Callable[[], Awaitable[Any]]:
            kind = rng.choices(kinds, weights)[0]
            name = KINDS[kind][1].format(place=rng.choice(PLACES), trade=rng.choice(TRADES), n=i % 9 + 1)
            body = {"name": name, "kind": kind, "area_code": rng.choice(areas)}
            return lambda: loader.post("organizations", "/organizations", body)

        orgs = await in_steps("organisations", [organization(i) for i in range(round(ORGANIZATIONS * scale))])

        def need(i: int) -> Callable[[], Awaitable[Any]]:
            org = rng.choice(orgs)
            category = rng.choice(list(NEED_TITLES))
            body = {
                "organization_id": org["id"],
                "title": NEED_TITLES[category],
                "category": category,
                "area_code": org["area_code"],
                "quantity": rng.randint(1, 60),
            }
            return lambda: loader.post("needs", "/needs", body)

        def resource(kind: str) -> Callable[[], Awaitable[Any]]:
            org = rng.choice(orgs)
            category = Category.VENUE if kind == "venue" else rng.choice(list(NEED_TITLES)[1:])
            name = f"{org['name'].removesuffix('党支部')}{'党群活动室' if kind == 'venue' else '志愿服务'}"
            body = {
                "organization_id": org["id"],
                "kind": kind,
                "name": name,
                "category": category,
                "area_code": org["area_code"],
                "capacity": rng.randint(10, 120),
            }
            return lambda: loader.post("resources", "/resources", body)

        supply = [resource("venue") for _ in range(round(VENUES * scale))]
        supply += [resource("service") for _ in range(round(SERVICES * scale))]
        await in_steps("venues and services", supply)
        needs = await in_steps("needs", [need(i) for i in range(round(NEEDS * scale))])
    return {"organisations": len(orgs), "needs": len(needs), "supply": len(supply)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.01, help="share of the full city (default 0.01)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--concurrency", type=int, default=16)
    for name, port in (("organizations", 8001), ("needs", 8002), ("resources", 8003)):
        parser.add_argument(f"--{name}-url", default=f"http://127.0.0.1:{port}")
    args = parser.parse_args()
    urls = {name: getattr(args, f"{name}_url") for name in ("organizations", "needs", "resources")}
    print(f"[demo] loading {args.scale:g} of the synthetic city (seed {args.seed}) ...", flush=True)
    counts = asyncio.run(load(args.scale, urls, args.seed, args.concurrency))
    if counts:
        print("[demo] loaded " + ", ".join(f"{v} {k}" for k, v in counts.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of a province: the synthetic generator at 20×, matching split over instances, and
the read models a district costs.

    make bench-province                                        # 20 cities, 12 matching instances
    python -m devkit.bench.province --cities 2 --instances 2 --scale 0.05

1. The province: `--cities` cities of the synthetic Fuzhou's shape (devkit.synthetic
   `generate_province`), each with its 16,000 organisations, 20,000 open needs and 11,387
   venues and services; 320,000 organisations and 400,000 open needs at 20. Members (220,000 a
   city, 4.4 M at 20) are generated for the first city only: nothing of matching uses them, and
   the registry's read model is measured on that city (3, below).
2. Matching as deployed (deploy/PROVINCE.md): `--partitions` partitions of the needs topic, where
   Kafka's partitioner puts each district's code, shared out over `--instances` instances. Each
   instance, in a process of its own forked in turn, keeps all the province's supply (for
   suppliers across a border) and its districts' open needs; then, as `run_scale` of the
   matching benchmark: the batch (candidates and min-cost flow) and its total against the exact
   optimum over every feasible pair of its share (the baseline, same process), 1,000 new needs
   of its districts proposed for one at a time (p99), and its memory: what the process grew
   while it copied its supply and needs and built its index (the process's own, beside it, is
   that of a service's imports: matching's is measured at the whole city in docs/benchmarks.md).
3. Read models per district, for one city (its 13 districts): the registry's (its areas,
   organisations and members planned by the import, as a running registry holds them) and the
   needs' (its 20,000 open needs and its history of 18,006 fulfilled ones with their 113,195
   claims), each measured as the memory of a copy made while tracemalloc counts.
Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import pickle
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from contract.events.needs import NeedStatus
from contract.ids import entity_id
from devkit.bench.matching import need_of, proposing_ms, supply_of
from devkit.benchmarking import percentile, print_table, rss_mb
from devkit.synthetic import (
    CLAIMS_MADE,
    NEEDS_POSTED,
    OPEN_NEEDS,
    SERVICES_SHARED,
    VENUES_SHARED,
    City,
    generate_city,
    generate_history,
    generate_needs,
    generate_province,
    generate_supply,
    write_csv,
)
from matching.index.assign import optimal
from matching.index.engine import Index, Need, Supply
from matching.index.share import partition_of
from needs.needs.models import Need as PostedNeed
from needs.needs.schemas import PastNeed
from needs.needs.service import past_need
from needs.needs.view import NeedsView
from organizations.imports.models import ImportKind
from organizations.imports.plan import plan_import
from organizations.view import RegistryView

OPEN_A_CITY = 20_000  # the province: 400,000 open needs in twenty cities
NEWCOMERS = 1_000


@dataclass
class Province:
    """What the instances share, made once before they are forked: the province's supply, its
    open needs, and more needs for each instance to add one at a time."""

    supply: list[Supply] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    newcomers: list[Need] = field(default_factory=list)


PROVINCE = Province()  # a module's own, for the forked instances to inherit


def build_province(cities: int, scale: float, now: datetime) -> dict[str, int]:
    organizations = areas = 0
    for k, city in enumerate(generate_province(cities, scale, members=False)):
        organizations += len(city.organizations)
        areas += len(city.areas)
        supply = generate_supply(city, round(VENUES_SHARED * scale), round(SERVICES_SHARED * scale), seed=7204 + k)
        PROVINCE.supply += [supply_of(item, len(PROVINCE.supply) + n) for n, item in enumerate(supply)]
        count = round(OPEN_A_CITY * scale)
        specs = generate_needs(city, count + NEWCOMERS, start=now, seed=20006 + k)
        start = len(PROVINCE.needs) + len(PROVINCE.newcomers)
        PROVINCE.needs += [
            need_of(spec, start + n, now - timedelta(days=n % 30)) for n, spec in enumerate(specs[:count])
        ]
        PROVINCE.newcomers += [need_of(spec, start + count + n, now) for n, spec in enumerate(specs[count:])]
        print(f"[bench] city {k + 1}/{cities}: {len(PROVINCE.needs):,} open needs so far", flush=True)
    return {
        "cities": cities,
        "areas": areas,
        "organizations": organizations,
        "open_needs": len(PROVINCE.needs),
        "supply": len(PROVINCE.supply),
        "districts": len({n.area_code[:6] for n in PROVINCE.needs}),
    }


def owned(instance: int, instances: int, partitions: int) -> set[int]:
    """The partitions one instance holds when the group shares them out evenly."""
    return {p for p in range(partitions) if p % instances == instance}


def run_instance(instance: int, instances: int, partitions: int, top: int) -> dict[str, Any]:
    """One matching instance, in a forked process: its index, batch, optimum, newcomers, memory."""
    now = datetime.now(UTC)
    mine = owned(instance, instances, partitions)

    def ours(need: Need) -> bool:
        return partition_of(need.area_code[:6], partitions) in mine

    gc.collect()
    before = rss_mb(os.getpid())  # the province inherited from the parent: not this instance's
    started = time.perf_counter()
    index = Index(max_per_day=1_000_000)
    supply: list[Supply] = pickle.loads(pickle.dumps(PROVINCE.supply))  # copies, this instance's own
    needs: list[Need] = pickle.loads(pickle.dumps([need for need in PROVINCE.needs if ours(need)]))
    for item in supply:
        index.put_supply(item)
    for need in needs:
        index.put_need(need)
    built_s = time.perf_counter() - started
    index_mb = rss_mb(os.getpid()) - before

    started = time.perf_counter()
    shortlist = index.candidates(needs, top=top, moment=now)
    engine = optimal(shortlist)
    batch_s = time.perf_counter() - started
    del shortlist
    started = time.perf_counter()
    everything = index.candidates(needs, top=None, moment=now)
    best = optimal(everything)
    exact_s = time.perf_counter() - started
    feasible = len(everything)
    del everything

    proposing = proposing_ms(index, [need for need in PROVINCE.newcomers if ours(need)][:NEWCOMERS])
    return {
        "instance": instance,
        "partitions": sorted(mine),
        "districts": len({need.area_code[:6] for need in needs}),
        "needs": len(needs),
        "supply": len(index.supply),
        "feasible_pairs": feasible,
        "index_built_s": round(built_s, 2),
        "batch_s": round(batch_s, 2),
        "pct_of_optimum": round(100 * engine.total / best.total, 2) if best.total else 100.0,
        "exact_s": round(exact_s, 2),
        "incremental_p99_ms": round(percentile(proposing, 99), 2),
        "index_mb": round(index_mb),
    }


def traced_mb(model: object) -> float:
    """The memory `model` holds: that of a copy of it, made while tracemalloc counts."""
    data = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    del model
    gc.collect()
    tracemalloc.start()
    try:
        copy = pickle.loads(data)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del copy
    return held / 1024 / 1024


def registry_of(city: City) -> RegistryView:
    """The registry's read model of `city`, as its import plans it (no database)."""
    view = RegistryView()
    with tempfile.TemporaryDirectory() as folder:
        imported: list[tuple[ImportKind, Sequence[object], Callable[[Any], None]]] = [
            (ImportKind.AREAS, city.areas, view.put_area),
            (ImportKind.ORGANIZATIONS, city.organizations, view.put_organization),
            (ImportKind.MEMBERS, city.members, view.put_member),
        ]
        for kind, rows, put in imported:
            data = write_csv(rows, Path(folder) / f"{kind.value}.csv").read_bytes()
            plan = plan_import(
                kind, f"{kind.value}.csv", data, view, digest=lambda row: hashlib.sha256(row).hexdigest()
            )
            if plan.errors:
                raise SystemExit(f"the synthetic {kind.value} do not import: {plan.errors[:3]}")
            for aggregate, _ in plan.inserts:
                put(aggregate)  # as the repositories hand each written aggregate to the read model
            print(f"[bench] registry: {len(plan.inserts):,} {kind.value} planned", flush=True)
    return view


def needs_of(city: City, scale: float, now: datetime) -> NeedsView:
    """The needs service's read model of `city`: its open needs and its fulfilled history."""
    view = NeedsView()
    for spec in generate_needs(city, round(OPEN_A_CITY * scale), start=now):
        body = {**spec.body, "organization_id": entity_id("organization", spec.organization_code)}
        need = PostedNeed.model_validate({**body, "id": entity_id("need", str(len(view.needs))), "posted_at": now})
        need.status = NeedStatus.OPEN
        view.put(need)
    fulfilled, claims = round((NEEDS_POSTED - OPEN_NEEDS) * scale), round(CLAIMS_MADE * scale)
    for past in generate_history(city, fulfilled, end=now, claims=claims):
        view.put(past_need(PastNeed.model_validate(past)))
    return view


def read_models(scale: float) -> dict[str, Any]:
    now = datetime.now(UTC)
    print("[bench] read models: one city with its members ...", flush=True)
    city = generate_city(scale)
    districts = len({a.code for a in city.areas if a.level == "district"})
    registry = traced_mb(registry_of(city))
    needs = traced_mb(needs_of(city, scale, now))
    return {
        "city_districts": districts,
        "city_members": len(city.members),
        "registry_city_mb": round(registry),
        "registry_district_mb": round(registry / districts, 1),
        "needs_city_mb": round(needs),
        "needs_district_mb": round(needs / districts, 1),
    }


def report(result: dict[str, Any]) -> None:
    p = result["province"]
    rows = [
        (
            "the province",
            f"{p['cities']} cities, {p['districts']} districts",
            f"{p['organizations']:,} orgs",
            f"{p['open_needs']:,} open needs, {p['supply']:,} supply",
        )
    ]
    for r in result["instances"]:
        rows += [
            (
                f"instance {r['instance']}: batch",
                f"{r['districts']} districts, {r['needs']:,} needs, all supply",
                f"{r['batch_s']} s",
                f"{r['pct_of_optimum']}% of optimum (goal ≥ 99.5); exact {r['exact_s']} s",
            ),
            (
                f"instance {r['instance']}: incremental",
                f"{NEWCOMERS:,} new needs, 3 proposals each",
                f"p99 {r['incremental_p99_ms']} ms",
                "goal < 5 ms",
            ),
            (
                f"instance {r['instance']}: memory",
                "its supply, needs and index",
                f"{r['index_mb']:,} MB",
                f"built in {r['index_built_s']} s",
            ),
        ]
    m = result["read_models"]
    rows += [
        (
            "registry's read model",
            f"one city: {m['city_members']:,} members",
            f"{m['registry_city_mb']:,} MB",
            f"{m['registry_district_mb']} MB a district",
        ),
        (
            "needs' read model",
            "one city: open needs and history",
            f"{m['needs_city_mb']:,} MB",
            f"{m['needs_district_mb']} MB a district",
        ),
    ]
    print_table("Province benchmark", rows)
    print(json.dumps(result))


def main(cities: int, scale: float, instances: int, partitions: int, top: int) -> dict[str, Any]:
    print(f"[bench] a province of {cities} cities at {scale:g} ...", flush=True)
    province = build_province(cities, scale, datetime.now(UTC))
    results = []
    fork = get_context("fork")  # each instance inherits the province, and has a memory of its own
    for instance in range(instances):
        with ProcessPoolExecutor(1, mp_context=fork) as pool:
            result = pool.submit(run_instance, instance, instances, partitions, top).result()
        print(
            f"[bench] instance {instance + 1}/{instances}: {result['needs']:,} needs, batch {result['batch_s']} s, "
            f"{result['pct_of_optimum']}% of optimum, {result['index_mb']:,} MB",
            flush=True,
        )
        results.append(result)
    PROVINCE.supply, PROVINCE.needs, PROVINCE.newcomers = [], [], []
    summary: dict[str, Any] = {
        "province": province,
        "partitions": partitions,
        "instances": results,
        "max_batch_s": max(r["batch_s"] for r in results),
        "min_pct_of_optimum": min(r["pct_of_optimum"] for r in results),
        "max_incremental_p99_ms": max(r["incremental_p99_ms"] for r in results),
        "max_instance_mb": max(r["index_mb"] for r in results),
        "read_models": read_models(scale),
    }
    report(summary)
    return summary


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cities", type=int, default=20)
    parser.add_argument("--scale", type=float, default=1.0, help="share of each city (default all of it)")
    parser.add_argument("--instances", type=int, default=12, help="matching instances (default 12)")
    parser.add_argument("--partitions", type=int, default=24, help="partitions of the needs topic (default 24)")
    parser.add_argument("--top", type=int, default=30, help="candidates kept per need (the province's REMATCH_TOP)")
    args = parser.parse_args()
    main(args.cities, args.scale, args.instances, args.partitions, args.top)
    sys.exit(0)

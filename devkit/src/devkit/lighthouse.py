"""Lighthouse (npm, `devkit/lighthouse`) on the portal's main pages, as a phone sees them (its
mobile profile: a mid-range phone, throttled CPU and a slow 4G link), with Debian's Chromium:
the first page, a district's page, the list of needs, a need's page and a venue's page. Prints a
table and one JSON line, writes `docs/lighthouse.md`, and fails below the goals (accessibility
≥ 95, performance ≥ 90).

    make lighthouse                    # on the stack `make up` runs (DEMO=1: the whole city)
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from devkit.benchmarking import print_table

ROOT = Path(__file__).resolve().parents[3]
LIGHTHOUSE = ROOT / "devkit" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
DOCS = ROOT / "docs" / "lighthouse.md"
GOALS = {"accessibility": 95, "performance": 90}
MEASURES = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
}


def pages(portal: str, services: dict[str, str], city: str) -> dict[str, str]:
    """The pages audited: the first page, the first district's, the needs, one need, one venue."""
    with httpx.Client(timeout=10) as http:
        districts = http.get(f"{services['organizations']}/areas/{city}/children").json()
        needs = http.get(f"{services['needs']}/needs", params={"limit": 1, "status": "open"}).json()["items"]
        venues = http.get(f"{services['resources']}/resources", params={"limit": 1, "kind": "venue"}).json()["items"]
    found = {"first page": "/", "needs": "/needs"}
    if districts:
        found["a district"] = f"/areas/{districts[0]['code']}"
    if needs:
        found["a need"] = f"/needs/{needs[0]['id']}"
    if venues:
        found["a venue"] = f"/resources/{venues[0]['id']}"
    return {name: portal + path for name, path in found.items()}


def audit(url: str, chromium: str) -> dict[str, Any]:
    """One Lighthouse run of `url` on its mobile profile: the two scores and the paint timings."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        run = functools.partial(
            subprocess.run,
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--only-categories=performance,accessibility",
                "--chrome-flags=--headless=new --no-sandbox",
                "--output=json",
                f"--output-path={report}",
            ],
            env={**os.environ, "CHROME_PATH": chromium},
        )
        if run().returncode != 0:  # a browser that failed to start, once: again
            run(check=True)
        found = json.loads(report.read_text())
    scores = {name: round(found["categories"][name]["score"] * 100) for name in GOALS}
    timings = {short: found["audits"][name]["numericValue"] for name, short in MEASURES.items()}
    return {
        **scores,
        "fcp_ms": round(timings["FCP"]),
        "lcp_ms": round(timings["LCP"]),
        "tbt_ms": round(timings["TBT"]),
        "cls": round(timings["CLS"], 3),
        "bytes": found["audits"]["total-byte-weight"]["numericValue"],
    }


def write_docs(results: dict[str, dict[str, Any]], chromium_version: str) -> None:
    lines = [
        "# Lighthouse: the portal on a phone",
        "",
        "`make lighthouse` runs Lighthouse (npm, `devkit/lighthouse`, its lock file) on Debian's Chromium",
        "with its mobile profile: a mid-range phone, a 4× slower CPU and a slow 4G link, simulated. The",
        "goals: accessibility ≥ 95 and performance ≥ 90 on each page. Before the portal drew its charts",
        "itself, the first page scored 74–76 for performance at the whole city (LCP 6.7 s): the whole",
        "ECharts bundle, 1.1 MB uncompressed, loaded on every page, charts or not.",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {chromium_version}, on the stack `make up` runs;",
        "each page three times, the median run (by performance) shown.",
        "",
        "| page | performance | accessibility | FCP | LCP | TBT | CLS | bytes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['performance']} | {r['accessibility']} | {r['fcp_ms'] / 1000:.1f} s | "
            f"{r['lcp_ms'] / 1000:.1f} s | {r['tbt_ms']} ms | {r['cls']} | {r['bytes'] / 1024:,.0f} KB |"
        )
    lines += [
        "",
        "What keeps the pages fast on a phone: the charts are SVG drawn on the server (no chart",
        "package to fetch and run), the pages go out compressed (gzip), and nothing is loaded from",
        "another site.",
        "",
    ]
    DOCS.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--city", default="350100")
    parser.add_argument("--runs", type=int, default=3, help="runs a page, the median one reported")
    parser.add_argument("--write", action=argparse.BooleanOptionalAction, default=True, help="docs/lighthouse.md")
    for name, port in (("organizations", 8001), ("needs", 8002), ("resources", 8003)):
        parser.add_argument(f"--{name}-url", default=f"http://127.0.0.1:{port}")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None or not LIGHTHOUSE.exists():
        sys.exit("needs Debian's Chromium (make browser) and Lighthouse (npm ci --prefix devkit/lighthouse)")
    services = {name: getattr(args, f"{name}_url") for name in ("organizations", "needs", "resources")}
    results: dict[str, dict[str, Any]] = {}
    for name, url in pages(args.url, services, args.city).items():
        print(f"[lighthouse] {name}: {url}, {args.runs} runs", flush=True)
        runs = sorted((audit(url, chromium) for _ in range(args.runs)), key=lambda r: r["performance"])
        results[name] = runs[len(runs) // 2]  # the median run, as Lighthouse advises: one run varies
    rows = [
        (
            name,
            f"performance {r['performance']}, accessibility {r['accessibility']}",
            f"LCP {r['lcp_ms'] / 1000:.1f} s, TBT {r['tbt_ms']} ms, CLS {r['cls']}",
            f"{r['bytes'] / 1024:,.0f} KB",
        )
        for name, r in results.items()
    ]
    print_table("Lighthouse, mobile profile (goals: performance ≥ 90, accessibility ≥ 95)", rows)
    print(json.dumps({"lighthouse": results}))
    if args.write:
        version = subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip()
        write_docs(results, version)
    short = [f"{n}: {k} {r[k]}" for n, r in results.items() for k, goal in GOALS.items() if r[k] < goal]
    if short:
        sys.exit("below the goals: " + "; ".join(short))


if __name__ == "__main__":
    main()

"""Imports a CSV or XLSX file into the registry, showing the import's progress as it goes.

    python -m organizations.imports.cli areas areas.csv
    python -m organizations.imports.cli organizations organizations.xlsx --url http://registry:8001
    python -m organizations.imports.cli members members.csv --report refused.csv

Import areas, then organisations, then members. Exits 0 when every row was imported, 1 when
some were refused (the report lists them), 2 when the file was refused whole.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import time
from pathlib import Path

import httpx

from organizations.config import Settings
from organizations.imports.client import ImportRefused, Job, import_file
from organizations.imports.models import ImportKind


def bar(done: int, total: int, width: int = 30) -> str:
    filled = width * done // total if total else 0
    return "[" + "#" * filled + "." * (width - filled) + "]"


def show(job: Job, started: float) -> None:
    done, total = job["applied_rows"], job["valid_rows"] - job["unchanged_rows"]
    elapsed = time.monotonic() - started
    print(f"\r{job['status']:<10} {bar(done, total)} {done:,}/{total:,} rows  {elapsed:.0f}s", end="", flush=True)


async def run(kind: str, filename: str, data: bytes, url: str) -> Job:
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=120) as http:
        token = Settings().admin_token.get_secret_value()  # the registry's own setting: ADMIN_TOKEN, or .env
        job = await import_file(http, url, kind, filename, data, admin_token=token, progress=lambda j: show(j, started))
    print()
    return job


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=[k.value for k in ImportKind])
    parser.add_argument("file", type=Path)
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="the registry (default: the local one)")
    parser.add_argument("--report", type=Path, help="write the refused rows (row, field, reason) to this CSV")
    args = parser.parse_args()
    try:
        job = asyncio.run(run(args.kind, args.file.name, args.file.read_bytes(), args.url))
    except ImportRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    print(
        f"{job['status']}: {job['total_rows']:,} rows, {job['applied_rows']:,} written, "
        f"{job['unchanged_rows']:,} unchanged, {job['error_count']:,} refused. {job['message']}"
    )
    for error in job["errors"][:10]:
        print(f"  row {error['row']}, {error['field']}: {error['reason']}")
    if args.report and job["errors"]:
        with args.report.open("w", newline="", encoding="utf-8-sig") as f:
            writer = csv.DictWriter(f, fieldnames=["row", "field", "reason"])
            writer.writeheader()
            writer.writerows(job["errors"])
        print(f"the first {len(job['errors']):,} refused rows are in {args.report}")
    return 0 if job["status"] == "done" and not job["error_count"] else 1


if __name__ == "__main__":
    sys.exit(main())

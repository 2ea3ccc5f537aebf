"""What every benchmark shares: percentiles, timing, memory, the machine it ran on."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


async def timed(samples: list[float], call: Awaitable[T]) -> T:
    """Awaits `call` and adds how long it took, in milliseconds, to `samples`."""
    started = time.perf_counter()
    result = await call
    samples.append((time.perf_counter() - started) * 1000)
    return result


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def print_table(title: str, rows: list[tuple[str, str, str, str]]) -> None:
    print(f"\n{title}, on {machine()}\n")
    for row in rows:
        print(f"  {row[0]:<36} {row[1]:<44} {row[2]:<14} {row[3]}")
    print()

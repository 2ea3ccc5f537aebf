"""The figures' charts, drawn on the server as SVG: no script to fetch or run, readable by a
screen reader (each mark has its title; the numbers are in a table beside), printable, and the
same on a phone as on a desktop.

By month: every month of the range, empty ones included (an axis that skips months misleads);
a month far above the others (the current one, say, with everything open in it) is drawn to the
top and labelled with its number rather than flattening every other month. By category: every
category's name beside its bars.
"""

from __future__ import annotations

from datetime import date
from typing import Any

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 44, 30
RANGES = {"12": 12, "24": 24, "all": None}  # the months a chart may show, by the page's `months` choice
MONTH_SERIES = (("posted", "bar"), ("fulfilled", "bar"), ("claims", "line"))
CATEGORY_SERIES = ("posted", "venue", "service")


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (YYYY-MM), both included."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _scale(bars: list[int], line: list[int]) -> int:
    """The top of the value axis, a round number: over the largest value, unless one bar stands
    far above everything else (then over the rest, and that bar is drawn cut, with its number)."""
    ordered = sorted(bars, reverse=True)
    rest = max(ordered[1:2] + line + [0])
    largest = ordered[0] if ordered else 0
    top = rest * 1.1 if len(ordered) > 3 and rest > 0 and largest > 3 * rest else max(largest, rest)
    return _round_up(max(top, 1))


def _round_up(value: float) -> int:
    """The first of 1, 2, 5, 10, 20, 50… at or over `value`."""
    step = 1
    while True:
        for k in (1, 2, 5):
            if step * k >= value:
                return step * k
        step *= 10


def _ticks(top: int) -> list[int]:
    step = _round_up(top / 5)
    return list(range(0, top + 1, step))


def by_month(figures: dict[str, Any], months: str | None, today: date) -> dict[str, Any]:
    """The monthly chart of needs posted, needs fulfilled (bars) and claims done (line), over
    the last 12 or 24 months or all of them."""
    last = today.strftime("%Y-%m")
    span = RANGES.get(months or "12", 12)
    if span:  # the last twelve or twenty-four months, whatever happened in them
        year, before = divmod(today.year * 12 + today.month - span, 12)
        first = f"{year:04d}-{before + 1:02d}"
    else:
        first = min([*figures, last])
    shown = months_between(first, last)
    values = {m: figures.get(m, {}) for m in shown}
    top = _scale(
        [int(values[m].get(s, 0)) for m in shown for s, kind in MONTH_SERIES if kind == "bar"],
        [int(values[m].get(s, 0)) for m in shown for s, kind in MONTH_SERIES if kind == "line"],
    )
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(shown), 1)
    bar = max(min(slot * 0.38, 14), 1)

    def y(value: int) -> float:
        return round(TOP + plot_h - min(value, top) / top * plot_h, 1)

    bars, line, labels = [], [], []
    every_nth = max(1, round(len(shown) / 8))  # month labels that fit: about eight
    for i, month in enumerate(shown):
        x = LEFT + i * slot + slot / 2
        for j, (series, kind) in enumerate(MONTH_SERIES):
            value = int(values[month].get(series, 0))
            if kind == "bar":
                left = round(x - bar + j * bar, 1)
                bars.append(
                    {"series": series, "month": month, "value": value, "x": left, "y": y(value), "w": round(bar, 1)}
                    | {"h": round(TOP + plot_h - y(value), 1), "cut": value > top}
                )
            else:
                line.append({"month": month, "value": value, "x": round(x, 1), "y": y(value)})
        if i % every_nth == 0 or i == len(shown) - 1:
            labels.append({"x": round(x, 1), "text": month})
    ticks = [{"value": v, "y": y(v)} for v in _ticks(top)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "plot": {"left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "bottom": TOP + plot_h},
        "bars": bars,
        "line": line,
        "points": " ".join(f"{p['x']},{p['y']}" for p in line),
        "labels": labels,
        "ticks": ticks,
        "rows": [(m, values[m]) for m in shown],
        "months": months if months in RANGES else "12",
    }


def by_category(figures: dict[str, Any], labels: dict[str, str], most: int = 12) -> dict[str, Any]:
    """Needs, venues and services of the categories with most needs, as horizontal bars."""
    chosen = sorted(figures, key=lambda c: (-int(figures[c].get("posted", 0)), c))[:most]
    top = max([int(figures[c].get(s, 0)) for c in chosen for s in CATEGORY_SERIES] + [1])
    left, row, thick = 96, 30, 8
    plot_w = WIDTH - left - 40
    rows = []
    for i, category in enumerate(chosen):
        marks = [
            {
                "series": series,
                "value": int(figures[category].get(series, 0)),
                "y": TOP + i * row + j * thick,
                "w": round(int(figures[category].get(series, 0)) / top * plot_w, 1),
            }
            for j, series in enumerate(CATEGORY_SERIES)
        ]
        rows.append({"category": category, "label": labels.get(category, category), "y": TOP + i * row, "marks": marks})
    return {"width": WIDTH, "height": TOP + len(chosen) * row + 8, "left": left, "rows": rows}

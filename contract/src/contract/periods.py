"""The periods a service's or lendable's capacity is given out by: what the resources service
takes a request's quantity from and the portal shows as left."""

from __future__ import annotations

from datetime import date

from contract.events.resources import CapacityPeriod


def period_of(period: CapacityPeriod, day: date) -> str:
    """The key of the capacity period `day` falls in: 2026-12-07, 2026-W49 or 2026-12."""
    if period is CapacityPeriod.DAY:
        return day.isoformat()
    if period is CapacityPeriod.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.strftime("%Y-%m")

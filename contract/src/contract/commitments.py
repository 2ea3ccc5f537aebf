"""When a co-building commitment falls due over its agreement's term: the one rule the
co-building service tracks fulfilment by and the resources service books a venue commitment by."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterator
from datetime import date, timedelta

from contract.events.cobuilding import CommitmentData, Repeat

WEEK = timedelta(days=7)


def periods(commitment: CommitmentData, starts_on: date, ends_on: date) -> Iterator[tuple[date, date]]:
    """Monthly on its day (months without that day skipped) and weekly on its weekday, each a day
    of its own; n times a year, the year cut into n even periods (whole months when n divides
    twelve; the last cut at the term's end)."""
    if commitment.repeat is Repeat.WEEKLY and commitment.weekday is not None:
        day = starts_on + timedelta(days=(commitment.weekday - starts_on.weekday()) % 7)
        while day <= ends_on:
            yield day, day
            day += WEEK
    elif commitment.repeat is Repeat.MONTHLY and commitment.day is not None:
        year, month = starts_on.year, starts_on.month
        while date(year, month, 1) <= ends_on:
            if commitment.day <= monthrange(year, month)[1]:
                day = date(year, month, commitment.day)
                if starts_on <= day <= ends_on:
                    yield day, day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    elif commitment.times_a_year:
        n, k, first = commitment.times_a_year, 0, starts_on
        while first <= ends_on:
            k += 1
            # whole months when n divides a year's (quarterly: 3 months each), else even days
            following = (
                _months_after(starts_on, k * 12 // n) if 12 % n == 0 else starts_on + timedelta(days=round(k * 365 / n))
            )
            yield first, min(following - timedelta(days=1), ends_on)
            first = following


def _months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))

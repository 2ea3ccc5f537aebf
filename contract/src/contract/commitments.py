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
    of its own; n times a year, periods of 12/n months each (the last cut at the term's end)."""
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
        months = max(1, 12 // commitment.times_a_year)
        first = starts_on
        while first <= ends_on:
            following = _months_after(first, months)
            yield first, min(following - timedelta(days=1), ends_on)
            first = following


def _months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))

"""The activities' read model: every activity in memory, so lists look only at the organisation's
or the resident's own where it is theirs that are asked for."""

from __future__ import annotations

from bisect import insort
from collections import defaultdict
from collections.abc import Callable, Collection

from needs.activities.models import Activity
from runtime.pagination import first_kept


class ActivitiesView:
    """Every activity in memory, with the ids of each organisation's and of those each resident
    signed up for (withdrawn or not): loaded at start, then kept by this process's writes and
    every replica's (`runtime.replica`); one never replaces a later version."""

    def __init__(self) -> None:
        self.activities: dict[str, Activity] = {}
        self._order: list[str] = []
        self._held_by: defaultdict[str, set[str]] = defaultdict(set)
        self._joined_by: defaultdict[str, set[str]] = defaultdict(set)

    def put(self, activity: Activity) -> None:
        old = self.activities.get(activity.id)
        if old is not None and old.version > activity.version:
            return
        if old is None:
            insort(self._order, activity.id)
            self._held_by[activity.organization_id].add(activity.id)
        for signup in activity.signups:
            self._joined_by[signup.resident_id].add(activity.id)
        self.activities[activity.id] = activity

    def browse(
        self, keep: Callable[[Activity], bool], *, after: str | None, limit: int, among: Collection[str] | None
    ) -> list[Activity]:
        """Up to `limit` activities that `keep` accepts, in id order after `after`; only those of
        `among` (ids) when it is given."""
        order = sorted(among) if among is not None else self._order
        return first_kept(order, self.activities, keep, after=after, limit=limit)

    def held_by(self, organization_id: str) -> set[str]:
        return self._held_by.get(organization_id, set())

    def joined_by(self, resident_id: str) -> set[str]:
        return self._joined_by.get(resident_id, set())

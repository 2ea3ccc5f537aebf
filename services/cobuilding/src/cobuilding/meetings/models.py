"""A joint meeting (联席会议) and its agenda: what is stuck in its area, each item with the
partners best placed to take it, the decision taken and who took it, and what it became."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from cobuilding.outcome import Outcome
from contract.aggregates import Versioned
from contract.ids import entity_id
from runtime.mongo import Document

ItemKind = Literal["need_half_time", "need_overdue", "wish_waiting", "commitment_missed", "concern_escalated"]
WISH_WAIT = timedelta(days=7)  # a wish waiting this long to be taken on is stuck
OVERDUE_FOR = timedelta(days=60)  # an expired need, a missed commitment: on the agenda this long after


class AgendaItem(BaseModel):
    item_id: str
    kind: ItemKind
    subject_id: str  # the need's, wish's, agreement's or concern's id
    title: str
    area_code: str
    since: datetime | None = None  # posted, waiting since, or missed on
    candidates: list[str] = Field(default_factory=list)  # organisations best placed to take it, best first
    decision: str = ""
    taken_by: str | None = None
    became: Outcome | None = None


class Meeting(Versioned):
    area_code: str  # the community (or street) whose partners meet
    title: str
    held_on: date
    status: Literal["draft", "held"] = "draft"
    items: list[AgendaItem]
    attendance: list[str] = Field(default_factory=list)  # the organisations that came
    minutes: str = ""
    drafted_at: datetime
    held_at: datetime | None = None

    def item(self, item_id: str) -> AgendaItem | None:
        return next((i for i in self.items if i.item_id == item_id), None)


def item(
    kind: ItemKind, subject_id: str, title: str, area_code: str, since: datetime | None, **more: object
) -> AgendaItem:
    """An agenda item, its id made from what it is about (the same need is one item however often drafted)."""
    return AgendaItem(
        item_id=entity_id("agenda", f"{kind}:{subject_id}"),
        kind=kind,
        subject_id=subject_id,
        title=title,
        area_code=area_code,
        since=since,
        **more,
    )


def stuck_needs_and_wishes(followed: Iterable[Document], now: datetime) -> list[AgendaItem]:
    """Needs past half their time with units unclaimed, needs that expired unclaimed (lately),
    and wishes waiting a week or more to be taken on."""
    found = []
    for doc in followed:
        posted, deadline = _aware(doc.get("posted_at")), _aware(doc.get("deadline"))
        area, title = str(doc.get("area_code", "")), str(doc.get("title") or "")
        best_first = sorted(doc.get("candidates", []), key=lambda c: -c["score"])
        candidates = list(dict.fromkeys(c["organization_id"] for c in best_first))[:3]
        if doc.get("kind") == "wish":
            if doc.get("status") == "open" and posted is not None and now - posted >= WISH_WAIT:
                found.append(item("wish_waiting", doc["_id"], title, area, posted))
        elif doc.get("status") == "expired":
            if deadline is not None and now - deadline <= OVERDUE_FOR:
                found.append(item("need_overdue", doc["_id"], title, area, deadline, candidates=candidates))
        elif _past_half_time(posted, deadline, now) and doc.get("claimed", 0) < doc.get("quantity", 0):
            found.append(item("need_half_time", doc["_id"], title, area, posted, candidates=candidates))
    return found


def _past_half_time(posted: datetime | None, deadline: datetime | None, now: datetime) -> bool:
    return posted is not None and deadline is not None and now >= posted + (deadline - posted) / 2


def by_kind_and_time(items: Sequence[AgendaItem]) -> list[AgendaItem]:
    order = ["need_overdue", "need_half_time", "wish_waiting", "commitment_missed", "concern_escalated"]
    return sorted(items, key=lambda i: (order.index(i.kind), i.since.timestamp() if i.since else 0.0))


def _aware(value: object) -> datetime | None:
    """A time as stored, with its zone (UTC)."""
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)

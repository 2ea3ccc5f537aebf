"""The joint meeting's agenda drafted from what is stuck: a need past half its time with units
unclaimed (its best-placed partners first), an expired need lately, a wish waiting a week; not
what is on time, fully claimed or long over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cobuilding.meetings.models import by_kind_and_time, stuck_needs_and_wishes

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def need(need_id: str, posted_days_ago: int, deadline_in_days: int, **more: object) -> dict[str, object]:
    return {
        "_id": need_id,
        "kind": "need",
        "title": need_id,
        "area_code": "350102001001",
        "posted_at": NOW - posted_days_ago * DAY,
        "deadline": NOW + deadline_in_days * DAY,
        "quantity": 4,
        "claimed": 0,
        "status": "open",
        **more,
    }


def test_what_is_stuck_and_what_is_not() -> None:
    followed = [
        need(
            "half-way",
            6,
            4,
            candidates=[{"organization_id": "b", "score": 0.4}, {"organization_id": "a", "score": 0.9}],
        ),
        need("early", 2, 8),
        need("fully-claimed", 6, 4, claimed=4),
        need("expired", 20, -3, status="expired"),
        need("long-expired", 200, -100, status="expired"),
        {
            "_id": "old-wish",
            "kind": "wish",
            "title": "收音机",
            "area_code": "350102001001",
            "status": "open",
            "posted_at": NOW - 8 * DAY,
        },
        {
            "_id": "new-wish",
            "kind": "wish",
            "title": "x",
            "area_code": "350102001001",
            "status": "open",
            "posted_at": NOW - DAY,
        },
        {
            "_id": "taken-wish",
            "kind": "wish",
            "title": "x",
            "area_code": "350102001001",
            "status": "claimed",
            "posted_at": NOW - 9 * DAY,
        },
    ]
    items = by_kind_and_time(stuck_needs_and_wishes(followed, NOW))
    assert [(i.kind, i.subject_id) for i in items] == [
        ("need_overdue", "expired"),
        ("need_half_time", "half-way"),
        ("wish_waiting", "old-wish"),
    ]
    assert items[1].candidates == ["a", "b"]  # the best placed first
    again = stuck_needs_and_wishes(followed, NOW)
    assert {i.item_id for i in again} == {i.item_id for i in items}  # an item's id is made of what it is about

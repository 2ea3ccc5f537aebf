"""What the portal reminds people of: what they must act on, and only once it is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.portal.reminders import for_area, for_organization

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
OURS, THEIRS = "a" * 32, "b" * 32


def claim(organization_id: str, starts_in: timedelta | None, status: str = "live") -> dict[str, object]:
    start = (NOW + starts_in).isoformat() if starts_in is not None else None
    return {"organization_id": organization_id, "status": status, "start_by": start}


def test_a_claim_of_ours_starting_within_a_day_and_not_started_is_reminded() -> None:
    needs = [
        {"id": "1", "title": "义诊", "claims": [claim(OURS, timedelta(hours=3))]},
        {"id": "2", "title": "下周的", "claims": [claim(OURS, timedelta(days=2))]},
        {"id": "3", "title": "已开始", "claims": [claim(OURS, timedelta(hours=3), status="started")]},
        {"id": "4", "title": "别人的", "claims": [claim(THEIRS, timedelta(hours=3))]},
        {"id": "5", "title": "无时间", "claims": [claim(OURS, None)]},
        {"id": "6", "title": "已过", "claims": [claim(OURS, -timedelta(hours=1))]},
    ]
    found = for_organization(OURS, needs, [], NOW)
    assert [(r.kind, r.title, r.link) for r in found] == [("remind_claim_starts", "义诊", "/needs/1")]


def test_a_booking_is_reminded_after_a_day_waiting_for_approval() -> None:
    waiting = [
        {"purpose": "党员大会", "created_at": (NOW - timedelta(hours=25)).isoformat()},
        {"purpose": "刚申请", "created_at": (NOW - timedelta(hours=2)).isoformat()},
    ]
    assert [r.title for r in for_organization(OURS, [], waiting, NOW)] == ["党员大会"]


def test_a_wish_is_reminded_to_its_area_after_a_week_unclaimed() -> None:
    wishes = [
        {"title": "收音机", "status": "open", "created_at": (NOW - timedelta(days=8)).isoformat()},
        {"title": "老花镜", "status": "open", "created_at": (NOW - timedelta(days=2)).isoformat()},
        {"title": "台灯", "status": "claimed", "created_at": (NOW - timedelta(days=9)).isoformat()},
    ]
    assert [r.title for r in for_area(wishes, NOW)] == ["收音机"]

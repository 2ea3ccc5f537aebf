"""What waits for the visitor to act, shown at the top of their page: a claim of their
organisation that starts within a day and is not started, a booking of their venue waiting for
approval for more than a day, a wish of their area nobody claimed for a week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

SOON = timedelta(days=1)
WAITING_LONG = timedelta(days=1)
UNCLAIMED_LONG = timedelta(days=7)


@dataclass(frozen=True)
class Reminder:
    kind: str  # a key of the portal's words
    title: str
    link: str
    when: str  # the moment it is about (ISO), shown in local time


def _at(moment: str | None) -> datetime | None:
    return datetime.fromisoformat(moment) if moment else None


def for_organization(
    organization_id: str, claimed: list[dict[str, Any]], approvals: list[dict[str, Any]], now: datetime | None = None
) -> list[Reminder]:
    now = now or datetime.now(UTC)
    found = [
        Reminder("remind_claim_starts", need["title"], f"/needs/{need['id']}", claim["start_by"])
        for need in claimed
        for claim in need["claims"]
        if claim["organization_id"] == organization_id
        and claim["status"] == "live"
        and (start := _at(claim["start_by"])) is not None
        and now <= start <= now + SOON
    ]
    found += [
        Reminder("remind_booking_waits", booking.get("purpose") or "", "/org#approvals", booking["created_at"])
        for booking in approvals
        if (made := _at(booking.get("created_at"))) is not None and now - made > WAITING_LONG
    ]
    return sorted(found, key=lambda r: datetime.fromisoformat(r.when))


def for_area(wishes: list[dict[str, Any]], now: datetime | None = None) -> list[Reminder]:
    now = now or datetime.now(UTC)
    return [
        Reminder("remind_wish_unclaimed", wish["title"], "/admin#area-wishes", wish["created_at"])
        for wish in wishes
        if wish["status"] == "open" and now - datetime.fromisoformat(wish["created_at"]) > UNCLAIMED_LONG
    ]

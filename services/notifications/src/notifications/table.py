"""Who must know of what happened: one row per event kind, as a reader checks it against the
events (`contract.events`). Each row names the people told (principals: `organization:{id}` is
told to the organisation's people, `member:{id}` and `resident:{id}` to that person), the message
in Chinese and in English, and the portal page where they act on it. An event of a kind not in
the table tells no one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from contract.events import Envelope
from contract.events.matching import MatchProposed
from contract.events.needs import (
    ClaimCompleted,
    ClaimMade,
    ClaimReleased,
    WishClaimed,
    WishCompleted,
    WishConfirmed,
)
from contract.events.resources import (
    BookingCancelled,
    BookingConfirmed,
    BookingRequested,
    ServiceRequestAccepted,
    ServiceRequestCancelled,
    ServiceRequestDeclined,
    ServiceRequestMade,
)


def type_of(event: type[Envelope]) -> str:
    return str(event.model_fields["type"].default)


def organization(organization_id: str | None) -> list[str]:
    return [f"organization:{organization_id}"] if organization_id else []


def booker(event: BookingConfirmed | BookingCancelled | ServiceRequestAccepted | ServiceRequestDeclined) -> list[str]:
    """Whoever booked or requested: an organisation, or a resident."""
    resident = event.data.resident_id
    return [f"resident:{resident}"] if resident else organization(event.data.organization_id)


def ended_for_booker(event: BookingCancelled) -> list[str]:
    """The booker, unless they cancelled it themselves."""
    return [] if event.data.reason == "cancelled" else booker(event)


def claimer(event: ClaimCompleted | ClaimReleased) -> list[str]:
    """The member who claimed through their organisation, else the organisation."""
    member = event.data.member_id
    return [f"member:{member}"] if member else organization(event.data.organization_id)


@dataclass(frozen=True)
class Row:
    """One kind of event and who is told of it, what, and where they act."""

    event: type[Envelope]
    kind: str  # what a person turns on or off (preferences), and the message's tag
    recipients: Callable[[Any], list[str]]  # of an event of type `event`
    zh: str  # `str.format`ted with the event's data
    en: str
    link: Callable[[Any], str]


def _rows() -> tuple[Row, ...]:
    def need(e: ClaimMade | ClaimReleased | ClaimCompleted) -> str:
        return f"/needs/{e.data.need_id}"

    def wish(e: WishClaimed | WishCompleted) -> str:
        return f"/me#wish-{e.data.wish_id}"

    def resident(e: WishClaimed | WishCompleted) -> list[str]:
        return [f"resident:{e.data.resident_id}"] if e.data.resident_id else []

    def given_back(e: ClaimReleased) -> list[str]:
        """Not when the poster's own act released it (the need cancelled or fulfilled)."""
        return organization(e.data.need_organization_id) if e.data.reason in ("released", "expired") else []

    return (
        Row(
            ClaimMade,
            "claim",
            lambda e: organization(e.data.need_organization_id),
            "您发布的需求有了新的认领（{quantity} 人次），请跟进。",
            "Your need was claimed ({quantity} person-times): follow it up.",
            need,
        ),
        Row(
            ClaimReleased,
            "claim",
            given_back,
            "您需求的一项认领已放弃（{quantity} 人次），需求重新开放。",
            "A claim on your need was given back ({quantity} person-times): the need is open again.",
            need,
        ),
        Row(
            ClaimCompleted,
            "claim",
            claimer,
            "您认领的服务已确认完成，积分和服务时长已记入。",
            "The service you claimed was confirmed done: its points and hours are credited.",
            need,
        ),
        Row(
            WishClaimed,
            "wish",
            resident,
            "您的微心愿已被爱心单位认领，他们会尽快帮您实现。",
            "Your wish was taken on by an organisation: they will make it come true soon.",
            wish,
        ),
        Row(
            WishCompleted,
            "wish",
            resident,
            "认领单位已上传心愿完成的照片，请查看并确认。",
            "The organisation sent a photo of your wish fulfilled: please look and confirm.",
            wish,
        ),
        Row(
            WishConfirmed,
            "wish",
            lambda e: organization(e.data.claimer_organization_id),
            "您认领的微心愿已确认完成，感谢信已生成。",
            "The wish you took on was confirmed fulfilled: a thank-you letter is ready.",
            lambda e: "/org",
        ),
        Row(
            BookingRequested,
            "booking",
            lambda e: organization(e.data.venue_organization_id),
            "您的场地有一项预约等待审批。",
            "A booking of your venue waits for your approval.",
            lambda e: "/org#approvals",
        ),
        Row(
            BookingConfirmed,
            "booking",
            booker,
            "您的场地预约已确认。",
            "Your venue booking is confirmed.",
            lambda e: f"/resources/{e.data.venue_id}",
        ),
        Row(
            BookingCancelled,
            "booking",
            ended_for_booker,
            "您的场地预约已取消或未获批准。",
            "Your venue booking was cancelled or not approved.",
            lambda e: f"/resources/{e.data.venue_id}",
        ),
        Row(
            ServiceRequestMade,
            "service_request",
            lambda e: organization(e.data.provider_organization_id),
            "您提供的服务收到一项申请（{quantity} 次），请处理。",
            "Your service was requested ({quantity}): please decide.",
            lambda e: "/org#requests",
        ),
        Row(
            ServiceRequestAccepted,
            "service_request",
            booker,
            "您的服务申请已被接受。",
            "Your service request was accepted.",
            lambda e: f"/resources/{e.data.resource_id}",
        ),
        Row(
            ServiceRequestDeclined,
            "service_request",
            booker,
            "您的服务申请未被接受。",
            "Your service request was declined.",
            lambda e: f"/resources/{e.data.resource_id}",
        ),
        Row(
            MatchProposed,
            "proposal",
            lambda e: organization(e.data.need_organization_id) + organization(e.data.resource_organization_id),
            "平台为您推荐了一项供需对接，请查看并决定是否接受。",
            "The platform proposes a match for you: look and accept or decline.",
            lambda e: "/org#proposals",
        ),
    )


TABLE: tuple[Row, ...] = _rows()
BY_TYPE: dict[str, Row] = {type_of(row.event): row for row in TABLE}


@dataclass(frozen=True)
class Reminder:
    """A reminder set by an event of kind `event`, cancelled by one of `done` on the same subject."""

    event: type[Envelope]
    done: tuple[type[Envelope], ...]
    recipients: Callable[[Any], list[str]]
    zh: str
    en: str
    link: Callable[[Any], str]

    kind = "reminder"


REMINDERS: tuple[Reminder, ...] = (
    Reminder(
        BookingRequested,
        (BookingConfirmed, BookingCancelled),
        lambda e: organization(e.data.venue_organization_id),
        "提醒：您的场地有一项预约等待审批已久，请尽快处理。",
        "Reminder: a booking of your venue has waited long for your approval.",
        lambda e: "/org#approvals",
    ),
    Reminder(
        ServiceRequestMade,
        (ServiceRequestAccepted, ServiceRequestDeclined, ServiceRequestCancelled),
        lambda e: organization(e.data.provider_organization_id),
        "提醒：您的服务有一项申请等待处理已久。",
        "Reminder: a request for your service has waited long for your answer.",
        lambda e: "/org#requests",
    ),
    Reminder(
        WishCompleted,
        (WishConfirmed,),
        lambda e: [f"resident:{e.data.resident_id}"] if e.data.resident_id else [],
        "提醒：您的微心愿已完成，请查看照片并确认。",
        "Reminder: your wish was fulfilled: please look at the photo and confirm.",
        lambda e: f"/me#wish-{e.data.wish_id}",
    ),
)


def _cancelled_by() -> dict[str, list[Reminder]]:
    found: dict[str, list[Reminder]] = {}
    for reminder in REMINDERS:
        for done in reminder.done:
            found.setdefault(type_of(done), []).append(reminder)
    return found


SETS: dict[str, Reminder] = {type_of(r.event): r for r in REMINDERS}
CANCELS: dict[str, list[Reminder]] = _cancelled_by()
FOLLOWED: tuple[type[Envelope], ...] = tuple(  # every event kind the service reads
    dict.fromkeys(
        [*(row.event for row in TABLE), *(r.event for r in REMINDERS), *(d for r in REMINDERS for d in r.done)]
    )
)
KINDS: tuple[str, ...] = (*dict.fromkeys(row.kind for row in TABLE), Reminder.kind)  # what a person turns on or off
# What each kind is called where a person turns it on or off (the portal's preferences, a mail's footer).
KIND_NAMES: dict[str, tuple[str, str]] = {
    "claim": ("需求认领", "claims on needs"),
    "wish": ("微心愿", "wishes"),
    "booking": ("场地预约", "venue bookings"),
    "service_request": ("服务申请", "service requests"),
    "proposal": ("对接推荐", "proposed matches"),
    "reminder": ("提醒", "reminders"),
}

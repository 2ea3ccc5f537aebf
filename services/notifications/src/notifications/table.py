"""Who must know of what happened: rows of event kinds, as a reader checks them against the
events (`contract.events`). Each row names the people told (principals: `organization:{id}` is
told to the organisation's people, `member:{id}` and `resident:{id}` to that person, `area:{code}`
to the administrators of that community), the message in Chinese and in English, and the portal
page where they act on it. An event of a kind not in the table tells no one; a kind may have
several rows, each telling other people other words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from contract.events import Envelope
from contract.events.cobuilding import (
    AgreementEnded,
    AgreementProposed,
    AgreementSigned,
    ConcernEscalated,
    ConcernReplied,
    ConcernSubmitted,
    ProjectObjected,
    PurchaseAwarded,
)
from contract.events.matching import MatchProposed
from contract.events.needs import (
    ClaimCompleted,
    ClaimMade,
    ClaimReleased,
    NeedCancelled,
    NeedExpired,
    NeedFulfilled,
    NeedPosted,
    WishCancelled,
    WishClaimed,
    WishCompleted,
    WishConfirmed,
    WishPosted,
    WishReleased,
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


def claimer_of_one(event: ClaimCompleted) -> list[str]:
    """The claimer, unless the claim is one of a need's imported history (done before the
    platform kept it: a city's is some 113,000 claims)."""
    return [] if event.data.imported else claimer(event)


def booker_of_one(event: BookingConfirmed) -> list[str]:
    """The booker, unless the booking is one of a co-building agreement's (its parties were told
    of the agreement once, not of every week's room) or one imported from a venue's ledger (they
    knew of it: a city's register is some 100,000 of them)."""
    return [] if event.data.agreement_id or event.data.imported else booker(event)


def booker(event: BookingConfirmed | BookingCancelled | ServiceRequestAccepted | ServiceRequestDeclined) -> list[str]:
    """Whoever booked or requested: an organisation, or a resident."""
    resident = event.data.resident_id
    return [f"resident:{resident}"] if resident else organization(event.data.organization_id)


def ended_for_booker(event: BookingCancelled) -> list[str]:
    """The booker, unless they cancelled it themselves or its agreement ended (its parties are told of that)."""
    return [] if event.data.reason in ("cancelled", "agreement_ended") else booker(event)


def claimer(event: ClaimMade | ClaimCompleted | ClaimReleased) -> list[str]:
    """The member who claimed through their organisation, else the organisation."""
    member = event.data.member_id
    return [f"member:{member}"] if member else organization(event.data.organization_id)


def community(area_code: str | None) -> list[str]:
    """The administrators of the community an area code is in (its first 12 digits)."""
    return [f"area:{area_code[:12]}"] if area_code and len(area_code) >= 12 else []


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

    def given_back(e: ClaimReleased) -> list[str]:
        """Not when the poster's own act released it (the need cancelled or fulfilled)."""
        return organization(e.data.need_organization_id) if e.data.reason in ("released", "expired") else []

    def need_withdrawn(e: ClaimReleased) -> list[str]:
        return claimer(e) if e.data.reason == "need_cancelled" else []

    def agreement(e: AgreementProposed | AgreementSigned | AgreementEnded) -> str:
        return f"/org/agreements#agreement-{e.data.agreement_id}"

    def resident(e: WishClaimed | WishCompleted | WishReleased) -> list[str]:
        return [f"resident:{e.data.resident_id}"] if e.data.resident_id else []

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
            ClaimReleased,
            "claim",
            need_withdrawn,
            "您认领的需求已被发布单位取消，无需再前往服务。",
            "The need you claimed was cancelled by the organisation that posted it: no need to go.",
            need,
        ),
        Row(
            NeedExpired,
            "claim",
            lambda e: organization(e.data.organization_id),
            "您发布的需求已过截止时间，仍有 {quantity} 人次中的部分无人认领。",
            "Your need reached its deadline with part of its {quantity} person-times unclaimed.",
            lambda e: f"/needs/{e.data.need_id}",
        ),
        Row(
            NeedExpired,
            "claim",
            lambda e: community(e.data.area_code),
            "本社区一项需求已过截止时间仍未认领完，请协调共建单位跟进。",
            "A need in your community reached its deadline not fully claimed: please find partners for it.",
            lambda e: f"/needs/{e.data.need_id}",
        ),
        Row(
            ClaimCompleted,
            "claim",
            claimer_of_one,
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
            WishReleased,
            "wish",
            resident,
            "认领单位放弃了您的微心愿，心愿已重新开放，等待其他爱心单位认领。",
            "The organisation gave your wish back: it is open again for others to take on.",
            wish,
        ),
        Row(
            WishCancelled,
            "wish",
            lambda e: organization(e.data.claimer_organization_id),
            "您认领的微心愿已被居民撤回，无需再办理。",
            "A wish you took on was withdrawn by its resident: nothing more to do.",
            lambda e: "/org",
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
            booker_of_one,
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
            ServiceRequestCancelled,
            "service_request",
            lambda e: organization(e.data.provider_organization_id),
            "一项对您服务的申请已撤回。",
            "A request for your service was withdrawn.",
            lambda e: "/org#requests",
        ),
        Row(
            MatchProposed,
            "proposal",
            lambda e: organization(e.data.need_organization_id) + organization(e.data.resource_organization_id),
            "平台为您推荐了一项供需对接，请查看并决定是否接受。",
            "The platform proposes a match for you: look and accept or decline.",
            lambda e: "/org#proposals",
        ),
        Row(
            ConcernSubmitted,
            "concern",
            lambda e: community(e.data.area_code),
            "红色信箱收到一件居民诉求，请按时答复。",
            "The red mailbox has a resident's concern for your community: reply in time.",
            lambda e: f"/admin/concerns#concern-{e.data.concern_id}",
        ),
        Row(
            ConcernEscalated,
            "concern",
            lambda e: [f"area:{e.data.handler}"],
            "一件居民诉求逾期未答复，已转由您办理，请尽快答复。",
            "A resident's concern was not answered in time and is now yours: please reply soon.",
            lambda e: f"/admin/concerns#concern-{e.data.concern_id}",
        ),
        Row(
            ConcernEscalated,
            "concern",
            lambda e: [f"resident:{e.data.resident_id}"],
            "您的诉求未按时答复，已转上一级办理。",
            "Your concern was not answered in time: it has gone up a level.",
            lambda e: f"/concerns#concern-{e.data.concern_id}",
        ),
        Row(
            ConcernReplied,
            "concern",
            lambda e: [f"resident:{e.data.resident_id}"],
            "您的诉求已有答复，请查看并评价。",
            "Your concern has been answered: read the answer and rate it.",
            lambda e: f"/concerns#concern-{e.data.concern_id}",
        ),
        Row(
            AgreementProposed,
            "agreement",
            lambda e: [o for p in e.data.parties if p != e.data.proposed_by for o in organization(p)],
            "结对共建协议「{title}」待您签署。",
            "The co-building agreement '{title}' waits for your signature.",
            agreement,
        ),
        Row(
            AgreementSigned,
            "agreement",
            lambda e: [o for p in e.data.parties for o in organization(p)],
            "结对共建协议「{title}」各方已签署，正式生效。",
            "Every party signed the co-building agreement '{title}': it is in force.",
            agreement,
        ),
        Row(
            AgreementEnded,
            "agreement",
            lambda e: [o for p in e.data.parties for o in organization(p)],
            "结对共建协议「{title}」已终止。",
            "The co-building agreement '{title}' has ended.",
            agreement,
        ),
        Row(
            ProjectObjected,
            "project",
            lambda e: organization(e.data.organization_id) + community(e.data.area_code),
            "项目「{title}」公示期间收到异议，请查看并回应。",
            "Someone objected to the project '{title}' while it is in public notice: look into it.",
            lambda e: f"/projects/{e.data.project_id}#comments",
        ),
        Row(
            PurchaseAwarded,
            "purchase",
            lambda e: organization(e.data.awarded_to),
            "您对「{title}」的报价已中标（¥{price}），请按计划提供服务并登记服务人次。",
            "Your offer for '{title}' was awarded (¥{price}): deliver the service and record the person-times served.",
            lambda e: f"/purchases/{e.data.purchase_id}",
        ),
    )


TABLE: tuple[Row, ...] = _rows()
BY_TYPE: dict[str, list[Row]] = {}
for _row in TABLE:
    BY_TYPE.setdefault(type_of(_row.event), []).append(_row)

DAY, WEEK = timedelta(days=1), timedelta(days=7)


def waited(event: Envelope, after: timedelta, now: datetime) -> datetime | None:
    """`after` past the event (past now, when the service learns of it late: the answer may be
    on its way too)."""
    return max(event.time, now) + after


def deadline_nearing(event: NeedPosted, after: timedelta, now: datetime) -> datetime | None:
    """Half way to the need's deadline, or a day before it when that is later; none without a
    deadline, or when that moment has passed already."""
    deadline = event.data.deadline
    if deadline is None:
        return None
    due = max(event.time + (deadline - event.time) / 2, deadline - DAY)
    return due if due > now else None


def a_week_later(event: Envelope, after: timedelta, now: datetime) -> datetime | None:
    return max(event.time, now) + WEEK


def day_before_start(event: ClaimMade, after: timedelta, now: datetime) -> datetime | None:
    """A day before the need's work starts; none when it says no start, or starts within a day
    of the claim (the claimer knows)."""
    starts = event.data.starts_at
    return starts - DAY if starts is not None and starts - DAY > now else None


@dataclass(frozen=True)
class Reminder:
    """A reminder set by an event of kind `event` (due when `due` says), cancelled by one of
    `done` about the same thing (`about`: what an event is about, the subject by default)."""

    event: type[Envelope]
    done: tuple[type[Envelope], ...]
    recipients: Callable[[Any], list[str]]
    zh: str
    en: str
    link: Callable[[Any], str]
    due: Callable[[Any, timedelta, datetime], datetime | None] = waited
    about: Callable[[Any], str] = lambda e: str(e.subject)

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
    *(
        Reminder(
            waiting,
            (WishClaimed, WishCancelled),
            lambda e: community(e.data.area_code),
            "提醒：本社区一项居民微心愿已等待认领一周，请协调爱心单位认领。",
            "Reminder: a resident's wish in your community has waited a week to be taken on: please find someone.",
            lambda e: f"/wishes?area={e.data.area_code[:12]}",
            due=a_week_later,
        )
        for waiting in (WishPosted, WishReleased)
    ),
    Reminder(
        NeedPosted,
        (ClaimMade, NeedCancelled, NeedFulfilled, NeedExpired),
        lambda e: organization(e.data.organization_id),
        "提醒：您发布的需求临近截止时间，仍无人认领，可调整或联系共建单位。",
        "Reminder: your need's deadline nears and no one has claimed it: adjust it or ask partners.",
        lambda e: f"/needs/{e.data.need_id}",
        due=deadline_nearing,
    ),
    Reminder(
        ClaimMade,
        (ClaimReleased, ClaimCompleted),
        claimer,
        "提醒：您认领的服务将在一天内开始，请按时前往。",
        "Reminder: the service you claimed starts within a day: please be there on time.",
        lambda e: f"/needs/{e.data.need_id}",
        due=day_before_start,
        about=lambda e: str(e.data.claim_id),
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
    "concern": ("红色信箱", "the red mailbox"),
    "agreement": ("结对共建", "co-building agreements"),
    "project": ("项目公示", "projects in public notice"),
    "purchase": ("购买服务", "purchases of services"),
    "reminder": ("提醒", "reminders"),
}

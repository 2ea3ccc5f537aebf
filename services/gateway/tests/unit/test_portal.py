"""The portal's own logic, without the stack: where a link may send the visitor, a venue's week
of half hours, a service's periods to come, who each role acts as, and the words every page uses."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, get_args

import pytest
from fastapi import FastAPI, Request

from contract.bodies.needs import ClaimCreate, EvaluationTag, NeedCreate
from contract.errors import Conflict, DomainError
from contract.events.needs import ActivityStatus, ClaimCompleted, NeedStatus, RatedKind, WishConfirmed, WishStatus
from contract.events.resources import BookingStatus, RequestStatus, ResourceStatus, ServiceRequestCompleted
from contract.taxonomy import Category
from devkit.testing import next_weekday
from gateway.config import Settings as GatewaySettings
from gateway.portal.accounts import Account, Role
from gateway.portal.i18n import REASONS, STATUSES, WORDS, reason_label, status_label, translate, weekdays
from gateway.portal.public import week_grid
from gateway.portal.service_requests import periods_left
from gateway.portal.web import CST, Services, refusal_of, safe_next, said
from gateway.upstreams import Answer, Upstreams
from matching.index.engine import WEIGHTS
from needs.activities.models import Activity, SignUp
from needs.evaluations.models import Evaluation, Rater
from needs.needs.models import ClaimStatus
from needs.needs.service import NeedAction
from resources.bookings.slots import Taken
from resources.requests.models import ServiceRequest
from runtime.actors import ActorKind
from runtime.app import Components
from runtime.http import error_response

TEMPLATES = Path(__file__).parents[2] / "src" / "gateway" / "portal" / "templates"
ORG = "a" * 32


class TestWhereALinkMaySendTheVisitor:
    @pytest.mark.parametrize("target", ["/", "/needs?category=legal_aid", "/resources/" + ORG])
    def test_a_path_of_this_site_is_kept(self, target: str) -> None:
        assert safe_next(target) == target

    @pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "/\\evil.example", "", None])
    def test_anything_else_goes_to_the_default(self, target: str | None) -> None:
        assert safe_next(target, "/me") == "/me"


WEEKDAYS_9_TO_6 = {"opening_hours": [{"days": [1, 2, 3, 4, 5], "opens": "09:00:00", "closes": "18:00:00"}]}


class TestAVenuesWeek:
    def test_half_hours_are_free_taken_or_closed(self) -> None:
        monday = next_weekday(1)
        taken = [
            {
                "starts_at": datetime.combine(monday, time(10), CST).isoformat(),
                "ends_at": datetime.combine(monday, time(11), CST).isoformat(),
            }
        ]
        grid = week_grid(WEEKDAYS_9_TO_6, monday, taken)
        cells = {cell["start"]: cell["state"] for row in grid["rows"] for cell in row["cells"]}
        day = monday.isoformat()
        assert cells[f"{day}T09:30+08:00"] == "free"
        assert cells[f"{day}T10:00+08:00"] == cells[f"{day}T10:30+08:00"] == "taken"
        assert cells[f"{day}T11:00+08:00"] == "free"
        assert cells[f"{day}T08:30+08:00"] == cells[f"{day}T18:00+08:00"] == "closed"
        saturday = (monday + timedelta(days=5)).isoformat()
        assert cells[f"{saturday}T10:00+08:00"] == "closed"  # open Monday to Friday only
        today = datetime.now(CST).date()
        assert (grid["previous"], grid["next"]) == (
            max(monday - timedelta(7), today).isoformat(),  # never a week of the past
            (monday + timedelta(7)).isoformat(),
        )
        assert [day.isoweekday() for day in grid["days"]] == [1, 2, 3, 4, 5, 6, 7]

    def test_a_week_from_today_has_no_earlier_week(self) -> None:
        today = datetime.now(CST).date()
        grid = week_grid(WEEKDAYS_9_TO_6, today, [])
        assert (grid["days"][0], grid["previous"]) == (today, None)

    def test_the_past_cannot_be_booked(self) -> None:
        monday = next_weekday(1) - timedelta(days=14)
        grid = week_grid(
            {"opening_hours": [{"days": list(range(1, 8)), "opens": "00:00", "closes": "00:00"}]}, monday, []
        )
        assert {cell["state"] for row in grid["rows"] for cell in row["cells"]} == {"closed"}


class TestWhoEachRoleActsAs:
    def test_a_resident_acts_as_themself_in_their_community(self) -> None:
        account = Account(username="wang", name="王阿姨", role=Role.RESIDENT, area_code="350102001001")
        actor = account.actor
        assert (actor.kind, actor.resident_id, actor.area_code) == (ActorKind.RESIDENT, account.id, "350102001001")

    def test_an_administrator_acts_for_their_node(self) -> None:
        actor = Account(username="gulou", name="区管理员", role=Role.AREA_ADMIN, area_code="350102").actor
        assert (actor.kind, actor.area_code) == (ActorKind.AREA_ADMIN, "350102")

    @pytest.mark.parametrize("role", [Role.MEMBER, Role.ORG_ADMIN])
    def test_an_organisations_people_act_for_it(self, role: Role) -> None:
        actor = Account(username="li-si", name="李四", role=role, organization_id=ORG).actor
        assert (actor.kind, actor.organization_id) == (ActorKind.ORGANIZATION, ORG)


class TestAServicesPeriods:
    def test_show_what_is_left_of_each_from_the_day_on(self) -> None:
        service = {"capacity_period": "week", "capacity": 4, "used": {"2026-W50": 3}}
        periods = periods_left(service, date(2026, 12, 9))  # a Wednesday of week 50
        assert [(p["period"], p["days"], p["left"]) for p in periods] == [
            ("2026-W50", "12-09 – 12-13", 1),
            ("2026-W51", "12-14 – 12-20", 4),
            ("2026-W52", "12-21 – 12-27", 4),
            ("2026-W53", "12-28 – 01-03", 4),
        ]
        monthly = periods_left({**service, "capacity_period": "month", "used": {}}, date(2026, 12, 31))
        assert [p["days"] for p in monthly] == ["2026-12", "2027-01", "2027-02", "2027-03"]


EARNING = (ClaimCompleted, WishConfirmed, ServiceRequestCompleted)  # the causes of points and hours


class TestTheWords:
    def test_every_word_a_template_asks_for_is_there_in_both_languages(self) -> None:
        asked = {key for page in TEMPLATES.glob("*.html") for key in re.findall(r"t\('([a-z_]+)'\)", page.read_text())}
        assert asked and asked <= set(WORDS), asked - set(WORDS)
        assert all(zh and en and zh != en for zh, en in WORDS.values())

    def test_chinese_reads_with_chinese_punctuation(self) -> None:
        ascii_between = re.compile(r"[\u4e00-\u9fff][,;:?!]|[,;:]\s?[\u4e00-\u9fff]")
        chinese = [zh for zh, _ in [*WORDS.values(), *STATUSES.values(), *REASONS.values()]]
        assert [zh for zh in chinese if ascii_between.search(zh)] == []

    def test_the_words_a_template_makes_of_a_value_are_there_too(self) -> None:
        made = (
            [f"need_{move}" for move in get_args(NeedAction)]
            + [f"tag_{tag.value}" for tag in EvaluationTag]
            + [f"subject_{kind.value}" for kind in RatedKind]
            + ["remind_claim_starts", "remind_booking_waits", "remind_wish_unclaimed"]
            + [f"cause_{cause.model_fields['type'].default.replace('.', '_')}" for cause in EARNING]
        )
        assert set(made) <= set(WORDS), set(made) - set(WORDS)
        claims = {f"claim_{status.value}" for status in ClaimStatus}
        assert claims <= set(STATUSES), claims - set(STATUSES)

    def test_every_status_the_services_answer_has_its_words(self) -> None:
        statuses = (NeedStatus, WishStatus, BookingStatus, ResourceStatus, RequestStatus)
        answered = {s.value for enum in statuses for s in enum}
        assert answered <= set(STATUSES), answered - set(STATUSES)
        assert (status_label("fully_claimed", "zh"), status_label("fully_claimed", "en")) == ("已认领", "claimed")

    def test_every_reason_matching_gives_has_its_words(self) -> None:
        assert set(WEIGHTS) <= set(REASONS), set(WEIGHTS) - set(REASONS)
        assert (reason_label("neighbourhood", "zh"), reason_label("neighbourhood", "en")) == ("近邻", "neighbourhood")

    def test_opening_days_read_as_weekdays(self) -> None:
        assert (weekdays([1, 3], "zh"), weekdays([1, 3], "en")) == ("周一、周三", "Mon, Wed")
        assert weekdays(list(range(1, 8)), "zh") == "每天"

    def test_chinese_is_the_default_and_english_the_other(self) -> None:
        assert (translate("sign_in", "zh"), translate("sign_in", "en")) == ("登录", "Sign in")


def answer_to(refusal: DomainError) -> Answer:
    """The refusal as a service answers it."""
    body = error_response(refusal.status_code, refusal.code, refusal.message, **refusal.details).body
    return Answer(refusal.status_code, bytes(body), {})


def shown(act: Callable[[], object], lang: str = "zh") -> str:
    """What the portal says of the refusal `act` raises in a service."""
    with pytest.raises(DomainError) as refused:
        act()
    message = refusal_of(answer_to(refused.value))
    assert message is not None
    return said(message, lang)


class TestAServicesRefusal:
    """...is said in the visitor's language, from what the service's own error names."""

    def activity(self, places: int = 2) -> Activity:
        starts = datetime.now(CST) + timedelta(days=2)
        return Activity(
            id="b" * 32,
            organization_id=ORG,
            title="社区义诊",
            category=Category.MEDICAL,
            area_code="350102001001",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            sign_up_until=starts,
            places=places,
        )

    def test_of_an_activity(self) -> None:
        activity, now = self.activity(), datetime.now(CST)
        activity.sign_up(SignUp(resident_id="r1", name="陈奶奶"), now)
        assert shown(lambda: activity.sign_up(SignUp(resident_id="r1", name="陈奶奶"), now)) == "您已报名"
        assert shown(lambda: activity.sign_up(SignUp(resident_id="r2", name="李", people=2), now)) == "数量不足：只剩 1"
        assert shown(lambda: activity.sign_up(SignUp(resident_id="r2", name="李"), activity.starts_at)) == "报名已截止"
        assert shown(lambda: activity.withdraw("r1", activity.starts_at)) == "活动已开始"
        activity.status = ActivityStatus.CANCELLED
        called_off = lambda: activity.sign_up(SignUp(resident_id="r3", name="王"), now)  # noqa: E731
        assert shown(called_off) == "当前状态为「已取消」，无法办理"
        assert shown(called_off, "en") == "Not possible while it is cancelled"

    def test_of_a_booking(self) -> None:
        def taken() -> None:
            raise Taken.at(ORG, datetime.now(CST))

        assert shown(taken) == "所选时段已被预约，请另选时间"

    def test_of_a_service_request(self) -> None:
        request = ServiceRequest(
            id="c" * 32,
            resource_id="d" * 32,
            provider_organization_id=ORG,
            resident_id="r1",
            wanted_on=date(2026, 12, 9),
            period="2026-12",
            quantity=1,
            status=RequestStatus.COMPLETED,
        )
        assert shown(lambda: request.decide(RequestStatus.CANCELLED)) == "当前状态为「已完成」，无法办理"
        assert shown(lambda: request.decide(RequestStatus.CANCELLED), "en") == "Not possible while it is completed"

    def test_of_a_rating(self) -> None:
        ended = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
        rating = Evaluation(
            id="e" * 32,
            subject=RatedKind.CLAIM,
            subject_id="f" * 32,
            about="a" * 32,
            organization_id=ORG,
            area_code="350102001001",
            rater=Rater(organization_id="b" * 32),
            opens_at=ended,
            closes_at=ended + timedelta(days=14),
        )
        late = ended + timedelta(days=15)
        assert shown(lambda: rating.give(5, "", [], late)) == "评价期限已过(2026-12-15 18:00)"
        assert shown(lambda: rating.give(5, "", [], ended - timedelta(hours=1)), "en") == (
            "It has not ended yet (2026-12-01 18:00): rate it afterwards"
        )
        rating.give(5, "", [], ended)
        assert shown(lambda: rating.give(4, "", [], ended)) == "当前状态为「已评价」，无法办理"

    def test_one_the_portal_has_no_words_for_is_shown_as_the_service_says_it(self) -> None:
        def over() -> None:
            raise Conflict("the booking is over; it cannot be cancelled")

        assert shown(over) == "未能办理：the booking is over; it cannot be cancelled"
        assert said(refusal_of(Answer(502, b"Bad Gateway", {})) or "", "zh") == "未能办理：HTTP 502"

    def test_a_balance_short_of_a_price_is_said_in_the_portals_words_with_what_it_holds(self) -> None:
        class InsufficientBalance(Conflict):  # as the points service's ledger raises it
            code = "insufficient_balance"

        def short() -> None:
            raise InsufficientBalance("member:b holds 5 points, not 15", balance=5)

        assert shown(short) == "余额不足，无法办理：当前余额 5"


class Recording:
    """A service that records what the portal sends it and takes it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    async def call(self, method: str, path: str, **sent: Any) -> Answer:
        self.sent.append((method, path, sent))
        return Answer(201, b'{"id": "made"}', {})


class TestWhatAFormSends:
    """...is the contract's body, as the partner API takes it: what makes none is refused before
    anything is sent, naming the field as the service would."""

    def services(self) -> tuple[Services, Recording]:
        app, service = FastAPI(), Recording()
        app.state.settings, app.state.components = GatewaySettings(), Components()
        app.state.components.add(Upstreams(*[service] * len(fields(Upstreams))))  # type: ignore[arg-type]
        return Services(Request({"type": "http", "app": app, "headers": []}), None), service

    async def test_a_form_that_makes_no_valid_body_is_refused_here(self) -> None:
        services, service = self.services()
        form = {"title": "", "category": "elderly_care", "area_code": "350102001001", "quantity": "2"}

        answer = await services.send(service, "/needs", NeedCreate, form)  # type: ignore[arg-type]

        assert answer.status_code == 422 and service.sent == []
        assert [f["field"] for f in answer.json()["error"]["fields"]] == ["body.title"]
        assert said(refusal_of(answer) or "", "en").startswith("Please check the form: body.title")

    async def test_a_valid_form_is_sent_as_the_contract_shapes_it(self) -> None:
        services, service = self.services()

        answer = await services.send(service, "/needs/n/claims", ClaimCreate, {"quantity": "3"})  # type: ignore[arg-type]

        assert answer.status_code == 201
        assert [(m, p, json.loads(s["content"])) for m, p, s in service.sent] == [
            ("POST", "/needs/n/claims", {"quantity": 3})
        ]

"""The project list's rules on fakes of its ports: a plan that makes no project (a milestone
before the start), spending past the budget refused until approved, public notice after a
milestone and comments only then, an objection told, evaluation by the area's administrators."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from cobuilding.clock import Clock
from cobuilding.projects.models import Project
from cobuilding.projects.service import Projects
from contract.bodies.cobuilding import (
    ApprovalCreate,
    CommentCreate,
    EvaluationCreate,
    MilestoneDone,
    ProjectCreate,
    ProjectStatusChange,
    SpendingCreate,
)
from contract.errors import Conflict, Forbidden, Unprocessable
from devkit.fakes import FakeRepository
from runtime.actors import Actor, ActorKind

from .fakes import AREA, RESCUE, SCHOOL, UNION, FakeOrganizations, FakePhotos

TODAY = date(2027, 3, 10)
ADMIN = Actor(kind=ActorKind.AREA_ADMIN, area_code=AREA)
RESIDENT = Actor(kind=ActorKind.RESIDENT, resident_id="9" * 32, area_code=AREA)


def org(organization_id: str) -> Actor:
    return Actor(kind=ActorKind.ORGANIZATION, organization_id=organization_id, area_code=AREA)


def make() -> tuple[Projects, FakeRepository[Project], Clock]:
    repo, clock = FakeRepository[Project](), Clock()
    clock.offset = datetime(2027, 3, 10, 4, tzinfo=UTC) - datetime.now(UTC)
    return Projects(repo, FakeOrganizations(), clock, FakePhotos(), notice_days=7, max_photo_bytes=1000), repo, clock


def plan(**fields: Any) -> ProjectCreate:
    body = {
        "title": "社区食堂共建项目",
        "category": "elderly_care",
        "partners": [RESCUE],
        "starts_on": "2027-03-01",
        "ends_on": "2027-12-31",
        "budget": 10_000,
        "planned_person_times": 500,
        "milestones": [
            {"title": "选址装修", "due_on": "2027-04-30"},
            {"title": "开餐", "due_on": "2027-06-01", "owner_organization_id": RESCUE},
        ],
    }
    return ProjectCreate.model_validate(body | fields)


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"milestones": [{"title": "早了", "due_on": "2027-02-01"}]}, "before the project starts"),
        ({"milestones": [{"title": "晚了", "due_on": "2028-02-01"}]}, "after the project ends"),
        ({"ends_on": "2027-02-01"}, "ends_on"),
        ({"budget": -1}, "budget"),
    ],
)
def test_a_plan_that_makes_no_project_is_refused_naming_why(fields: dict[str, Any], named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        plan(**fields)


async def test_who_publishes_what() -> None:
    projects, repo, _ = make()
    with pytest.raises(Forbidden):
        await projects.publish(plan(), ADMIN)
    with pytest.raises(Unprocessable, match="owned by no party"):
        await projects.publish(
            plan(milestones=[{"title": "x", "due_on": "2027-04-01", "owner_organization_id": SCHOOL}]), org(UNION)
        )
    assert repo.saved == {}
    made = await projects.publish(plan(), org(UNION))
    assert (made.area_code, made.milestones[1].owner_organization_id, repo.types()) == (
        AREA,
        RESCUE,
        ["project.published"],
    )


async def test_spending_past_the_budget_waits_for_an_approval() -> None:
    projects, _, _ = make()
    made = await projects.publish(plan(), org(UNION))
    spent = SpendingCreate(on=TODAY, amount=8_000, funder="市总工会", what="装修")
    await projects.spend(made.id, spent, org(UNION))
    more = SpendingCreate(on=TODAY, amount=3_000, funder="街道", what="厨具")
    with pytest.raises(Conflict, match="approval"):
        await projects.spend(made.id, more, org(UNION))
    with pytest.raises(Forbidden):
        await projects.spend(made.id, more, org(RESCUE))  # a partner records no spending
    with pytest.raises(Forbidden):
        await projects.approve(made.id, ApprovalCreate(amount=1_000, note="x"), org(UNION))
    await projects.approve(made.id, ApprovalCreate(amount=1_000, note="厨具涨价"), ADMIN)
    done = await projects.spend(made.id, more, org(UNION))
    assert (done.spent, done.allowed, done.funders) == (11_000, 11_000, {"市总工会": 8_000, "街道": 3_000})


async def test_a_milestone_done_opens_public_notice_when_anyone_may_comment_or_object() -> None:
    projects, repo, clock = make()
    made = await projects.publish(plan(), org(UNION))
    with pytest.raises(Conflict, match="public notice"):
        await projects.comment(made.id, CommentCreate(text="好"), RESIDENT)
    first, second = (m.milestone_id for m in made.milestones)
    with pytest.raises(Forbidden):
        await projects.milestone_done(
            made.id, first, MilestoneDone(done_on=TODAY), org(RESCUE)
        )  # the union's milestone
    with pytest.raises(Unprocessable, match="done_on"):
        await projects.milestone_done(made.id, first, MilestoneDone(done_on=TODAY + timedelta(days=1)), org(UNION))
    progressed = await projects.milestone_done(made.id, first, MilestoneDone(done_on=TODAY, served=40), org(UNION))
    assert (progressed.status, progressed.served_person_times) == ("under_way", 40)
    assert progressed.notice_until is not None
    assert timedelta(days=7) - (progressed.notice_until - clock.now()) < timedelta(seconds=1)  # a week from now
    await projects.comment(made.id, CommentCreate(text="支持"), RESIDENT)
    objected = await projects.comment(made.id, CommentCreate(text="选址离小区太远", objection=True), org(SCHOOL))
    assert [c.objection for c in objected.comments] == [False, True]
    assert repo.types() == ["project.published", "project.progressed", "project.objected"]
    with pytest.raises(Forbidden):
        await projects.comment(made.id, CommentCreate(text="匿名"), Actor(kind=ActorKind.PLATFORM))
    clock.advance(timedelta(days=8))
    with pytest.raises(Conflict):
        await projects.comment(made.id, CommentCreate(text="晚了"), RESIDENT)
    await projects.milestone_done(made.id, second, MilestoneDone(done_on=TODAY), org(RESCUE))  # the rescue team's own


async def test_the_area_evaluates_a_project_done() -> None:
    projects, _, _ = make()
    made = await projects.publish(plan(), org(UNION))
    with pytest.raises(Conflict):
        await projects.evaluate(made.id, EvaluationCreate(stars=5), ADMIN)
    await projects.move(made.id, ProjectStatusChange(status="done"), org(UNION))
    with pytest.raises(Forbidden):
        await projects.evaluate(
            made.id, EvaluationCreate(stars=5), Actor(kind=ActorKind.AREA_ADMIN, area_code="350102001002")
        )
    evaluated = await projects.evaluate(made.id, EvaluationCreate(stars=4, text="成效明显"), ADMIN)
    assert (evaluated.status, evaluated.evaluation and evaluated.evaluation.stars) == ("evaluated", 4)


async def test_photos_of_the_work_by_its_owner_or_a_partner() -> None:
    projects, _, _ = make()
    made = await projects.publish(plan(), org(UNION))
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    with pytest.raises(Forbidden):
        await projects.add_photo(made.id, png, org(SCHOOL))
    with pytest.raises(Unprocessable, match="JPEG"):
        await projects.add_photo(made.id, b"<svg/>", org(UNION))
    shown = await projects.add_photo(made.id, png, org(RESCUE))  # a partner's
    assert await projects.photo(made.id, shown.photos[0]) == (png, "image/png")

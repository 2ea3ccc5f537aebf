"""A project and what it is made of; who may do what lives in `service`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, computed_field

from contract.aggregates import Versioned
from contract.errors import Conflict
from contract.events.cobuilding import ProjectStatus
from contract.taxonomy import Category


class Milestone(BaseModel):
    milestone_id: str
    title: str
    due_on: date
    owner_organization_id: str
    done_on: date | None = None
    note: str = ""


class Spending(BaseModel):
    spending_id: str
    on: date
    amount: int
    funder: str
    what: str
    recorded_at: datetime


class Approval(BaseModel):
    amount: int
    note: str
    by: str  # the administrator's area code
    at: datetime


class Comment(BaseModel):
    comment_id: str
    by: str  # who: `resident:…`, `member:…`, `organization:…`, `area:…`
    name: str = ""
    text: str
    objection: bool = False
    at: datetime


class Evaluation(BaseModel):
    stars: int
    text: str
    by: str
    at: datetime


class Link(BaseModel):
    kind: Literal["need", "resource", "activity", "booking"]
    id: str


class Project(Versioned):
    title: str
    category: Category
    description: str = ""
    organization_id: str
    partners: list[str] = Field(default_factory=list)
    area_code: str
    starts_on: date
    ends_on: date
    budget: int
    planned_person_times: int = 0
    served_person_times: int = 0
    milestones: list[Milestone] = Field(default_factory=list)
    spending: list[Spending] = Field(default_factory=list)
    approvals: list[Approval] = Field(default_factory=list)
    comments: list[Comment] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    photos: list[str] = Field(default_factory=list)  # their SHA-256s, in the photo store
    status: ProjectStatus = ProjectStatus.PLANNED
    notice_until: datetime | None = None
    evaluation: Evaluation | None = None
    created_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def spent(self) -> int:
        return sum(s.amount for s in self.spending)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def allowed(self) -> int:
        """What may be spent: the budget, and what administrators approved past it."""
        return self.budget + sum(a.amount for a in self.approvals)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def funders(self) -> dict[str, int]:
        """What each funder paid."""
        paid: dict[str, int] = {}
        for s in self.spending:
            paid[s.funder] = paid.get(s.funder, 0) + s.amount
        return paid

    def in_notice_at(self, now: datetime) -> bool:
        return self.notice_until is not None and now < self.notice_until

    def require(self, *statuses: ProjectStatus) -> None:
        if self.status not in statuses:
            raise Conflict(f"the project is {self.status.value}", status=self.status.value)

    def milestone(self, milestone_id: str) -> Milestone | None:
        return next((m for m in self.milestones if m.milestone_id == milestone_id), None)

"""What is sent to put a concern in the red mailbox (红色信箱), to answer one and to rate the answer;
to propose a co-building agreement (结对共建) with its commitments, and to record one kept."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contract.events.cobuilding import ConcernKind, Repeat
from contract.schemas import AREA_PATTERN, ID_PATTERN, Day
from contract.taxonomy import Category

PHONE_PATTERN = r"^1[3-9][0-9]{9}$"  # a mainland mobile number


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConcernCreate(Strict):
    """A resident's concern, suggestion or complaint about their community. A grid worker
    submitting one for a resident names them (`resident_id` of their account, or none) and their area."""

    kind: ConcernKind = ConcernKind.CONCERN
    title: str = Field(min_length=1, max_length=100, examples=["楼道灯坏了三天"])
    text: str = Field(min_length=1, max_length=2000)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, description="seen only by those who handle it")
    resident_id: str | None = Field(default=None, pattern=ID_PATTERN, description="a grid worker's: for whom")
    resident_name: str = Field(default="", max_length=50)
    area_code: str | None = Field(default=None, pattern=AREA_PATTERN, description="the resident's area if left out")


class ConcernReply(Strict):
    text: str = Field(min_length=1, max_length=2000, examples=["已联系物业，今天下午修好。"])


class ConcernRating(Strict):
    stars: int = Field(ge=1, le=5, description="5: very satisfied")
    comment: str = Field(default="", max_length=500)


class CommitmentCreate(Strict):
    by_organization_id: str = Field(pattern=ID_PATTERN, description="the party that commits")
    for_organization_id: str | None = Field(default=None, pattern=ID_PATTERN, description="the party it is for")
    what: str = Field(min_length=1, max_length=200, examples=["每月7日19:00-21:00提供会议室开展党小组活动"])
    repeat: Repeat
    day: int | None = Field(default=None, ge=1, le=31, description="monthly: the day of the month")
    weekday: int | None = Field(default=None, ge=0, le=6, description="weekly: 0 Monday … 6 Sunday")
    starts: time | None = Field(default=None, description="local time, on the hour or half hour")
    ends: time | None = None
    times_a_year: int | None = Field(default=None, ge=1, le=52)
    venue_id: str | None = Field(default=None, pattern=ID_PATTERN, description="a venue of the committing party")

    @model_validator(mode="after")
    def _complete(self) -> Self:
        needed = {Repeat.MONTHLY: "day", Repeat.WEEKLY: "weekday", Repeat.TIMES_A_YEAR: "times_a_year"}[self.repeat]
        if getattr(self, needed) is None:
            raise ValueError(f"a {self.repeat.value} commitment needs {needed}")
        if (self.starts is None) != (self.ends is None) or (self.starts and self.ends and self.ends <= self.starts):
            raise ValueError("give starts and ends (ends after starts), or neither")
        if self.venue_id is not None:
            if self.repeat is Repeat.TIMES_A_YEAR or self.starts is None or self.ends is None:
                raise ValueError("a venue commitment is monthly or weekly, with starts and ends")
            if any(t.minute not in (0, 30) or t.second for t in (self.starts, self.ends)):
                raise ValueError("a venue is booked by the half hour: starts and ends on :00 or :30")
            if self.for_organization_id is None:
                raise ValueError("a venue commitment names the party it is for (for_organization_id)")
        return self


class AgreementCreate(Strict):
    """A co-building agreement (结对共建) proposed by one of its parties, who signs it by proposing."""

    title: str = Field(min_length=1, max_length=100, examples=["总工会机关党支部与救援队党支部结对共建"])
    parties: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(
        min_length=2, max_length=30, description="every organisation that signs, the proposer's included"
    )
    starts_on: Day
    ends_on: Day
    commitments: list[CommitmentCreate] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(set(self.parties)) != len(self.parties):
            raise ValueError("parties: each organisation once")
        if self.ends_on <= self.starts_on:
            raise ValueError("ends_on comes after starts_on")
        if (self.ends_on - self.starts_on).days > 3 * 366:
            raise ValueError("ends_on: a term lasts three years at most")
        for commitment in self.commitments:
            for party in (commitment.by_organization_id, commitment.for_organization_id):
                if party is not None and party not in self.parties:
                    raise ValueError(f"commitments: {party} is not a party to the agreement")
            if commitment.for_organization_id == commitment.by_organization_id:
                raise ValueError("commitments: a party commits to another party")
        return self


class FulfilmentCreate(Strict):
    """A commitment kept: on which day, and a note (what was done, how many came)."""

    on: Day
    note: str = Field(default="", max_length=500)


class MeetingCreate(Strict):
    """The next joint meeting (联席会议) of a community's (or street's) neighbour partners: its
    agenda is drafted from what is stuck there."""

    held_on: Day
    title: str = Field(default="", max_length=100, examples=["12月近邻合伙人联席会议"])
    area_code: str | None = Field(
        default=None, pattern=r"^[0-9]{9}([0-9]{3})?$", description="a community or street; the administrator's own"
    )


class Decision(Strict):
    item_id: str = Field(pattern=ID_PATTERN)
    decision: str = Field(default="", max_length=1000)
    taken_by: str | None = Field(default=None, pattern=ID_PATTERN, description="the organisation that took it on")


class MeetingRecord(Strict):
    """What the meeting was: who came, the minutes, and each item's decision and who took it."""

    attendance: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(default_factory=list, max_length=200)
    minutes: str = Field(default="", max_length=5000)
    decisions: list[Decision] = Field(default_factory=list, max_length=100)


class OutcomeCreate(Strict):
    """What an agenda item became: the need, claim or project made of its decision."""

    kind: Literal["need", "claim", "project"]
    id: str = Field(pattern=ID_PATTERN)


class PartnerList(Strict):
    """A community's neighbour partners (近邻合伙人), as its administrator keeps the list."""

    organization_ids: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(max_length=500)


class MilestoneCreate(Strict):
    title: str = Field(min_length=1, max_length=200)
    due_on: Day
    owner_organization_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="the project's owner if left out"
    )


class ProjectCreate(Strict):
    """A project of the project list (项目清单): its owner (the acting organisation), partners,
    plan of milestones, budget and the person-times it means to serve."""

    title: str = Field(min_length=1, max_length=200, examples=["“银龄助餐”社区食堂共建项目"])
    category: Category
    description: str = Field(default="", max_length=5000)
    partners: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(default_factory=list, max_length=30)
    starts_on: Day
    ends_on: Day
    budget: int = Field(ge=0, le=100_000_000, description="yuan")
    planned_person_times: int = Field(default=0, ge=0, le=10_000_000)
    milestones: list[MilestoneCreate] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _planned(self) -> Self:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on comes on or after starts_on")
        for milestone in self.milestones:
            if milestone.due_on < self.starts_on:
                raise ValueError(f"milestones: {milestone.title!r} is due before the project starts")
            if milestone.due_on > self.ends_on:
                raise ValueError(f"milestones: {milestone.title!r} is due after the project ends")
        return self


class MilestoneDone(Strict):
    done_on: Day
    note: str = Field(default="", max_length=1000)
    served: int = Field(default=0, ge=0, le=1_000_000, description="person-times served by this step")


class SpendingCreate(Strict):
    """Money spent on the project, and who paid it: a union, a street, the organisation itself."""

    on: Day
    amount: int = Field(gt=0, le=100_000_000, description="yuan")
    funder: str = Field(min_length=1, max_length=100, examples=["市总工会", "街道", "自筹"])
    what: str = Field(min_length=1, max_length=200)


class ApprovalCreate(Strict):
    """An area administrator's approval of spending past the budget, by up to `amount` yuan."""

    amount: int = Field(gt=0, le=100_000_000)
    note: str = Field(min_length=1, max_length=500)


class CommentCreate(Strict):
    text: str = Field(min_length=1, max_length=1000)
    objection: bool = Field(
        default=False, description="an objection (异议): the owner and the area's administrators are told"
    )


class LinkCreate(Strict):
    """A need, resource, activity or booking that belongs to a project."""

    kind: Literal["need", "resource", "activity", "booking"]
    id: str = Field(pattern=ID_PATTERN)


class ProjectStatusChange(Strict):
    status: Literal["under_way", "done"]


class EvaluationCreate(Strict):
    stars: int = Field(ge=1, le=5)
    text: str = Field(default="", max_length=1000)


class PurchaseCreate(Strict):
    """A purchase of services (购买服务) a union or a street publishes: what service, for whom,
    the budget and the period."""

    title: str = Field(min_length=1, max_length=200, examples=["2027年职工心理健康服务项目"])
    service: str = Field(min_length=1, max_length=2000, description="what is to be done")
    for_whom: str = Field(min_length=1, max_length=500, examples=["新就业形态劳动者"])
    category: Category
    area_code: str | None = Field(default=None, pattern=AREA_PATTERN, description="where; the buyer's own if left out")
    budget: int = Field(gt=0, le=100_000_000, description="yuan")
    starts_on: Day
    ends_on: Day

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on comes on or after starts_on")
        return self


class OfferCreate(Strict):
    price: int = Field(gt=0, le=100_000_000, description="yuan, within the purchase's budget")
    plan: str = Field(min_length=1, max_length=2000, description="how the service would be delivered")


class AwardCreate(Strict):
    offer_id: str = Field(pattern=ID_PATTERN)


class DeliveryCreate(Strict):
    """A delivery of the service: on which day, how many person-times served."""

    on: Day
    person_times: int = Field(ge=1, le=1_000_000)
    note: str = Field(default="", max_length=1000)

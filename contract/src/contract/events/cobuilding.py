"""The co-building service's events: a resident's concern (诉求) in the red mailbox (红色信箱),
from its submission through the replies and escalations to the resident's rating; a co-building
agreement (结对共建) between organisations, proposed, signed and ended."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Literal

from contract.events.base import Data, Envelope


class ConcernKind(StrEnum):
    CONCERN = "concern"  # 诉求: something the resident needs done
    SUGGESTION = "suggestion"  # 建议
    COMPLAINT = "complaint"  # 投诉


class ConcernStatus(StrEnum):
    WAITING = "waiting"  # for its reply, from the level now answerable
    REPLIED = "replied"  # for the resident's rating
    RATED = "rated"


class ConcernLevel(StrEnum):
    """Who must answer a concern: its community, then (past the time to reply) its street, then its district."""

    COMMUNITY = "community"
    STREET = "street"
    DISTRICT = "district"


class ConcernData(Data):
    concern_id: str
    area_code: str  # the resident's area: a community, a grid or a building
    handler: str  # the node now answerable: the community's, street's or district's code
    level: ConcernLevel
    status: ConcernStatus
    resident_id: str
    version: int


class ConcernSubmitted(Envelope):
    """Emitted when a resident (or a grid worker for them) puts a concern in the red mailbox."""

    type: Literal["concern.submitted"] = "concern.submitted"
    data: ConcernData


class ConcernEscalated(Envelope):
    """Emitted when a concern waited past its time to reply: the next level up must answer it."""

    type: Literal["concern.escalated"] = "concern.escalated"
    data: ConcernData


class ConcernReplied(Envelope):
    """Emitted when a concern is answered, by an administrator of its area."""

    type: Literal["concern.replied"] = "concern.replied"
    data: ConcernData


class ConcernRated(Envelope):
    """Emitted when the resident rates the answer to their concern."""

    type: Literal["concern.rated"] = "concern.rated"
    data: ConcernData


class Repeat(StrEnum):
    """How often a commitment is kept: on a day of every month, on a weekday of every week, or a
    number of times a year (as the parties arrange each)."""

    MONTHLY = "monthly"
    WEEKLY = "weekly"
    TIMES_A_YEAR = "times_a_year"


class AgreementStatus(StrEnum):
    PROPOSED = "proposed"  # waiting for every party's signature
    SIGNED = "signed"  # in force for its term
    ENDED = "ended"  # withdrawn before it was signed, or ended by a party


class CommitmentData(Data):
    """What one party commits to for the agreement's term: "a meeting room for our Party group
    every month on the 7th, 19:00–21:00" (a venue of theirs: booked for the party it is for),
    "4 first-aid trainings a year"."""

    commitment_id: str
    by_organization_id: str
    for_organization_id: str | None = None  # the party it is for; a venue is booked in its name
    what: str
    repeat: Repeat
    day: int | None = None  # of the month (monthly)
    weekday: int | None = None  # 0 Monday … 6 Sunday (weekly)
    starts: time | None = None  # local time (China Standard Time)
    ends: time | None = None
    times_a_year: int | None = None
    venue_id: str | None = None


class AgreementData(Data):
    agreement_id: str
    title: str
    parties: list[str]
    proposed_by: str
    area_code: str  # the proposer's: the community (or street) the co-building belongs to
    status: AgreementStatus
    starts_on: date
    ends_on: date
    commitments: list[CommitmentData]
    version: int


class AgreementProposed(Envelope):
    """Emitted when an organisation proposes a co-building agreement (结对共建) to its partners."""

    type: Literal["agreement.proposed"] = "agreement.proposed"
    data: AgreementData


class AgreementSigned(Envelope):
    """Emitted when the last party signs: the agreement is in force, its venue commitments are booked."""

    type: Literal["agreement.signed"] = "agreement.signed"
    data: AgreementData


class AgreementEnded(Envelope):
    """Emitted when a party ends an agreement (or withdraws one not yet signed by all)."""

    type: Literal["agreement.ended"] = "agreement.ended"
    data: AgreementData


class PartnersListedData(Data):
    community: str
    organization_ids: list[str]  # the community's neighbour partners (近邻合伙人)
    version: int


class PartnersListed(Envelope):
    """Emitted when a community's administrator sets its neighbour partner list: the organisations
    its members' needs and venues for partners are shown and open to, besides agreements' parties."""

    type: Literal["partners.listed"] = "partners.listed"
    data: PartnersListedData


class ProjectStatus(StrEnum):
    PLANNED = "planned"
    UNDER_WAY = "under_way"
    DONE = "done"
    EVALUATED = "evaluated"


class ProjectData(Data):
    project_id: str
    title: str
    organization_id: str  # the owner
    partners: list[str]
    area_code: str
    status: ProjectStatus
    notice_until: datetime | None = None  # its progress and spending are in public notice (公示) until then
    version: int


class ProjectPublished(Envelope):
    """Emitted when an organisation puts a project on the project list (项目清单)."""

    type: Literal["project.published"] = "project.published"
    data: ProjectData


class ProjectProgressed(Envelope):
    """Emitted when a milestone of a project is done: its progress and spending go into public notice."""

    type: Literal["project.progressed"] = "project.progressed"
    data: ProjectData


class ProjectObjected(Envelope):
    """Emitted when someone objects to a project in public notice: its owner and its area's
    administrators are to look into it."""

    type: Literal["project.objected"] = "project.objected"
    data: ProjectData


class PurchaseStatus(StrEnum):
    OPEN = "open"  # taking offers
    AWARDED = "awarded"  # being delivered by the organisation awarded
    CLOSED = "closed"


class PurchaseData(Data):
    purchase_id: str
    title: str
    buyer: str  # `organization:{id}` (a union, say) or `area:{code}` (a street)
    area_code: str
    status: PurchaseStatus
    awarded_to: str | None = None  # the organisation delivering it
    price: int | None = None  # yuan, as awarded
    version: int


class PurchasePublished(Envelope):
    """Emitted when a union or a street publishes a purchase of services (购买服务)."""

    type: Literal["purchase.published"] = "purchase.published"
    data: PurchaseData


class PurchaseAwarded(Envelope):
    """Emitted when the buyer awards a purchase to an organisation's offer."""

    type: Literal["purchase.awarded"] = "purchase.awarded"
    data: PurchaseData

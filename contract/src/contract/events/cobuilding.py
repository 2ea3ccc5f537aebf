"""The co-building service's events: a resident's concern (诉求) in the red mailbox (红色信箱),
from its submission through the replies and escalations to the resident's rating."""

from __future__ import annotations

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

"""What is sent to put a concern in the red mailbox (红色信箱), to answer one and to rate the answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from contract.events.cobuilding import ConcernKind
from contract.schemas import AREA_PATTERN, ID_PATTERN

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

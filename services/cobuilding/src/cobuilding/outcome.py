"""What a joint meeting's item or a resident's concern was made into: a need, a claim, a project."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Outcome(BaseModel):
    kind: Literal["need", "claim", "project"]
    id: str

"""What the gateway's partner API answers."""

from __future__ import annotations

from pydantic import BaseModel

from gateway.models import ProposalView


class ProposalPage(BaseModel):
    items: list[ProposalView]
    next_cursor: str | None

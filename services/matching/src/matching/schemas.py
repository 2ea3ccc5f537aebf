"""What matching's HTTP API answers."""

from __future__ import annotations

from pydantic import Field

from matching.models import Proposal


class ProposalOut(Proposal):
    """A proposal as the API shows it: all of it but the version it is stored at."""

    version: int = Field(default=1, exclude=True)

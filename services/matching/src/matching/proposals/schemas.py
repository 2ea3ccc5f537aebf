"""What matching's HTTP API answers."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from matching.proposals.models import Proposal


class ProposalOut(Proposal):
    """A proposal as the API shows it: all of it but the version it is stored at (every field
    always there, so the OpenAPI says so)."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)
    version: int = Field(default=1, exclude=True)

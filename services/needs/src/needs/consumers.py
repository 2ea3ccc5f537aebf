"""The events the needs service reacts to, and what it does with them."""

from __future__ import annotations

from contract.events.matching import MatchAccepted, MatchFailed
from needs.needs.service import Needs
from runtime import known_organizations
from runtime.handlers import Handlers
from runtime.known_organizations import KnownOrganizations


def handlers(*, organizations: KnownOrganizations, needs: Needs) -> Handlers:
    return (
        known_organizations.handlers(organizations, members=True)
        .on(MatchAccepted, needs.on_match_accepted)
        .on(MatchFailed, needs.on_match_failed)
    )

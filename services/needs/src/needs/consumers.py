"""The events the needs service reacts to, and what it does with them."""

from __future__ import annotations

from needs.service import Needs
from runtime import known_organizations
from runtime.kafka import Handler
from runtime.known_organizations import KnownOrganizations


def handlers(*, organizations: KnownOrganizations, needs: Needs) -> dict[str, Handler]:
    return {
        **known_organizations.handlers(organizations, members=True),
        "match.accepted": needs.on_match_accepted,
        "match.failed": needs.on_match_failed,
    }

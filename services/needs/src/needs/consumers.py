"""The events the needs service reacts to, and what it does with them."""

from __future__ import annotations

from needs.service import Needs
from shared.kafka import Handler, Idempotent
from shared.known_organizations import KnownOrganizations


def handlers(*, organizations: KnownOrganizations, needs: Needs) -> dict[str, Handler]:
    return {
        "organization.registered": Idempotent(organizations.on_registered),
        "match.accepted": needs.on_match_accepted,
        "match.failed": needs.on_match_failed,
    }

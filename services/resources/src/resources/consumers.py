"""The events the resources service reacts to, and what it does with them."""

from __future__ import annotations

from shared.kafka import Handler, Idempotent
from shared.known_organizations import KnownOrganizations


def handlers(*, organizations: KnownOrganizations) -> dict[str, Handler]:
    return {
        "organization.registered": Idempotent(organizations.on_registered),
    }

"""The events the resources service reacts to, and what it does with them."""

from __future__ import annotations

from contract.events import MatchAccepted, MatchFailed
from resources.bookings import Bookings
from resources.requests import ServiceRequests
from runtime import known_organizations
from runtime.kafka import Handler
from runtime.known_organizations import KnownOrganizations


def handlers(*, organizations: KnownOrganizations, bookings: Bookings, requests: ServiceRequests) -> dict[str, Handler]:
    async def on_match_accepted(event: MatchAccepted) -> None:
        """A venue's accepted match becomes a booking; a service's or lendable's, a request."""
        await bookings.on_match_accepted(event)
        await requests.on_match_accepted(event)

    async def on_match_failed(event: MatchFailed) -> None:
        """The other half of an accepted match was refused: what was made for it is undone."""
        await bookings.on_match_failed(event)
        await requests.on_match_failed(event)

    return {
        **known_organizations.handlers(organizations),
        "match.accepted": on_match_accepted,
        "match.failed": on_match_failed,
    }

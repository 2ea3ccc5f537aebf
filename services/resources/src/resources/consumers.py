"""The events the resources service reacts to, and what it does with them."""

from __future__ import annotations

from contract.events.cobuilding import AgreementEnded, AgreementSigned, PartnersListed
from contract.events.matching import MatchAccepted, MatchFailed
from resources.bookings.service import Bookings
from resources.requests.service import ServiceRequests
from runtime import known_organizations
from runtime.handlers import Handlers
from runtime.known_organizations import KnownOrganizations
from runtime.partners import KnownPartners


def handlers(
    *, organizations: KnownOrganizations, partners: KnownPartners, bookings: Bookings, requests: ServiceRequests
) -> Handlers:
    async def on_match_accepted(event: MatchAccepted) -> None:
        """A venue's accepted match becomes a booking; a service's or lendable's, a request."""
        await bookings.on_match_accepted(event)
        await requests.on_match_accepted(event)

    async def on_match_failed(event: MatchFailed) -> None:
        """The other half of an accepted match was refused: what was made for it is undone."""
        await bookings.on_match_failed(event)
        await requests.on_match_failed(event)

    async def on_signed(event: AgreementSigned) -> None:
        """Its parties are partners now; its venue commitments are booked."""
        await partners.on_agreement(event)
        await bookings.on_agreement_signed(event)

    async def on_ended(event: AgreementEnded) -> None:
        await partners.on_agreement(event)
        await bookings.on_agreement_ended(event)

    return (
        known_organizations.handlers(organizations)
        .on(MatchAccepted, on_match_accepted)
        .on(MatchFailed, on_match_failed)
        .on(AgreementSigned, on_signed, idempotent=True)
        .on(AgreementEnded, on_ended, idempotent=True)
        .on(PartnersListed, partners.on_listed, idempotent=True)
    )

"""Consents to read a balance: a person gives one organisation (a partner) leave to read their
points and hours through the partner API, and withdraws it; only the person does either. The
consent is to that organisation alone, and to the balance alone (not the postings)."""

from __future__ import annotations

from datetime import datetime

from contract.errors import Forbidden, NotFound, Unprocessable
from points.consents.models import Consent
from points.consents.repository import ConsentRepository
from points.ledger.service import may_read
from runtime.actors import Actor, ActorKind
from runtime.known_organizations import OrganizationLookup


def _person(account: str, actor: Actor) -> None:
    """Forbidden unless `account` is the actor's own, a member's or a resident's."""
    kind, _, owner = account.partition(":")
    if kind not in ("member", "resident"):
        raise Unprocessable("consent is given by a person: member:{id} or resident:{id}", field="account")
    own = (kind == "member" and actor.member_id == owner) or (
        kind == "resident" and actor.kind is ActorKind.RESIDENT and actor.resident_id == owner
    )
    if not own:
        raise Forbidden("a consent is given and withdrawn by the person alone", account=account)


class Consents:
    def __init__(self, consents: ConsentRepository, organizations: OrganizationLookup) -> None:
        self.consents = consents
        self.organizations = organizations

    async def grant(self, account: str, organization_id: str, actor: Actor, *, now: datetime) -> Consent:
        """The person lets the organisation read their balance (422 when the registry never
        announced it); given again, it stays one consent."""
        _person(account, actor)
        found = await self.organizations.require(organization_id)
        consent = Consent(
            account=account, organization_id=organization_id, organization_name=found.get("name"), granted_at=now
        )
        await self.consents.put(consent)
        return consent

    async def withdraw(self, account: str, organization_id: str, actor: Actor) -> None:
        """The person takes the consent back; 404 when there was none."""
        _person(account, actor)
        if not await self.consents.remove(account, organization_id):
            raise NotFound(f"{account} gave {organization_id} no consent", organization_id=organization_id)

    async def of_account(self, account: str, actor: Actor) -> list[Consent]:
        """The consents a person gave: for the person and the city's administrators."""
        may_read(account, actor)
        return await self.consents.of_account(account)

    async def allows(self, account: str, actor: Actor) -> bool:
        """Whether the actor is an organisation the account's owner consented to show its balance to."""
        if actor.kind is not ActorKind.ORGANIZATION or actor.organization_id is None:
            return False
        return await self.consents.granted(account, actor.organization_id)

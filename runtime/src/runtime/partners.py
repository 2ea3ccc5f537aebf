"""Who is whose partner, as the co-building service's events tell it: the parties of every
agreement in force (结对共建), and each community's neighbour partner list (近邻合伙人). The
needs, resources and matching services ask it when a need is shown or a venue booked "for
partners" (`contract.eligibility`). Kept in MongoDB, so a restart knows it again, and in memory
for the questions."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from pymongo.asynchronous.database import AsyncDatabase

from contract.events.cobuilding import AgreementEnded, AgreementSigned, AgreementStatus, PartnersListed
from runtime.handlers import Handlers
from runtime.mongo import Document


class Partnered(Protocol):
    def __call__(self, organization_id: str | None, of: str, community: str | None) -> bool: ...


class KnownPartners:
    def __init__(self, db: AsyncDatabase[Document] | None = None) -> None:
        """`db`: where what it learns is kept for the next start; none for a service that replays
        the topic at every start (matching)."""
        self.agreements = db["known_agreements"] if db is not None else None
        self.lists = db["known_partner_lists"] if db is not None else None
        self._parties: dict[str, tuple[set[str], date]] = {}  # of each agreement in force, and its last day
        self._listed: dict[str, set[str]] = {}  # each community's neighbour partners
        self._of: dict[str, dict[str, date]] = {}  # each party's partners, till when

    async def load(self) -> None:
        if self.agreements is None or self.lists is None:
            return
        async for doc in self.agreements.find({"in_force": True}):
            self._parties[doc["_id"]] = (set(doc["parties"]), date.fromisoformat(doc["ends_on"]))
        async for doc in self.lists.find({}):
            self._listed[doc["_id"]] = set(doc["organization_ids"])
        self._index()

    async def on_agreement(self, event: AgreementSigned | AgreementEnded) -> None:
        data = event.data
        in_force = data.status is AgreementStatus.SIGNED
        if self.agreements is not None:
            fields = {"parties": data.parties, "in_force": in_force, "ends_on": data.ends_on.isoformat()}
            await self.agreements.update_one({"_id": data.agreement_id}, {"$set": fields}, upsert=True)
        if in_force:
            self._parties[data.agreement_id] = (set(data.parties), data.ends_on)
        else:
            self._parties.pop(data.agreement_id, None)
        self._index()

    async def on_listed(self, event: PartnersListed) -> None:
        data = event.data
        if self.lists is not None:
            fields = {"organization_ids": data.organization_ids, "version": data.version}
            await self.lists.update_one({"_id": data.community}, {"$set": fields}, upsert=True)
        self._listed[data.community] = set(data.organization_ids)

    def _index(self) -> None:
        found: dict[str, dict[str, date]] = defaultdict(dict)
        for parties, ends_on in self._parties.values():
            for party in parties:
                for other in parties - {party}:
                    found[party][other] = max(ends_on, found[party].get(other, ends_on))
        self._of = dict(found)

    def __call__(self, organization_id: str | None, of: str, community: str | None) -> bool:
        """Whether `organization_id` is a partner of the organisation `of`: a party to an
        agreement in force with it (to its last day), or on the neighbour partner list of `community`."""
        if organization_id is None:
            return False
        listed = community is not None and organization_id in self._listed.get(community[:12], set())
        until = self._of.get(of, {}).get(organization_id)
        return listed or (until is not None and until >= _today())


def _today() -> date:
    """Today in China Standard Time: an agreement's last day is its parties' last as partners."""
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def handlers(known: KnownPartners) -> Handlers:
    """The co-building service's events a service follows to keep `known`."""
    return (
        Handlers()
        .on((AgreementSigned, AgreementEnded), known.on_agreement, idempotent=True)
        .on(PartnersListed, known.on_listed, idempotent=True)
    )


def nobody(organization_id: str | None, of: str, community: str | None) -> bool:
    """No one is anyone's partner (where no partners are known: unit tests)."""
    return False

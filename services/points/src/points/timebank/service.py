"""The time bank's use cases. Minutes only ever move in the ledger, never below an account's
floor: an ask holds its minutes in its own account from the moment it is made (refused when the
asker's balance, less the community's allowed overdraft, cannot pay), so a confirmation and a
cancellation of the same ask can never both pay out."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from contract.bodies.points import AskCreate, GrantCreate
from contract.errors import Conflict, DomainError, Forbidden, NotFound, Unprocessable
from contract.events.points import Unit
from contract.ids import new_id
from points.ledger.models import CITY, Where
from points.ledger.service import Ledger
from points.timebank.models import GRANTED, HELD, RETURNED, SERVED, Ask, AskStatus, Grant
from points.timebank.repository import TimebankRepository
from runtime.actors import Actor, ActorKind

EARLIEST = timedelta(hours=1)  # an ask may be for a moment just past (asked on the spot), no earlier
LATEST = timedelta(days=366)
STALE = timedelta(minutes=1)  # an ask holding longer than this was stopped by a crash


def person_of(actor: Actor) -> str:
    """The account of the person acting, a resident's or a member's; Forbidden for anyone else."""
    if actor.kind is ActorKind.RESIDENT and actor.resident_id:
        return f"resident:{actor.resident_id}"
    if actor.kind is ActorKind.ORGANIZATION and actor.member_id:
        return f"member:{actor.member_id}"
    raise Forbidden("the time bank is for residents and members, each with their own minutes", actor=actor.kind.value)


def _community(code: str | None) -> str:
    if code is None or len(code) < 12 or not code[:12].isdigit():
        raise Unprocessable("an ask names the community it is wanted in (12 digits)", field="area_code")
    return code[:12]


class Timebank:
    def __init__(self, ledger: Ledger, store: TimebankRepository) -> None:
        self.ledger = ledger
        self.store = store
        self._asks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._running: set[str] = set()  # asks a request of this process is still making

    async def ask(self, actor: Actor, body: AskCreate, at: datetime) -> Ask:
        """A resident or member asks for a service: its minutes are held from their account at
        once (Conflict `insufficient_balance` when they, and the community's overdraft, cannot)."""
        asker = person_of(actor)
        area = _community(body.area_code or (actor.area_code if actor.kind is ActorKind.RESIDENT else None))
        if not at - EARLIEST <= body.when <= at + LATEST:
            raise Unprocessable("an ask is for a time to come, within a year", field="when")
        ask = Ask(
            id=new_id(),
            asker=asker,
            name=body.name.strip() or "—",
            what=body.what.strip(),
            when=body.when,
            minutes=body.minutes,
            area_code=area,
            status=AskStatus.HOLDING,
            asked_at=at,
        )
        overdraft = await self.store.overdraft(area)
        self._running.add(ask.id)
        try:
            await self.store.insert_ask(ask)  # first: a crash after it leaves a record to finish or forget
            try:
                await self._move(asker, ask.hold, ask, HELD, at, overdraft=overdraft)
            except DomainError:
                await self.store.forget_ask(ask.id)
                raise
            return await self._opened(ask)
        finally:
            self._running.discard(ask.id)

    async def _opened(self, ask: Ask) -> Ask:
        opened = ask.model_copy(update={"status": AskStatus.OPEN})
        await self._save(opened, was=AskStatus.HOLDING)
        return opened

    async def sweep(self) -> int:
        """Finishes asks left holding for more than `STALE` (run on a schedule)."""
        return await self.reconcile(holding_before=datetime.now(UTC) - STALE)

    async def reconcile(self, *, holding_before: datetime) -> int:
        """Finishes the asks a crash stopped between their steps: one whose minutes were held
        opens, one whose were not is forgotten. How many it finished."""
        finished = 0
        for ask in await self.store.holding(holding_before):
            if ask.id in self._running:
                continue
            if await self.ledger.moved(ask.id, Unit.MINUTES, ask.hold):
                await self._opened(ask)
            else:
                await self.store.forget_ask(ask.id)
            finished += 1
        return finished

    async def take(self, actor: Actor, ask_id: str, name: str, at: datetime) -> Ask:
        """Another resident or member takes an open ask: they will serve it."""
        taker = person_of(actor)
        async with self._asks[ask_id]:
            ask = await self._get(ask_id)
            if ask.asker == taker:
                raise Conflict("one's own ask is served by someone else", field="taker")
            _require(ask, AskStatus.OPEN)
            fields = {
                "status": AskStatus.TAKEN,
                "taker": taker,
                "taker_name": name.strip() or "—",
                "taker_organization_id": actor.organization_id if actor.kind is ActorKind.ORGANIZATION else None,
                "taken_at": at,
            }
            taken = ask.model_copy(update=fields)
            await self._save(taken, was=AskStatus.OPEN)
            return taken

    async def confirm(self, actor: Actor, ask_id: str, at: datetime) -> Ask:
        """The asker confirms the service done: the held minutes go to whoever served it."""
        async with self._asks[ask_id]:
            ask = await self._asker_s(actor, ask_id)
            _require(ask, AskStatus.TAKEN)
            assert ask.taker is not None
            await self._move(ask.hold, ask.taker, ask, SERVED, at)
            done = ask.model_copy(update={"status": AskStatus.DONE, "closed_at": at})
            await self._save(done, was=AskStatus.TAKEN)
            return done

    async def cancel(self, actor: Actor, ask_id: str, at: datetime) -> Ask:
        """The asker cancels before it is done: the held minutes come back to them."""
        async with self._asks[ask_id]:
            ask = await self._asker_s(actor, ask_id)
            _require(ask, AskStatus.OPEN, AskStatus.TAKEN)
            await self._move(ask.hold, ask.asker, ask, RETURNED, at)
            cancelled = ask.model_copy(update={"status": AskStatus.CANCELLED, "closed_at": at})
            await self._save(cancelled, was=ask.status)
            return cancelled

    async def grant(self, actor: Actor, body: GrantCreate, at: datetime) -> Grant:
        """A community's administrator grants minutes, from the city's issuing account, to a person
        who cannot earn them, saying why."""
        if not actor.administers(body.area_code):
            raise Forbidden("minutes are granted by the community's administrator", area_code=body.area_code)
        grant = Grant(
            id=new_id(),
            account=body.account,
            minutes=body.minutes,
            reason=body.reason.strip(),
            area_code=body.area_code,
            at=at,
        )
        where = Where(area_code=grant.area_code, about=grant.reason)
        await self.ledger.move(
            CITY, grant.account, Unit.MINUTES, grant.minutes, cause_id=grant.id, cause_type=GRANTED, at=at, where=where
        )
        await self.store.insert_grant(grant)
        return grant

    async def set_overdraft(self, actor: Actor, area_code: str, minutes: int) -> int:
        """The community's administrator sets how far below zero its people may go to ask."""
        if len(area_code) != 12:
            raise Unprocessable("an overdraft is set for a community (12 digits)", field="area_code")
        community = _community(area_code)
        if not actor.administers(community):
            raise Forbidden("a community's overdraft is set by its administrator", area_code=community)
        await self.store.set_overdraft(community, minutes)
        return minutes

    async def overdraft(self, area_code: str) -> int:
        return await self.store.overdraft(area_code)

    async def open_asks(self, actor: Actor, area_code: str | None, limit: int) -> list[Ask]:
        """The asks waiting for someone, of an area's communities (the visitor's own if none is
        named): for any signed-in person."""
        return await self.store.asks(status=AskStatus.OPEN, area_prefix=area_code or actor.area_code, limit=limit)

    async def mine(self, actor: Actor, limit: int) -> list[Ask]:
        """The asks the acting person made or took, the latest first."""
        return await self.store.asks_of(person_of(actor), limit)

    async def grants(self, actor: Actor, area_code: str, limit: int) -> list[Grant]:
        if not actor.administers(area_code):
            raise Forbidden("an area's grants are read by its administrators", area_code=area_code)
        return await self.store.grants(area_code, limit)

    async def _get(self, ask_id: str) -> Ask:
        ask = await self.store.ask(ask_id)
        if ask is None or ask.status is AskStatus.HOLDING:
            raise NotFound(f"no ask {ask_id!r}")
        return ask

    async def _asker_s(self, actor: Actor, ask_id: str) -> Ask:
        ask = await self._get(ask_id)
        if person_of(actor) != ask.asker:
            raise Forbidden("only the asker confirms or cancels an ask")
        return ask

    async def _save(self, ask: Ask, *, was: AskStatus) -> None:
        if not await self.store.save_ask(ask, was=was):
            raise Conflict("the ask changed meanwhile", status="changed")

    async def _move(self, source: str, to: str, ask: Ask, cause: str, at: datetime, overdraft: int = 0) -> None:
        served_through = ask.taker_organization_id if cause == SERVED else None
        where = Where(area_code=ask.area_code, organization_id=served_through, about=ask.what)
        await self.ledger.move(
            source,
            to,
            Unit.MINUTES,
            ask.minutes,
            cause_id=ask.id,
            cause_type=cause,
            at=at,
            overdraft=overdraft,
            where=where,
        )


def _require(ask: Ask, *allowed: AskStatus) -> None:
    if ask.status not in allowed:
        raise Conflict(f"the ask is {ask.status.value}", status=ask.status.value)

"""The ledger's routes: an account's balance and postings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from contract.events.points import Unit
from points.ledger.models import Movement
from points.ledger.service import Ledger
from runtime.actors import ActorDep
from runtime.app import provided
from runtime.pagination import Cursor, Limit, Page, page_of

router = APIRouter(tags=["ledger"])

LedgerDep = Annotated[Ledger, Depends(provided(Ledger))]


class PostingOut(BaseModel):
    """A movement as one account sees it: what it did to that account, and why."""

    id: str
    amount: int  # negative: taken from the account
    unit: Unit
    counterpart: str
    cause_event_id: str
    cause_type: str
    rule_version: int
    at: datetime


def _seen_from(account: str, movement: Movement) -> PostingOut:
    received = movement.to_account == account
    return PostingOut(
        id=movement.id,
        amount=movement.amount if received else -movement.amount,
        unit=movement.unit,
        counterpart=movement.from_account if received else movement.to_account,
        **movement.model_dump(include={"cause_event_id", "cause_type", "rule_version", "at"}),
    )


@router.get("/accounts/{account}/balance")
async def balance(account: str, ledger: LedgerDep, actor: ActorDep) -> dict[str, object]:
    """An account's points and minutes: for its owner (the organisation, the member, the
    resident) and the platform's and a city's administrators; 403 for anyone else."""
    return ledger.balance(account, actor)


@router.get("/accounts/{account}/postings", response_model=Page[PostingOut])
async def postings(
    account: str, ledger: LedgerDep, actor: ActorDep, cursor: Cursor = None, limit: Limit = 50
) -> dict[str, object]:
    """An account's postings, the newest first, each with its cause and rule version: for the
    same callers as its balance."""
    found = await ledger.postings(account, actor, before=cursor, limit=limit)
    return page_of([_seen_from(account, m) for m in found], limit)

"""The consents' routes: a person gives, lists and withdraws an organisation's leave to read
their balance."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from points.consents.models import Consent
from points.consents.service import Consents
from runtime.actors import ActorDep
from runtime.app import provided
from runtime.params import IdPath

router = APIRouter(tags=["consents"])

ConsentsDep = Annotated[Consents, Depends(provided(Consents))]


@router.get("/accounts/{account}/consents", response_model=list[Consent])
async def list_consents(account: str, consents: ConsentsDep, actor: ActorDep) -> list[Consent]:
    """The organisations a person lets read their balance: for the person and the city's administrators."""
    return await consents.of_account(account, actor)


@router.put("/accounts/{account}/consents/{organization_id}", response_model=Consent)
async def grant(account: str, organization_id: IdPath, consents: ConsentsDep, actor: ActorDep) -> Consent:
    """The person (only) lets the organisation read their balance through the partner API."""
    return await consents.grant(account, organization_id, actor, now=datetime.now(UTC))


@router.delete("/accounts/{account}/consents/{organization_id}", status_code=204)
async def withdraw(account: str, organization_id: IdPath, consents: ConsentsDep, actor: ActorDep) -> Response:
    """The person (only) withdraws the organisation's leave; 404 when it had none."""
    await consents.withdraw(account, organization_id, actor)
    return Response(status_code=204)

"""The volunteer record's routes: a person's record of a period and its certificate (for the
person and the city's administrators), and the check of a certificate's code (public)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from points.ledger.service import CITY_TIME
from points.records.models import CODE_PATTERN, ServiceRecord
from points.records.service import Records
from runtime.actors import ActorDep
from runtime.app import provided

router = APIRouter(tags=["records"])

RecordsDep = Annotated[Records, Depends(provided(Records))]


def _today() -> date:
    return datetime.now(CITY_TIME).date()


def _this_year() -> date:
    return _today().replace(month=1, day=1)


class CertificateAsked(BaseModel):
    """A certificate of the period's record, in the volunteer's name (as the portal knows it)."""

    name: str = Field(min_length=1, max_length=50)
    since: date
    until: date


class CertificateOut(BaseModel):
    """What a certificate certifies (all that its verification page shows)."""

    name: str
    since: date
    until: date
    minutes: int
    services: int
    issued_on: date


class CertificateIssued(CertificateOut):
    code: str
    record: ServiceRecord


@router.get("/accounts/{account}/record", response_model=ServiceRecord)
async def record(
    account: str, records: RecordsDep, actor: ActorDep, since: date | None = None, until: date | None = None
) -> ServiceRecord:
    """A person's volunteer services of a period (this year unless asked; days in the city's
    time, both included): what, where, when, how long, the organisation that recorded each, and
    the totals; for the person and the platform's and a city's administrators."""
    return await records.record(account, actor, since=since or _this_year(), until=until or _today())


@router.post("/accounts/{account}/certificates", response_model=CertificateIssued)
async def certify(account: str, asked: CertificateAsked, records: RecordsDep, actor: ActorDep) -> CertificateIssued:
    """A certificate of a period's record: its verification code, signed over who, the period and
    the totals, and the record it certifies; for the same callers as the record. Nothing is stored."""
    code, certified, made_of = await records.certify(
        account, actor, name=asked.name, since=asked.since, until=asked.until, today=_today()
    )
    return CertificateIssued(code=code, record=made_of, **certified.model_dump(exclude={"account"}))


@router.get("/certificates/{code}", response_model=CertificateOut)
async def check(code: Annotated[str, Path(pattern=CODE_PATTERN)], records: RecordsDep) -> CertificateOut:
    """What a certificate's verification code certifies (the volunteer's name, the period, the
    services and hours); 422 `invalid_certificate` for a code not issued here or changed since.
    Public: a certificate is shown to be checked."""
    return CertificateOut(**records.check(code).model_dump(exclude={"account"}))

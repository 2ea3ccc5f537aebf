"""A volunteer's service record, as the Ministry of Civil Affairs' rules for volunteer service
records (志愿服务记录办法) ask of each service: who served, on what, where, when, how long, and
which organisation recorded it; and the certificate of a period's record, whose verification code
is signed over who, the period and its totals, so anyone holding it can check it was issued here
and nothing of it changed."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract.errors import Unprocessable

CODE_PATTERN = r"^[A-Za-z0-9_-]{16,1200}\.[A-Za-z0-9_-]{22}$"
_MAC_BYTES = 16  # 128 bits: no one forges it by trying


class InvalidCertificate(Unprocessable):
    code = "invalid_certificate"


class ServiceEntry(BaseModel):
    """One service of the record: what (`about`), where (`area_code`), through which organisation
    (the one that recorded it), when, and how many minutes."""

    movement_id: str
    about: str | None
    area_code: str | None
    organization_id: str
    organization_name: str | None
    cause_type: str
    at: datetime
    minutes: int


class ServiceRecord(BaseModel):
    """The services of an account in a period (its days in the city's time, both included), with
    their totals."""

    account: str
    since: date
    until: date
    services: list[ServiceEntry]
    minutes: int
    organizations: int  # how many organisations recorded them


class Certified(BaseModel):
    """What a certificate certifies, and all it says: the volunteer's account and name, the
    period, the services and minutes in it, and the day it was issued."""

    model_config = ConfigDict(frozen=True)

    account: str = Field(alias="a")
    name: str = Field(alias="n", min_length=1, max_length=50)
    since: date = Field(alias="f")
    until: date = Field(alias="t")
    minutes: int = Field(alias="m", ge=0)
    services: int = Field(alias="s", ge=0)
    issued_on: date = Field(alias="i")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(payload: str, secret: bytes) -> str:
    return _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest()[:_MAC_BYTES])


def sign(certified: Certified, secret: bytes) -> str:
    """The verification code: what is certified (compact JSON, base64url), a dot, its HMAC-SHA256."""
    content = json.dumps(certified.model_dump(mode="json", by_alias=True), ensure_ascii=False, separators=(",", ":"))
    payload = _b64(content.encode())
    return f"{payload}.{_mac(payload, secret)}"


def verify(code: str, secret: bytes) -> Certified:
    """What a code certifies; InvalidCertificate when it was not issued here or was changed since."""
    payload, _, given = code.partition(".")
    if not hmac.compare_digest(given.encode(), _mac(payload, secret).encode()):
        raise InvalidCertificate("this verification code is not valid: no certificate was issued with it", field="code")
    try:
        return Certified.model_validate(json.loads(_unb64(payload)))
    except (ValueError, binascii.Error, ValidationError):  # signed but unreadable: an older form
        raise InvalidCertificate("this verification code cannot be read", field="code") from None

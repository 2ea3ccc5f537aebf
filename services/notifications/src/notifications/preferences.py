"""How each person wants to be told, beyond the inbox they always have: a mail address and a
mobile number, per kind of message whether by mail and by SMS, quiet hours when no SMS is sent
(held until they end), and a daily digest in place of a mail each. Also the signed links a mail
carries to turn its kind off without signing in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pymongo.asynchronous.database import AsyncDatabase

from contract.errors import Forbidden
from notifications.models import Channel, Delivery, Message
from notifications.table import KINDS
from runtime.mongo import Document
from runtime.repository import readable

CST = ZoneInfo("Asia/Shanghai")  # the city's clock: quiet hours and the digest hour are read on it
CHANNELS: tuple[Channel, ...] = ("email", "sms")
EMAIL = r"^[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"  # one address, nothing else
MOBILE = r"^1[3-9][0-9]{9}$"  # a mainland mobile number


class Asked(BaseModel):
    """What a person says of how to tell them (`PUT /preferences`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: str | None = Field(default=None, max_length=254, pattern=EMAIL)
    phone: str | None = Field(default=None, pattern=MOBILE)
    off: list[str] = Field(default=[], max_length=len(KINDS) * len(CHANNELS))  # "kind/channel" turned off
    quiet_from: time = time(22, 0)  # no SMS from then ...
    quiet_to: time = time(8, 0)  # ... until then (China Standard Time)
    digest: bool = False  # mails once a day at `digest_at`, together, in place of one each
    digest_at: time = time(18, 0)

    @field_validator("quiet_from", "quiet_to", "digest_at")
    @classmethod
    def _on_the_citys_clock(cls, at: time) -> time:
        if at.tzinfo is not None:
            raise ValueError("a time of day on the city's clock, like 22:00, without a zone")
        return at.replace(second=0, microsecond=0)

    @field_validator("off")
    @classmethod
    def _known(cls, off: list[str]) -> list[str]:
        for entry in off:
            kind, _, channel = entry.partition("/")
            if kind not in KINDS or channel not in CHANNELS:
                raise ValueError(f"{entry!r} is not kind/channel: kinds {', '.join(KINDS)}; channels email, sms")
        return sorted(set(off))

    def at(self, channel: Channel) -> str | None:
        """The address given for the channel."""
        return self.email if channel == "email" else self.phone


class Preferences(Asked):
    """What a person said, and which of their addresses they confirmed: nothing is sent to an
    address until its person opens the link sent to it (`Notifications.confirm`)."""

    email_confirmed: bool = False
    phone_confirmed: bool = False

    def address(self, kind: str, channel: Channel) -> str | None:
        """Where a message of this kind goes by this channel; None when it does not."""
        if f"{kind}/{channel}" in self.off:
            return None
        if channel == "email":
            return self.email if self.email_confirmed else None
        return self.phone if self.phone_confirmed else None

    def confirmed(self, channel: Channel) -> bool:
        return self.email_confirmed if channel == "email" else self.phone_confirmed

    def confirming(self, channel: Channel) -> Preferences:
        """These preferences with the channel's address confirmed."""
        return self.model_copy(update={"email_confirmed" if channel == "email" else "phone_confirmed": True})

    def quiet_until(self, moment: datetime) -> datetime | None:
        """When the quiet hours around `moment` end; None when it is not in them."""
        local = moment.astimezone(CST)
        now, start, end = local.time(), self.quiet_from, self.quiet_to
        quiet = start <= now < end if start <= end else (now >= start or now < end)
        if not quiet:
            return None
        ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        return ends if ends > local else ends + timedelta(days=1)

    def next_digest(self, moment: datetime) -> datetime:
        local = moment.astimezone(CST)
        at = local.replace(hour=self.digest_at.hour, minute=self.digest_at.minute, second=0, microsecond=0)
        return at if at > local else at + timedelta(days=1)


def addressed(message: Message, preferences: Preferences | None, channels: Iterable[Channel], now: datetime) -> Message:
    """The message with its deliveries by each of `channels` (those the platform can send) the
    person has an address for and has not turned off: a mail now or at the digest hour, an SMS
    now or when the quiet hours end."""
    if preferences is None:
        return message
    deliveries = []
    for channel in channels:
        if (to := preferences.address(message.kind, channel)) is None:
            continue
        if channel == "email":
            at = preferences.next_digest(now) if preferences.digest else now
            deliveries.append(Delivery(channel=channel, to=to, next_at=at, digest=preferences.digest))
        else:
            deliveries.append(Delivery(channel=channel, to=to, next_at=preferences.quiet_until(now) or now))
    return message.model_copy(update={"deliveries": deliveries}) if deliveries else message


class PreferenceRepository(Protocol):
    async def get(self, principal: str) -> Preferences | None: ...

    async def of(self, principals: Iterable[str]) -> dict[str, Preferences]:
        """Those of the principals who set any."""
        ...

    async def put(self, principal: str, preferences: Preferences) -> None: ...

    async def turn_off(self, principal: str, entry: str) -> None:
        """Adds `kind/channel` to what the principal turned off (whatever else changes meanwhile)."""
        ...


class MongoPreferenceRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["preferences"]

    async def get(self, principal: str) -> Preferences | None:
        found = await self.collection.find_one({"_id": principal})
        return None if found is None else readable(self.collection.name, found, _preferences)

    async def of(self, principals: Iterable[str]) -> dict[str, Preferences]:
        wanted = list(set(principals))
        if not wanted:
            return {}
        found: dict[str, Preferences] = {}
        async for document in self.collection.find({"_id": {"$in": wanted}}):
            if (preferences := readable(self.collection.name, document, _preferences)) is not None:
                found[document["_id"]] = preferences
        return found

    async def put(self, principal: str, preferences: Preferences) -> None:
        document = preferences.model_dump(mode="json")
        await self.collection.replace_one({"_id": principal}, document, upsert=True)

    async def turn_off(self, principal: str, entry: str) -> None:
        await self.collection.update_one({"_id": principal}, {"$addToSet": {"off": entry}}, upsert=True)


def _preferences(document: Document) -> Preferences:
    return Preferences.model_validate({k: v for k, v in document.items() if k != "_id"})


class Links:
    """Signed links opened without signing in: one that turns a kind of message off by one
    channel for one person (`off`: RFC 8058's one-click unsubscribe posts the same token), one
    that confirms an address its person gave (`confirm`). Neither expires: turning a kind of
    mail off, or confirming the address the link was sent to, is all they can do."""

    def __init__(self, secret: str) -> None:
        self.key = hashlib.sha256(b"links:" + secret.encode()).digest()

    def unsubscribe(self, principal: str, kind: str, channel: Channel) -> str:
        return self._token("off", principal, kind, channel)

    def confirm(self, principal: str, channel: Channel, address: str) -> str:
        return self._token("confirm", principal, channel, address)

    def read_unsubscribe(self, token: str) -> tuple[str, str, Channel]:
        """The principal, kind and channel an unsubscribe token names; Forbidden for any other."""
        principal, kind, channel = self._read(token, "off")
        if kind not in KINDS or channel not in CHANNELS:
            raise _not_ours()
        return principal, kind, "email" if channel == "email" else "sms"

    def read_confirm(self, token: str) -> tuple[str, Channel, str]:
        """The principal, channel and address a confirmation token names; Forbidden for any other."""
        principal, channel, address = self._read(token, "confirm")
        if channel not in CHANNELS:
            raise _not_ours()
        return principal, "email" if channel == "email" else "sms", address

    def _token(self, *parts: str) -> str:
        body = base64.urlsafe_b64encode(json.dumps(parts).encode()).rstrip(b"=")
        return f"{body.decode()}.{self._sign(body)}"

    def _read(self, token: str, purpose: str) -> tuple[str, str, str]:
        body, _, signature = token.partition(".")
        try:
            if hmac.compare_digest(signature.encode(), self._sign(body.encode()).encode()):
                found, principal, first, second = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
                if found == purpose:
                    return str(principal), str(first), str(second)
        except (ValueError, TypeError):
            pass
        raise _not_ours()

    def _sign(self, body: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.key, body, hashlib.sha256).digest()[:18]).decode()


def _not_ours() -> Forbidden:
    return Forbidden("this link was not made by the platform", field="token")

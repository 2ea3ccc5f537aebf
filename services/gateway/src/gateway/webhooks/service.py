"""Webhooks: a partner subscribes a URL, and every event that concerns its organisation is
POSTed there, signed, with retries.

Which events concern an organisation: those whose data names it in any `*organization_id`
field (it posted the need, shared the venue, made the claim, is a side of the proposal...), among
an agreement's parties or as the one a purchase was awarded to.
Each (subscription, event) is one delivery document, written when the event is consumed (its
id is both, so a redelivered event adds nothing) and sent by the deliverer until the partner
answers 2xx, at most `ATTEMPTS` times with growing pauses.

Several gateway processes share the deliveries: a due one is taken by inserting a lease named
by the delivery and the `next_at` it was due at (a unique insert has one winner, where an update
on FerretDB may have several, docs/storage.md), and the winner moves its `next_at` on by
`LEASE`. If the winner dies, the delivery is due again when that runs out, under a new name.
So a partner may, rarely, get a delivery twice: `X-PBS-Delivery` tells them apart.

The body is the event, as on Kafka (CloudEvents JSON). `X-PBS-Signature: t=<unix time>,
v1=<hex>` is HMAC-SHA256, with the subscription's secret, of `<t>.<body>`: a partner recomputes
it and compares, and refuses a `t` too old (a replayed request).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from contract.errors import NotFound
from contract.events import Envelope
from contract.ids import new_id
from gateway.service import Cached
from gateway.webhooks.destinations import Destinations, GuardedResolver, Refused
from gateway.webhooks.schemas import WebhookCreate
from runtime.mongo import Document

log = logging.getLogger(__name__)
ATTEMPTS = 8
PAUSES = (1, 5, 30, 120, 600, 1800, 3600)  # seconds before the 2nd, 3rd, ... attempt
LEASE = timedelta(minutes=2)  # longer than a partner may take to answer (`webhook_timeout_seconds`)
TAKEN_AT_ONCE = 50
SUBSCRIPTIONS_KEPT = 5.0  # seconds another gateway process may take to see a new subscription


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


# what partners are not shown of an event, by the kind of thing it is about: a wish's resident
# is masked for organisations (the wish wall names them by surname only)
PRIVATE = {"wish": frozenset({"resident_id"})}


def for_partners(event: Envelope) -> str:
    """The event as partners receive it (webhooks and the live stream): without what
    organisations may not see of it."""
    hidden = PRIVATE.get(event.type.split(".", 1)[0])
    if not hidden:
        return event.model_dump_json()
    shown = event.model_dump(mode="json")
    shown["data"] = {k: v for k, v in shown["data"].items() if k not in hidden}
    return json.dumps(shown, ensure_ascii=False, separators=(",", ":"))


def organizations_of(event: Envelope) -> set[str]:
    """The organisations an event concerns: every `*organization_id` of its data, the parties of
    an agreement, the organisation a purchase was awarded to."""
    data: dict[str, Any] = event.model_dump()["data"]
    named = {v for k, v in data.items() if k.endswith("organization_id") and isinstance(v, str)}
    parties = {p for p in data.get("parties", []) if isinstance(p, str)}
    awarded = {data["awarded_to"]} if isinstance(data.get("awarded_to"), str) else set()
    return named | parties | awarded


def wanted(types: list[str], event_type: str) -> bool:
    return not types or event_type in types or event_type.split(".", 1)[0] in types


def partner_session(destinations: Destinations, timeout_seconds: float) -> aiohttp.ClientSession:
    """The deliverer's client: names resolved by `GuardedResolver` (no connection to an address a
    webhook may not reach), no proxy from the environment, each delivery within `timeout_seconds`."""
    connector = aiohttp.TCPConnector(resolver=GuardedResolver(destinations), use_dns_cache=False)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout_seconds))


def status_class(status: int) -> str:
    """What the delivery log keeps of an answer: its class ("2xx", "4xx"...), nothing of who gave it."""
    return f"{status // 100}xx"


@dataclass
class Subscribed:
    """The subscriptions of every organisation, and the event types any of them takes (a type,
    or a kind of thing such as "need"), or every type."""

    by_organization: defaultdict[str, list[Document]] = field(default_factory=lambda: defaultdict(list))
    types: set[str] = field(default_factory=set)
    every_type: bool = False


class Webhooks:
    def __init__(self, db: AsyncDatabase[Document], http: aiohttp.ClientSession, destinations: Destinations) -> None:
        self.subscriptions = db["webhooks"]
        self.deliveries = db["webhook_deliveries"]
        self.leases = db["webhook_leases"]
        self.http = http
        self.destinations = destinations
        self.cached = Cached(SUBSCRIPTIONS_KEPT)
        self._wake = asyncio.Event()

    async def subscribe(self, organization_id: str, cmd: WebhookCreate) -> Document:
        """A new subscription; its secret is answered this once. Unprocessable when its URL
        points where a webhook may not (`gateway.webhooks.destinations`)."""
        await self.destinations.check(str(cmd.url))
        subscription = {
            "_id": new_id(),
            "organization_id": organization_id,
            "url": str(cmd.url),
            "types": cmd.types,
            "secret": secrets.token_urlsafe(32),
            "created_at": datetime.now(UTC),
        }
        await self.subscriptions.insert_one(subscription)
        self.cached.forget("subscriptions")
        return subscription

    async def mine(self, organization_id: str) -> list[Document]:
        cursor = self.subscriptions.find({"organization_id": organization_id}, {"secret": 0})
        return [doc async for doc in cursor]

    async def unsubscribe(self, organization_id: str, subscription_id: str) -> None:
        gone = await self.subscriptions.delete_one({"_id": subscription_id, "organization_id": organization_id})
        if gone.deleted_count == 0:
            raise NotFound(f"no webhook {subscription_id!r}")
        self.cached.forget("subscriptions")

    async def wants(self, event_type: str) -> bool:
        """Whether any subscription takes events of this type: the consumer parses no other
        (most of a city's events, members' for one, go to no partner)."""
        subscribed: Subscribed = await self.cached.get("subscriptions", self._subscribed)
        kind = event_type.split(".", 1)[0]
        return subscribed.every_type or event_type in subscribed.types or kind in subscribed.types

    async def on_event(self, event: Envelope) -> None:
        """Queues a delivery of the event to every subscription of the organisations it concerns."""
        subscribed: Subscribed = await self.cached.get("subscriptions", self._subscribed)
        subscriptions = [s for o in organizations_of(event) for s in subscribed.by_organization.get(o, ())]
        queued = False
        for subscription in subscriptions:
            if not wanted(subscription["types"], event.type):
                continue
            delivery = {
                "_id": f"{subscription['_id']}:{event.id}",
                "subscription_id": subscription["_id"],
                "event_type": event.type,
                "body": for_partners(event).encode(),
                "attempts": 0,
                "state": "pending",
                "next_at": datetime.now(UTC),
            }
            with contextlib.suppress(DuplicateKeyError):  # a redelivered event: queued already
                await self.deliveries.insert_one(delivery)
            queued = True
        if queued:
            self._wake.set()

    async def _subscribed(self) -> Subscribed:
        """Every subscription, by organisation, and the types they take: read once for all the
        events of a few seconds, not once an event."""
        subscribed = Subscribed()
        async for subscription in self.subscriptions.find({}):
            subscribed.by_organization[subscription["organization_id"]].append(subscription)
            subscribed.types.update(subscription["types"])
            subscribed.every_type = subscribed.every_type or not subscription["types"]
        return subscribed

    async def deliver_forever(self, poll_seconds: float = 1.0) -> None:
        while True:
            try:
                while await self.deliver_due():
                    pass
            except Exception:
                log.exception("webhook delivery pass failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), poll_seconds)

    async def deliver_due(self) -> int:
        """Takes the deliveries that are due, then sends them together; returns how many it took."""
        due = (
            await self.deliveries.find({"state": "pending", "next_at": {"$lte": datetime.now(UTC)}})
            .sort("next_at", 1)
            .limit(TAKEN_AT_ONCE)
            .to_list()
        )
        taken = [delivery for delivery in due if await self._take(delivery)]
        await asyncio.gather(*(self._send(delivery) for delivery in taken))
        return len(taken)

    async def _take(self, delivery: Document) -> bool:
        """Leases the delivery to this process; False when another has it."""
        now = datetime.now(UTC)
        try:
            await self.leases.insert_one({"_id": f"{delivery['_id']}@{delivery['next_at'].isoformat()}", "at": now})
        except DuplicateKeyError:
            return False
        await self.deliveries.update_one({"_id": delivery["_id"]}, {"$set": {"next_at": now + LEASE}})
        return True

    async def sweep(self) -> int:
        """Forgets leases older than a day (a delivery's are needed only while it is being sent)."""
        gone = await self.leases.delete_many({"at": {"$lt": datetime.now(UTC) - timedelta(days=1)}})
        return gone.deleted_count

    async def _send(self, delivery: Document) -> None:
        subscription = await self.subscriptions.find_one({"_id": delivery["subscription_id"]})
        if subscription is None:
            await self.deliveries.update_one({"_id": delivery["_id"]}, {"$set": {"state": "unsubscribed"}})
            return
        body = bytes(delivery["body"])
        headers = {
            "Content-Type": "application/cloudevents+json",
            "X-PBS-Event": delivery["event_type"],
            "X-PBS-Delivery": delivery["_id"],
            "X-PBS-Signature": sign(subscription["secret"], int(time.time()), body),
        }
        answer = await self._post(subscription["url"], body, headers)
        attempts = delivery["attempts"] + 1
        if answer == "2xx":
            update = {"state": "delivered", "attempts": attempts, "delivered_at": datetime.now(UTC)}
        elif attempts >= ATTEMPTS:
            update = {"state": "failed", "attempts": attempts, "last_answer": answer}
        else:
            pause = timedelta(seconds=PAUSES[min(attempts, len(PAUSES)) - 1])
            update = {"attempts": attempts, "last_answer": answer, "next_at": datetime.now(UTC) + pause}
        await self.deliveries.update_one({"_id": delivery["_id"]}, {"$set": update})

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> str:
        """POSTs a delivery; what came of it as the log keeps it: a status class, "no answer",
        or "refused" when the URL points where a webhook may not (now: names are resolved again)."""
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        with contextlib.suppress(ValueError):  # a name, not an address: the resolver checks it
            if self.destinations.refusal(parts.hostname or "", port) is not None:
                return "refused"
        try:
            async with self.http.post(url, data=body, headers=headers, allow_redirects=False) as response:
                return status_class(response.status)
        except aiohttp.ClientConnectorError as exc:
            return "refused" if isinstance(exc.os_error, Refused) else "no answer"
        except (aiohttp.ClientError, TimeoutError):
            return "no answer"

    async def log_of(self, organization_id: str, subscription_id: str) -> list[Document]:
        """A subscription's deliveries, newest last: what was sent, when, and the class of what
        came back ("2xx", "4xx", "5xx", "no answer", "refused")."""
        if await self.subscriptions.find_one({"_id": subscription_id, "organization_id": organization_id}) is None:
            raise NotFound(f"no webhook {subscription_id!r}")
        cursor = self.deliveries.find({"subscription_id": subscription_id}, {"body": 0})
        return [d async for d in cursor]

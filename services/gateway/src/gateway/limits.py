"""What the partner API protects itself with: a rate limit per key, and `Idempotency-Key`.

Rate limit: a token bucket per API key, `per_minute` tokens a minute up to `burst` saved; a
request with none left answers 429 with `Retry-After` (whole seconds until one is back).

Idempotency: a POST with an `Idempotency-Key` header is answered once; the same key again (with
the same API key) gets the first answer replayed, marked `Idempotent-Replayed: true`, and
nothing is done twice, so a retried request never makes a second need or booking. The key with
another body is a 422; while the first is still being answered, a 409. Answers are kept a day;
server errors, 401 and 429 are not kept, so those may be retried with the same key.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import DomainError
from shared.http import error_response
from shared.mongo import Document

KEEP = timedelta(days=1)
NOT_KEPT = {401, 429}
KEYS_KEPT = 10_000  # buckets kept before the full ones are forgotten


class TooManyRequests(DomainError):
    status_code = 429
    code = "rate_limited"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.details["retry_after"])}


class RateLimiter:
    def __init__(self, per_minute: int, burst: int) -> None:
        self.rate = per_minute / 60
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, when counted)
        self._forget_at = KEYS_KEPT

    def take(self, key_id: str) -> None:
        """Takes one token of the key's bucket, or raises TooManyRequests saying when to retry."""
        moment = time.monotonic()
        tokens, then = self._buckets.get(key_id, (float(self.burst), moment))
        tokens = min(float(self.burst), tokens + (moment - then) * self.rate)
        if tokens < 1:
            self._buckets[key_id] = (tokens, moment)
            wait = max(1, int((1 - tokens) / self.rate + 0.999))
            raise TooManyRequests(f"this API key is limited to {self.rate * 60:g} requests a minute", retry_after=wait)
        self._buckets[key_id] = (tokens - 1, moment)
        if len(self._buckets) > self._forget_at:
            self._forget_full(moment)

    def give_back(self, key_id: str) -> None:
        """Returns the token `take` took (what it was taken for did not count)."""
        if (found := self._buckets.get(key_id)) is not None:
            self._buckets[key_id] = (min(float(self.burst), found[0] + 1), found[1])

    def _forget_full(self, moment: float) -> None:
        """Forgets buckets that have filled up again: a key not seen is a full bucket anyway,
        so keys made up by the thousand (random usernames) do not stay in memory."""
        self._buckets = {
            k: (tokens, then)
            for k, (tokens, then) in self._buckets.items()
            if tokens + (moment - then) * self.rate < self.burst
        }
        self._forget_at = max(KEYS_KEPT, 2 * len(self._buckets))  # not again at every take


class IdempotencyStore:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def begin(self, entry_id: str, fingerprint: str) -> Document | None:
        """Claims the entry for this request; the entry as it is when another request has it."""
        try:
            await self.collection.insert_one(
                {"_id": entry_id, "fingerprint": fingerprint, "state": "pending", "created_at": datetime.now(UTC)}
            )
            return None
        except DuplicateKeyError:
            found = await self.collection.find_one({"_id": entry_id})
            return found or {"fingerprint": fingerprint, "state": "pending"}

    async def finish(self, entry_id: str, status: int, content_type: str, body: bytes) -> None:
        answer = {"state": "done", "status": status, "content_type": content_type, "body": body}
        await self.collection.update_one({"_id": entry_id}, {"$set": answer})

    async def forget(self, entry_id: str) -> None:
        await self.collection.delete_one({"_id": entry_id})

    async def sweep(self) -> int:
        """Forgets answers older than a day."""
        gone = await self.collection.delete_many({"created_at": {"$lt": datetime.now(UTC) - KEEP}})
        return gone.deleted_count


class Idempotency:
    """The ASGI middleware for POSTs under `prefix` (see the module's docstring)."""

    def __init__(self, app: ASGIApp, prefix: str = "/api/v1/") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", ())) if scope["type"] == "http" else {}
        sent_key = headers.get(b"idempotency-key")
        if sent_key is None or scope["method"] != "POST" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        key = sent_key.decode(errors="replace")
        if not 1 <= len(key) <= 255 or not key.isprintable():
            await _refuse(
                scope,
                receive,
                send,
                400,
                "invalid_idempotency_key",
                "an Idempotency-Key is 1 to 255 printable characters",
            )
            return
        body = await _whole_body(receive)
        entry_id = hashlib.sha256(headers.get(b"authorization", b"") + b"\0" + sent_key).hexdigest()
        fingerprint = hashlib.sha256(scope["path"].encode() + b"\0" + scope["query_string"] + b"\0" + body).hexdigest()
        store: IdempotencyStore = scope["app"].state.idempotency
        earlier = await store.begin(entry_id, fingerprint)
        if earlier is not None:
            await _answer_again(earlier, fingerprint, scope, receive, send)
            return
        answer: dict[str, Any] = {"status": 500, "content_type": "application/json", "body": b""}
        recorded = False

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def record() -> None:
            nonlocal recorded
            recorded = True
            if answer["status"] < 500 and answer["status"] not in NOT_KEPT:
                await store.finish(entry_id, answer["status"], answer["content_type"], answer["body"])
            else:
                await store.forget(entry_id)

        async def keep(message: Message) -> None:
            # The answer is kept before its last part goes out: a client that has it and sends
            # the same key again must find it done, not still pending.
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["content_type"] = dict(message.get("headers", ())).get(b"content-type", b"").decode()
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")
                if not message.get("more_body"):
                    await record()
            await send(message)

        try:
            await self.app(scope, replay, keep)
        finally:
            if not recorded:
                answer["status"] = 500
                await record()


async def _whole_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer_again(earlier: Document, fingerprint: str, scope: Scope, receive: Receive, send: Send) -> None:
    if earlier["fingerprint"] != fingerprint:
        message = "this Idempotency-Key was used for another request: use a new key for a new request"
        await _refuse(scope, receive, send, 422, "idempotency_key_reused", message)
    elif earlier["state"] != "done":
        await _refuse(
            scope,
            receive,
            send,
            409,
            "in_progress",
            "the first request with this Idempotency-Key is still being answered",
        )
    else:
        headers = [(b"content-type", earlier["content_type"].encode()), (b"idempotent-replayed", b"true")]
        await send({"type": "http.response.start", "status": earlier["status"], "headers": headers})
        await send({"type": "http.response.body", "body": bytes(earlier["body"])})


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, code: str, message: str) -> None:
    await error_response(status, code, message)(scope, receive, send)

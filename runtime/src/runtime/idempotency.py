"""`Idempotency-Key`: a POST sent again is answered as the first time, and nothing is done twice.

A POST with an `Idempotency-Key` header is answered once for its caller; the same key again from
the same caller gets the first answer replayed, marked `Idempotent-Replayed: true`, so a request
retried after a lost answer (a dropped connection, a timeout, a crash of the client) never makes
a second need, claim or booking. The key with another body is a 422; while the first is still
being answered, a 409. Answers are kept a day; server errors, 401 and 429 are not kept, so those
may be retried with the same key. The gateway's partner API keys it by the partner's API key;
every service by the caller the gateway vouched for (its verified `X-Actor`), so the portal and
the saga may retry safely too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runtime.actors import ALGORITHM
from runtime.http import error_response, read_again
from runtime.mongo import Document

KEEP = timedelta(days=1)
NOT_KEPT = {401, 429}
ABANDONED = timedelta(minutes=2)  # a request still pending this long was cut off with its process

Caller = Callable[[Scope, dict[bytes, bytes]], bytes | None]
"""Who is asking, as bytes the answer is kept under; None: nobody it can name (the request goes
on without a kept answer, and the route refuses it as it refuses any stranger)."""


def by_api_key(scope: Scope, headers: dict[bytes, bytes]) -> bytes | None:
    """The partner's API key, as the gateway's partner API is called."""
    return headers.get(b"authorization")


def by_actor(scope: Scope, headers: dict[bytes, bytes]) -> bytes | None:
    """The caller a service's routes will see: the claims of a verified `X-Actor` (not the token,
    which is signed anew at every request), else the credentials the registry takes."""
    token = headers.get(b"x-actor")
    if token is None:
        credentials = headers.get(b"authorization", b"") + b"\0" + headers.get(b"x-admin-token", b"")
        return credentials if credentials != b"\0" else None
    secret: str = scope["app"].state.settings.actor_secret
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:
        return None
    return repr(sorted((k, str(v)) for k, v in claims.items() if k != "exp")).encode()


class IdempotencyStore:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def begin(self, entry_id: str, fingerprint: str) -> Document | None:
        """Claims the entry for this request; the entry as it is when another request has it.
        One left pending longer than any request lasts (its process died answering it) is
        forgotten, and the request that finds it is answered afresh."""
        entry = {"_id": entry_id, "fingerprint": fingerprint, "state": "pending", "created_at": datetime.now(UTC)}
        for _ in range(2):
            try:
                await self.collection.insert_one(entry)
                return None
            except DuplicateKeyError:
                found = await self.collection.find_one({"_id": entry_id})
            if found is None:
                continue  # forgotten meanwhile: claim it again
            if found["state"] != "pending" or found["created_at"] > datetime.now(UTC) - ABANDONED:
                return found
            await self.collection.delete_one({"_id": entry_id, "state": "pending", "created_at": found["created_at"]})
        return {"fingerprint": fingerprint, "state": "pending"}

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
    """The ASGI middleware for POSTs under `prefix` by a caller `caller` names (see the module's docstring)."""

    def __init__(self, app: ASGIApp, prefix: str = "/", caller: Caller = by_actor) -> None:
        self.app = app
        self.prefix = prefix
        self.caller = caller

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
        caller = self.caller(scope, headers)
        if caller is None:
            await self.app(scope, receive, send)
            return
        body = await _whole_body(receive)
        entry_id = hashlib.sha256(caller + b"\0" + sent_key).hexdigest()
        fingerprint = hashlib.sha256(scope["path"].encode() + b"\0" + scope["query_string"] + b"\0" + body).hexdigest()
        store: IdempotencyStore = scope["app"].state.idempotency
        earlier = await store.begin(entry_id, fingerprint)
        if earlier is not None:
            await _answer_again(earlier, fingerprint, scope, receive, send)
            return
        answer: dict[str, Any] = {"status": 500, "content_type": "application/json", "body": b""}
        recorded = False

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
            await self.app(scope, read_again(body, receive), keep)
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

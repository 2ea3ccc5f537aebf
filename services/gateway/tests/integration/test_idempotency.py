"""`Idempotency-Key` against the real MongoDB-compatible server: an answer is kept before the
client has all of it, so the client's next request with the same key never finds it pending."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from pymongo import AsyncMongoClient
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Message

from runtime.idempotency import Idempotency, IdempotencyStore, by_api_key
from runtime.mongo import Document

pytestmark = pytest.mark.stack


@pytest.fixture
async def store(mongo: AsyncMongoClient[Document]) -> AsyncIterator[IdempotencyStore]:
    name = f"t{uuid4().hex[:12]}_idempotency"
    yield IdempotencyStore(mongo[name]["idempotency"])
    await mongo.drop_database(name)


def partner_app(store: IdempotencyStore) -> Starlette:
    async def post(request: Request) -> JSONResponse:
        status = int(request.query_params["status"])
        return JSONResponse({"made": status < 500}, status_code=status)

    app = Starlette(
        routes=[Route("/api/v1/things", post, methods=["POST"])],
        middleware=[Middleware(Idempotency, prefix="/api/v1/", caller=by_api_key)],
    )
    app.state.idempotency = store
    return app


async def post_and_look(store: IdempotencyStore, status: int) -> tuple[list[Message], Document | None]:
    """POSTs with a key; the answer's messages and the stored entry as it was when the last one left."""
    sent: list[Message] = []
    seen: dict[str, Document | None] = {}

    async def receive() -> Message:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            seen["entry"] = await store.collection.find_one({})

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/things",
        "raw_path": b"/api/v1/things",
        "query_string": f"status={status}".encode(),
        "headers": [(b"idempotency-key", b"order-1"), (b"authorization", b"Bearer k")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    await partner_app(store)(scope, receive, send)
    return sent, seen["entry"]


async def test_an_answer_is_kept_before_the_client_has_it(store: IdempotencyStore) -> None:
    sent, entry = await post_and_look(store, 201)
    assert sent[0]["status"] == 201
    assert entry is not None and entry["state"] == "done" and entry["status"] == 201
    assert bytes(entry["body"]) == b'{"made":true}'


async def test_a_server_error_is_forgotten_before_the_client_has_it(store: IdempotencyStore) -> None:
    sent, entry = await post_and_look(store, 503)
    assert sent[0]["status"] == 503
    assert entry is None  # so the client may retry with the same key at once


async def test_an_entry_its_process_left_pending_is_taken_over_not_a_409_for_a_day(store: IdempotencyStore) -> None:
    cut_off = datetime.now(UTC) - timedelta(minutes=3)
    await store.collection.insert_one({"_id": "left", "fingerprint": "f", "state": "pending", "created_at": cut_off})
    await store.collection.insert_one(
        {"_id": "busy", "fingerprint": "f", "state": "pending", "created_at": datetime.now(UTC)}
    )

    assert await store.begin("left", "f") is None
    assert (await store.begin("busy", "f") or {})["state"] == "pending"
    assert (await store.collection.find_one({"_id": "left"}) or {})["created_at"] > cut_off

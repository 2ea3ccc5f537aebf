"""The HTTP plumbing every service shares, on a small app of its own."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from starlette.types import Message, Receive, Scope, Send

from contract.errors import Conflict
from runtime.http import BodyLimit, NoNulInJson, RequestContext, install_error_handlers


class Thing(BaseModel):
    name: str
    tags: list[str] = []


def _client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/things")
    async def create(thing: Thing) -> dict[str, str]:
        if thing.name == "taken":
            raise Conflict("that name is taken", current="taken")
        return {"name": thing.name}

    app.add_middleware(NoNulInJson)
    app.add_middleware(BodyLimit, max_bytes=1000, exceptions={})
    app.add_middleware(RequestContext)
    return TestClient(app)


class TestBodyLimit:
    def test_a_declared_oversized_body_is_refused_with_413(self) -> None:
        response = _client().post("/things", content=b"x" * 1001, headers={"content-type": "application/json"})
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"

    def test_an_oversized_body_without_content_length_is_refused_too(self) -> None:
        def chunks() -> Iterator[bytes]:
            yield b'{"name": "'
            yield b"x" * 2000
            yield b'"}'

        response = _client().post("/things", content=chunks(), headers={"content-type": "application/json"})
        assert response.status_code == 413

    def test_a_body_within_the_limit_passes(self) -> None:
        assert _client().post("/things", json={"name": "ok"}).json() == {"name": "ok"}


class TestErrors:
    def test_domain_errors_keep_their_status_and_details(self) -> None:
        response = _client().post("/things", json={"name": "taken"})
        assert response.status_code == 409
        assert response.json() == {"error": {"code": "conflict", "message": "that name is taken", "current": "taken"}}

    def test_validation_errors_name_the_field_and_the_reason(self) -> None:
        response = _client().post("/things", json={"name": {"$gt": ""}})
        assert response.status_code == 422
        [field] = response.json()["error"]["fields"]
        assert field["field"] == "body.name" and "string" in field["reason"]

    def test_malformed_json_is_a_400(self) -> None:
        response = _client().post("/things", content=b"{", headers={"content-type": "application/json"})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "malformed_json"


class TestCorrelation:
    def test_a_sent_correlation_id_comes_back_and_a_missing_one_is_made(self) -> None:
        client = _client()
        sent = client.post("/things", json={"name": "a"}, headers={"x-correlation-id": "abc"})
        assert sent.headers["x-correlation-id"] == "abc"
        made = client.post("/things", json={"name": "a"})
        assert len(made.headers["x-correlation-id"]) == 32
        assert json.loads(made.content) == {"name": "a"}


class TestNoNulInJson:
    @pytest.mark.parametrize(
        "content_type",
        [
            "application/json",
            "Application/JSON",
            "APPLICATION/JSON; charset=utf-8",
            "application/x+json",
            "application/merge-patch+json",
            None,
        ],
    )
    def test_a_nul_in_any_text_fastapi_parses_as_json_is_refused_naming_the_field(self, content_type: str) -> None:
        body = json.dumps({"name": "活动室", "tags": ["ok", "a\u0000b"]}).encode()
        headers = {"content-type": content_type} if content_type else {}
        response = _client().post("/things", content=body, headers=headers)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["fields"] == [
            {"field": "body.tags.1", "reason": "text may not hold the NUL character"}
        ]

    @pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16", "utf-32-be"])
    def test_a_nul_in_json_of_another_unicode_encoding_is_refused_too(self, encoding: str) -> None:
        body = '{"name": "a\\u0000"}'.encode(encoding)
        response = _client().post("/things", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422 and response.json()["error"]["fields"][0]["field"] == "body.name"

    def test_a_nul_in_a_key_is_refused_and_an_escaped_backslash_is_no_nul(self) -> None:
        client = _client()
        json_type = {"content-type": "application/json"}
        keyed = client.post("/things", content=b'{"name": "x", "a\\u0000": 1}', headers=json_type)
        assert keyed.status_code == 422 and keyed.json()["error"]["fields"][0]["field"] == "body.a\x00"
        literal = client.post("/things", content=b'{"name": "a\\\\u0000"}', headers=json_type)
        assert literal.status_code == 200 and literal.json() == {"name": "a\\u0000"}

    def test_a_streamed_answer_still_hears_the_client_leave(self) -> None:
        """The body is handed on once: after it, the app hears the client's own messages."""
        seen: list[str] = []

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            for _ in range(3):
                seen.append((await receive())["type"])

        messages = iter([{"type": "http.request", "body": b"", "more_body": False}, {"type": "http.disconnect"}])

        async def client() -> Message:
            return next(messages, {"type": "http.disconnect"})

        asyncio.run(NoNulInJson(app)({"type": "http", "method": "GET", "headers": []}, client, _ignore))
        assert seen == ["http.request", "http.disconnect", "http.disconnect"]


async def _ignore(message: Message) -> None:
    pass

"""HTTP plumbing: request context (correlation id, metrics, access log), body limit, errors."""

from __future__ import annotations

import email.message
import json
import logging
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import Counter, Histogram
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contract.errors import DomainError
from contract.tracing import correlation_id
from runtime.logs import client_address, new_correlation_id

log = logging.getLogger("http")

REQUESTS = Counter("http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram("http_request_seconds", "HTTP request latency", ["method", "route"])


class HttpMiddleware:
    """ASGI middleware for HTTP requests: anything else (the lifespan) passes straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RequestContext(HttpMiddleware):
    """Gives every request a correlation id (kept from `X-Correlation-ID` when sent), times it,
    counts it by route template and logs one line for it."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        sent_id = dict(scope["headers"]).get(b"x-correlation-id", b"").decode()[:64]
        token = correlation_id.set(sent_id or new_correlation_id())
        client = scope.get("client")
        address = client_address.set(client[0] if client else None)
        status = 500
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-correlation-id", (correlation_id.get() or "").encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - start
            route = getattr(scope.get("route"), "path", "unmatched")
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            LATENCY.labels(scope["method"], route).observe(elapsed)
            log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={"fields": {"status": status, "ms": round(elapsed * 1000, 2), "route": route}},
            )
            correlation_id.reset(token)
            client_address.reset(address)


class ReadOnly(HttpMiddleware):
    """A read replica's refusal of every write (503: the writer takes them), before anything is
    read of the request."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] in self.SAFE:
            await self.app(scope, receive, send)
            return
        refusal = error_response(503, "read_replica", "this process answers reads only: send writes to the writer")
        refusal.headers["Retry-After"] = "1"
        await refusal(scope, receive, send)


class BodyLimit(HttpMiddleware):
    """Refuses request bodies over `max_bytes` with 413, whether or not Content-Length is sent."""

    def __init__(self, app: ASGIApp, max_bytes: int, exceptions: Mapping[str, int]) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes
        self.exceptions = exceptions  # path prefix → its own limit

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = next((n for prefix, n in self.exceptions.items() if scope["path"].startswith(prefix)), self.max_bytes)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._too_large(send, limit)
            return
        seen = 0
        refused = False

        async def counting_receive() -> Message:
            nonlocal seen, refused
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit and not refused:
                refused = True
                await self._too_large(send, limit)
            if refused:  # the app sees the client go; whatever it answers is dropped below
                return {"type": "http.disconnect"}
            return message

        async def send_unless_refused(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counting_receive, send_unless_refused)

    async def _too_large(self, send: Send, limit: int) -> None:
        message = f"the request body is over {limit} bytes"
        response = error_response(413, "payload_too_large", message)
        await response({"type": "http"}, _no_body, send)


# JSON's escape for the NUL character, not itself escaped (an odd run of backslashes before it)
_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def parsed_as_json(content_type: str | None) -> bool:
    """Whether FastAPI reads a body of this content type as JSON: none given, or `application/json`
    or `application/…+json` in any spelling (`Application/JSON; charset=utf-8` included)."""
    if not content_type:
        return True
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


def nul_at(value: Any, path: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """Where in a parsed JSON document a text (a key or a value) holds the NUL character, or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        if (key := next((k for k in value if "\x00" in k), None)) is not None:
            return (*path, key)
        items: Iterable[tuple[str | int, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    return next((found for key, inner in items if (found := nul_at(inner, (*path, key))) is not None), None)


class NoNulInJson:
    """Refuses, with 422 naming the field, a JSON body with the NUL character (`\\u0000`) in a text:
    no text of the platform has a use for it, and PostgreSQL, under FerretDB, cannot store it.
    A body counts as JSON by the rule FastAPI parses it by, whatever the spelling of its type."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        content_type = dict(scope.get("headers", ())).get(b"content-type") if scope["type"] == "http" else b"-"
        if content_type is not None and not parsed_as_json(content_type.decode("latin-1")):
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _disconnected, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        # Rare: only then is the body parsed here, to name the field. The escape's bytes are looked
        # for first (the expression, tried at every byte, took ~45 ms of a 1 MB import, the
        # bytes 1 ms). JSON may also come in UTF-16 or UTF-32 (which json.loads reads), where the
        # escape is not these bytes.
        if (b"\\u0000" in body and _NUL.search(body)) or json.detect_encoding(body) != "utf-8":
            try:
                where = nul_at(json.loads(body))
            except ValueError:
                where = None  # not JSON at all: FastAPI says so
            if where is not None:
                field = ".".join(map(str, ("body", *where)))
                refusal = f"{field}: text may not hold the NUL character (\\u0000)"
                fields = [{"field": field, "reason": "text may not hold the NUL character"}]
                await error_response(422, "invalid_request", refusal, fields=fields)(scope, receive, send)
                return

        await self.app(scope, read_again(body, receive), send)


def read_again(body: bytes, receive: Receive) -> Receive:
    """A `receive` for an app after the body was read here: the body once, then the client's own
    messages (a streamed answer waits on them to learn that the client left, and must not be
    handed the body again and again)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _disconnected() -> Message:
    return {"type": "http.disconnect"}


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def error_response(status: int, code: str, message: str, /, **details: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **details}}, status_code=status)


def invalid(errors: Sequence[Any]) -> JSONResponse:
    """The refusal of a request that is not what the route reads, naming each field (`body.title`)."""
    if any(e["type"] == "json_invalid" for e in errors):
        return error_response(400, "malformed_json", "the request body is not valid JSON")
    fields = [{"field": ".".join(str(p) for p in e["loc"]), "reason": e["msg"]} for e in errors]
    summary = "; ".join(f"{f['field']}: {f['reason']}" for f in fields[:5])
    return error_response(422, "invalid_request", summary, fields=fields)


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as `{"error": {"code", "message", ...}}`; domain errors keep their status."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        response = error_response(exc.status_code, exc.code, exc.message, **exc.details)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return invalid(exc.errors())

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return error_response(exc.status_code, "http_error", str(exc.detail))

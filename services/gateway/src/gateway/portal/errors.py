"""The portal's own pages for what goes wrong before a page is made: an address that leads
nowhere, one of the wrong shape, a form too large to take. A browser asking for a page gets it
in the portal's look and the visitor's language, never the services' JSON; the partner API, its
documentation, the probes and the portal's own files answer as they always do."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from gateway.portal.i18n import translate
from gateway.portal.web import language, render, visitor_of
from runtime.http import HttpMiddleware

NOT_PAGES = ("/api/", "/docs", "/redoc", "/openapi.json", "/healthz", "/readyz", "/metrics", "/vendor/", "/static/")
# a query's or form's field, in the words the page shows it by
FIELDS = {
    "area_code": "area",
    "q": "search",
    "free_from": "free_from",
    "free_to": "free_to",
    "day": "day",
    "week": "week",
    "category": "category",
    "cursor": "more",
}


class ErrorPages(HttpMiddleware):
    """A page's error answer, in the portal's look; and a page's query without its empty fields
    (a search form's date left empty is no date to refuse, just no filter)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        if scope["path"].startswith(NOT_PAGES):
            await self.app(scope, receive, send)
            return
        if scope["query_string"]:
            fields = parse_qsl(scope["query_string"].decode(errors="replace"), keep_blank_values=True)
            scope = {**scope, "query_string": urlencode([(k, v) for k, v in fields if v.strip()]).encode()}
        if b"text/html" not in headers.get(b"accept", b""):
            await self.app(scope, receive, send)
            return
        refused: Message | None = None
        body = bytearray()

        async def as_page(message: Message) -> None:
            nonlocal refused
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if message["status"] >= 400 and content_type.startswith(b"application/json"):
                    refused = message
                    return
            elif refused is not None and message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body"):
                    page = await error_page(Request(scope), refused["status"], bytes(body))
                    await page(scope, receive, send)
                return
            await send(message)

        await self.app(scope, receive, as_page)


async def error_page(request: Request, status: int, body: bytes) -> Any:
    """The portal's page for an answer of `status` whose JSON error is `body`."""
    lang = language(request)
    try:
        error = json.loads(body)["error"]
    except (ValueError, KeyError, TypeError):
        error = {}
    fields = [str(f.get("field", "")) for f in error.get("fields", [])]
    if status == 422 and fields and all(f.startswith("path.") for f in fields):
        status = 404  # an address of the wrong shape leads nowhere, as one of the right shape may
    if status == 404:
        title, message = translate("page_not_found", lang), translate("page_not_found_hint", lang)
    elif status == 413:
        title, message = translate("too_large", lang), translate("too_large_hint", lang)
    elif status == 422:
        named = "、".join(dict.fromkeys(_field_word(f, lang) for f in fields)) or "?"
        title, message = translate("bad_address", lang), translate("bad_address_hint", lang).replace("{arg}", named)
    elif status == 405:
        title, message = translate("bad_address", lang), translate("method_not_allowed", lang)
    else:
        title, message = translate("something_wrong", lang), translate("something_wrong_hint", lang)
    visitor = await visitor_of(request)
    return await render(request, "error.html", visitor, status_code=status, status=status, title=title, message=message)


def _field_word(field: str, lang: str) -> str:
    name = field.rpartition(".")[2]
    word = FIELDS.get(name)
    return translate(word, lang) if word else name

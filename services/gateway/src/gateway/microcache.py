"""The public pages everyone asks for, answered again for `CACHE_SECONDS` as they were answered
last, before any routing: the first page and an area's page for visitors not signed in, and
the statistics API, per area and the language it is shown in.

Routing, dependencies and the middleware of a FastAPI request cost this one gateway process
about 0.6 ms; an answer kept here, a few µs. One request makes an answer while the others
asking for it wait for that one; when a kept answer is due, it is made again in the background
while every visitor is given the one kept (none given is older than twice `CACHE_SECONDS`), so
a burst of visitors costs one pass through the gateway and never queues behind the services.
An answer is due again after a random half to whole `CACHE_SECONDS`, so answers made together
(the 184 areas' figures, asked for at once) are not all made again at one moment: that burst of
calls to the services held every visitor up.

A visit with a cookie of its own (a session, a notice to show), any other path or query, and
anything but a 200 without cookies to set always goes the whole way. Answers from here are
counted (`microcache_hits_total`), not logged one by one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
from collections.abc import Callable
from typing import NamedTuple

from prometheus_client import Counter
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)
HITS = Counter("microcache_hits_total", "public answers given again from the micro-cache", ["route"])
CACHEABLE = re.compile(rb"^(/|/areas/[0-9]{6,17}|/api/v1/stats)$")
AREA_QUERY = re.compile(rb"^(area_code=[0-9]{6,12})?$")
WAIT_SECONDS = 10  # for an answer being made, at most, before asking the app too
MOST = 100_000  # answers kept at most (the city has 43,384 nodes, in two languages)


Key = tuple[bytes, bytes, str, bool]  # path, query, language, compressed (gzip)


class Kept(NamedTuple):
    due: float  # when it is made again (time.monotonic())
    until: float  # when it is no longer given
    headers: list[tuple[bytes, bytes]]
    body: bytes


class MicroCache:
    def __init__(
        self,
        app: ASGIApp,
        seconds: float,
        own_cookies: tuple[str, ...],
        lang_cookie: str,
        spoken: Callable[[str | None], str],
    ) -> None:
        self.app = app
        self.seconds = seconds
        self.own_cookies = [name.encode() for name in own_cookies]  # a visitor's page of their own
        self.lang_cookie = lang_cookie
        self.spoken = spoken  # the language a page is made in, for the cookie's value (any value)
        self.kept: dict[Key, Kept] = {}
        self.making: dict[Key, asyncio.Event] = {}  # answers being made meanwhile
        self._refreshes: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        making = self.making.get(key)
        if making is not None and key not in self.kept:  # the first answer is being made: wait for it
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(making.wait(), WAIT_SECONDS)
        kept = self.kept.get(key)
        moment = time.monotonic()
        if kept is not None and kept.until > moment:
            if kept.due <= moment and key not in self.making:
                self._refresh(key, scope)
            HITS.labels("/areas/{code}" if key[0].startswith(b"/areas/") else scope["path"]).inc()  # not one per area
            await send({"type": "http.response.start", "status": 200, "headers": kept.headers})
            await send({"type": "http.response.body", "body": kept.body})
            return
        if key in self.making:
            await self.app(scope, receive, send)
            return
        self.making[key] = asyncio.Event()
        await self._make(key, scope, receive, send)

    async def _make(self, key: Key, scope: Scope, receive: Receive, send: Send) -> None:
        """The app's answer, sent on and kept; those asking for it meanwhile (`making`) wait for it."""
        try:
            await self.app(scope, receive, self._keeping(key, send))
        finally:
            self.making.pop(key).set()

    def _refresh(self, key: Key, scope: Scope) -> None:
        """Makes a due answer again in the background, as the request that found it due asked."""

        async def nothing_more() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def nowhere(message: Message) -> None:
            pass

        async def refresh() -> None:
            try:
                await self._make(key, dict(scope), nothing_more, nowhere)
            except Exception:  # the last answer stays; the next visitor tries again
                log.exception("making %s again failed", scope["path"])

        self.making[key] = asyncio.Event()
        task = asyncio.create_task(refresh())
        self._refreshes.add(task)
        task.add_done_callback(self._refreshes.discard)

    def _key(self, scope: Scope) -> Key | None:
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        path: bytes = scope.get("raw_path") or scope["path"].encode()
        query: bytes = scope["query_string"]
        if not CACHEABLE.match(path) or not AREA_QUERY.match(query) or (path != b"/api/v1/stats" and query):
            return None
        cookie = next((value for name, value in scope["headers"] if name == b"cookie"), b"")
        if any(name in cookie for name in self.own_cookies):
            return None
        chosen = None
        if cookie and self.lang_cookie.encode() in cookie:
            chosen = cookie_parser(cookie.decode("latin-1")).get(self.lang_cookie)
        # Keyed by the language the page is made in, read as the app reads the cookie: any other
        # value of it is a page already kept, not a new entry (nor a way past the cache); and by
        # whether the visitor takes it compressed, as the app answers it.
        accepts = next((value for name, value in scope["headers"] if name == b"accept-encoding"), b"")
        return path, query, self.spoken(chosen), b"gzip" in accepts

    def _keeping(self, key: Key, send: Send) -> Send:
        """`send`, keeping a 200 that sets no cookie to answer again."""
        headers: list[tuple[bytes, bytes]] | None = None
        body = bytearray()

        async def keep(message: Message) -> None:
            nonlocal headers
            if message["type"] == "http.response.start":
                given = list(message.get("headers", []))
                if message["status"] == 200 and not any(name == b"set-cookie" for name, _ in given):
                    headers = [(n, v) for n, v in given if n != b"x-correlation-id"]
            elif headers is not None:
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    if len(self.kept) >= MOST:
                        self._forget_stale()
                    made = time.monotonic()
                    due = made + self.seconds * random.uniform(0.5, 1)
                    self.kept[key] = Kept(due, made + 2 * self.seconds, headers, bytes(body))
            await send(message)

        return keep

    def _forget_stale(self) -> None:
        moment = time.monotonic()
        self.kept = {k: v for k, v in self.kept.items() if v.until > moment}
        if len(self.kept) >= MOST:
            self.kept.clear()

"""The micro-cache in front of the gateway: which answers it gives again, and which never."""

from __future__ import annotations

import asyncio
import random
import string
import time
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from gateway.microcache import MicroCache
from gateway.portal.web import spoken


class CountingApp:
    """An ASGI app that answers `/` and the statistics with how often it was asked."""

    def __init__(self, set_cookie: bool = False, status: int = 200, delay: float = 0) -> None:
        self.calls = 0
        self.set_cookie = set_cookie
        self.status = status
        self.delay = delay

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        await asyncio.sleep(self.delay)
        headers = [(b"content-type", b"text/plain"), (b"x-correlation-id", b"abc")]
        if self.set_cookie:
            headers.append((b"set-cookie", b"pbs_csrf=x"))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": f"answer {self.calls}".encode()})


def client(app: CountingApp, seconds: float = 60) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=cached(app, seconds)), base_url="http://portal")


def cached(app: CountingApp, seconds: float = 60) -> MicroCache:
    return MicroCache(
        app, seconds=seconds, own_cookies=("pbs_session", "pbs_notice"), lang_cookie="lang", spoken=spoken
    )


async def texts(http: httpx.AsyncClient, path: str, n: int = 3, **options: Any) -> list[str]:
    return [(await http.get(path, **options)).text for _ in range(n)]


class TestAnswersGivenAgain:
    @pytest.mark.parametrize("path", ["/", "/areas/350102", "/api/v1/stats", "/api/v1/stats?area_code=350102"])
    async def test_a_public_page_is_made_once_while_it_is_kept(self, path: str) -> None:
        app = CountingApp()
        async with client(app) as http:
            assert await texts(http, path) == ["answer 1"] * 3
            answer = await http.get(path)
        assert app.calls == 1 and "x-correlation-id" not in answer.headers  # an id is one request's

    async def test_each_language_and_area_is_kept_apart(self) -> None:
        app = CountingApp()
        async with client(app) as http:
            await http.get("/api/v1/stats?area_code=350102")
            await http.get("/api/v1/stats?area_code=350103")
            await http.get("/", headers={"Cookie": "lang=en"})
            await http.get("/")
        assert app.calls == 4

    async def test_an_answer_taken_compressed_is_kept_apart_from_one_taken_plain(self) -> None:
        app = CountingApp()
        async with client(app) as http:
            plain = await texts(http, "/", headers={"Accept-Encoding": "identity"})
            compressed = await texts(http, "/", headers={"Accept-Encoding": "gzip, deflate"})
        assert (plain, compressed, app.calls) == (["answer 1"] * 3, ["answer 2"] * 3, 2)

    async def test_a_language_the_portal_does_not_speak_is_the_page_kept_for_chinese(self) -> None:
        app = CountingApp()
        cache = cached(app)
        odd = ["lang=" + "".join(random.choices(string.ascii_letters, k=12)) for _ in range(300)]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=cache), base_url="http://portal") as http:
            for cookie in ["lang=zh", "", *odd, 'lang="x', "lang=en;lang=zh", "lang=en"]:
                await http.get("/", headers={"Cookie": cookie} if cookie else {})
        assert app.calls == 2  # Chinese once, English once
        assert len(cache.kept) == 2

    async def test_visitors_asking_at_once_wait_for_the_one_answer_being_made(self) -> None:
        app = CountingApp(delay=0.1)
        async with client(app) as http:
            answers = await asyncio.gather(*(http.get("/") for _ in range(50)))
        assert app.calls == 1 and {a.text for a in answers} == {"answer 1"}

    async def test_a_kept_answer_due_again_is_made_in_the_background_while_everyone_gets_the_last(self) -> None:
        app = CountingApp(delay=1.0)
        async with client(app, seconds=0.5) as http:  # kept 0.5 s, given up to 1 s: room for a slow machine
            await http.get("/")
            await asyncio.sleep(0.55)
            answers = await asyncio.gather(*(http.get("/") for _ in range(20)))
            assert {a.text for a in answers} == {"answer 1"}  # nobody waited for the next one
            await asyncio.sleep(1.2)
            assert app.calls == 2
            assert (await http.get("/")).text == "answer 2"

    async def test_when_making_it_again_fails_the_last_answer_stays(self) -> None:
        app = CountingApp()
        async with client(app, seconds=0.3) as http:
            await http.get("/")
            app.status = 502
            await asyncio.sleep(0.35)
            assert (await http.get("/")).text == "answer 1"  # and it is made again, refused
            await asyncio.sleep(0.05)
            assert (await http.get("/")).text == "answer 1"
            assert app.calls >= 2

    async def test_answers_made_together_are_not_all_due_again_together(self) -> None:
        cache = MicroCache(CountingApp(), seconds=10, own_cookies=(), lang_cookie="lang", spoken=spoken)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=cache), base_url="http://portal") as http:
            started = time.monotonic()
            await asyncio.gather(*(http.get(f"/api/v1/stats?area_code=3501{n:02}") for n in range(50)))
        dues = [kept.due - started for kept in cache.kept.values()]
        assert len(dues) == 50 and all(5 <= due <= 10.5 for due in dues)
        assert max(dues) - min(dues) > 2  # spread over the second half of the 10 s


class TestAnswersNeverGivenAgain:
    @pytest.mark.parametrize(
        ("path", "cookie"),
        [
            ("/", "lang=en; pbs_session=token"),  # a signed-in visitor's page is their own
            ("/needs", ""),
            ("/", "pbs_notice=saved"),  # a notice for this visitor to see
            ("/?done=saved", ""),
            ("/api/v1/stats?area_code=350102&x=1", ""),
            ("/api/v1/proposals", ""),
        ],
    )
    async def test_for_a_signed_in_visitor_another_path_or_another_query(self, path: str, cookie: str) -> None:
        app = CountingApp()
        async with client(app) as http:
            await texts(http, path, headers={"Cookie": cookie})
        assert app.calls == 3

    async def test_when_the_answer_sets_a_cookie_or_is_not_a_200(self) -> None:
        for app in (CountingApp(set_cookie=True), CountingApp(status=404), CountingApp(status=502)):
            async with client(app) as http:
                await texts(http, "/")
            assert app.calls == 3

    async def test_for_a_post(self) -> None:
        app = CountingApp()
        async with client(app) as http:
            for _ in range(3):
                await http.post("/api/v1/stats")
        assert app.calls == 3

"""The audit log on the real MongoDB-compatible server: chained, append-only, read by operators."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pymongo import AsyncMongoClient

from devkit.testing import PLATFORM, acting, organization
from runtime.actors import Actor, ActorDep, ActorKind
from runtime.app import Infra, create_service_app
from runtime.audit import AuditLog
from runtime.config import ServiceSettings
from runtime.mongo import Document

pytestmark = pytest.mark.stack

SCOPE: dict[str, Any] = {"type": "http", "method": "POST", "headers": [], "client": ("10.1.2.3", 5000)}


def _log(mongo: AsyncMongoClient[Document], settings: ServiceSettings) -> AuditLog:
    collection = mongo[settings.database]["audit"]
    return AuditLog(collection, settings.service_name, actor_secret=settings.actor_secret, admin_token=None)


class TestChain:
    async def test_concurrent_entries_form_one_unbroken_chain_and_a_changed_one_is_found(
        self, settings: ServiceSettings, mongo: AsyncMongoClient[Document]
    ) -> None:
        audit = _log(mongo, settings)
        entries = await asyncio.gather(*(audit.record(SCOPE, "request", status=201) for _ in range(60)))
        assert sorted(e.seq for e in entries) == list(range(1, 61))
        assert await audit.verify() == (60, None)

        collection = mongo[settings.database]["audit"]
        await collection.update_one({"_id": 17}, {"$set": {"actor": "someone else"}})
        assert await audit.verify() == (17, 17)

    async def test_a_removed_entry_breaks_the_chain_where_it_was(
        self, settings: ServiceSettings, mongo: AsyncMongoClient[Document]
    ) -> None:
        audit = _log(mongo, settings)
        for _ in range(5):
            await audit.record(SCOPE, "request", status=200)
        await mongo[settings.database]["audit"].delete_one({"_id": 3})
        assert (await audit.verify())[1] == 3

    async def test_a_second_writer_chains_on_after_the_first(
        self, settings: ServiceSettings, mongo: AsyncMongoClient[Document]
    ) -> None:
        first, second = _log(mongo, settings), _log(mongo, settings)  # as two processes would
        await first.record(SCOPE, "request")
        await second.record(SCOPE, "request")
        await first.record(SCOPE, "request")  # its head is stale: number 2 is taken
        await asyncio.gather(*(log.record(SCOPE, "request") for log in (first, second) for _ in range(10)))
        assert await first.verify() == (23, None)


def _app(settings: ServiceSettings) -> FastAPI:
    router = APIRouter()

    @router.post("/things/{thing_id}", status_code=201)
    async def make(thing_id: str, actor: ActorDep) -> dict[str, str]:
        return {"id": thing_id}

    @asynccontextmanager
    async def wire(app: FastAPI, infra: Infra) -> AsyncIterator[None]:
        yield

    return create_service_app(settings, title="t", routers=[router], wire=wire, topics=[])


class TestOverHttp:
    async def test_a_write_records_its_actor_and_only_operators_read_the_log(self, settings: ServiceSettings) -> None:
        app = _app(settings)
        partner = organization("a" * 32)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("192.0.2.7", 4000))
            async with httpx.AsyncClient(transport=transport, base_url="http://service") as http:
                cid = uuid.uuid4().hex
                made = await http.post("/things/t1", headers={**acting(partner), "X-Correlation-ID": cid})
                assert made.status_code == 201
                await http.post("/things/t2", headers={"X-Actor": "forged"})
                await http.get("/healthz")  # a read: not recorded

                page = await http.get("/audit", headers=acting(PLATFORM))
                assert page.status_code == 200, page.text
                newest, first = page.json()["items"]
                assert (first["actor"], first["method"], first["route"], first["status"]) == (
                    f"organization:{'a' * 32}",
                    "POST",
                    "/things/{thing_id}",
                    201,
                )
                assert (first["client"], first["correlation_id"]) == ("192.0.2.7", cid)
                assert first["actor_claims"]["organization_id"] == "a" * 32
                assert (newest["actor"], newest["status"]) == ("invalid_actor", 401)

                mine = await http.get("/audit", params={"actor": f"organization:{'a' * 32}"}, headers=acting(PLATFORM))
                assert [e["seq"] for e in mine.json()["items"]] == [first["seq"]]
                paged = await http.get("/audit", params={"limit": 1}, headers=acting(PLATFORM))
                after = await http.get(
                    "/audit", params={"limit": 1, "cursor": paged.json()["next_cursor"]}, headers=acting(PLATFORM)
                )
                assert [e["seq"] for e in after.json()["items"]] == [first["seq"]]
                city = Actor(kind=ActorKind.AREA_ADMIN, area_code="350100")
                assert (await http.get("/audit/verify", headers=acting(city))).json()["intact"] is True

                district = Actor(kind=ActorKind.AREA_ADMIN, area_code="350102")
                for refused, status in ((acting(partner), 403), (acting(district), 403), ({}, 401)):
                    assert (await http.get("/audit", headers=refused)).status_code == status
                edge = await http.get("/audit", params={"since": "9999-12-31T23:30:00-14:00"}, headers=acting(PLATFORM))
                assert edge.status_code == 422 and "since" in edge.text
                for method in ("post", "put", "patch", "delete"):
                    assert (await http.request(method, "/audit", headers=acting(PLATFORM))).status_code == 405

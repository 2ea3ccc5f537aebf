"""What is stored is what was validated: a partial update cannot write a null the aggregate
cannot hold, and one bad document in a database never stops a service from starting or its
lists from answering."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pymongo import AsyncMongoClient, MongoClient

from devkit.testing import PLATFORM, PlatformApi, ServiceProcess, TestStack, acting, free_port, organization
from runtime.mongo import Document

pytestmark = pytest.mark.stack

AREA = "350102010001"


@pytest.mark.parametrize("field", ["address", "tags", "name", "contacts"])
async def test_a_null_in_an_organisations_patch_is_refused_naming_the_field(
    field: str, stack: TestStack, http: httpx.AsyncClient, mongo: AsyncMongoClient[Document]
) -> None:
    org = await PlatformApi(stack, http).register_organization("空值测试党支部", AREA)
    stored = mongo[stack.database("organizations")]["organizations"]
    before = await stored.find_one({"_id": org})
    assert before is not None

    response = await http.patch(
        stack.url("organizations") + f"/organizations/{org}",
        json={field: None, "version": before["version"]},
        headers=acting(organization(org)),
    )

    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"][0]["field"] == f"body.{field}"
    assert await stored.find_one({"_id": org}) == before
    assert (await http.get(stack.url("organizations") + "/organizations", params={"limit": 5})).status_code == 200


@pytest.mark.parametrize("field", ["title", "description", "urgency", "quantity", "deadline"])
async def test_a_null_in_a_needs_patch_is_refused_naming_the_field(
    field: str, stack: TestStack, http: httpx.AsyncClient, mongo: AsyncMongoClient[Document]
) -> None:
    api = PlatformApi(stack, http)
    org = await api.register_organization("空值测试社区", AREA)
    need_id = await api.post_need(org, "legal_aid", AREA)
    stored = mongo[stack.database("needs")]["needs"]
    before = await stored.find_one({"_id": need_id}, {"outbox": 0, "outbox_pending": 0})

    response = await http.patch(
        stack.url("needs") + f"/needs/{need_id}", json={field: None}, headers=acting(organization(org))
    )

    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"][0]["field"] == f"body.{field}"
    assert await stored.find_one({"_id": need_id}, {"outbox": 0, "outbox_pending": 0}) == before
    assert (await http.get(stack.url("needs") + "/needs", params={"limit": 5})).status_code == 200


# (service, collection, a document no aggregate could be read from, a list that reads them)
BROKEN = {
    "organizations": ("organizations", {"name": None, "kind": "branch"}, "/organizations"),
    "needs": ("needs", {"title": None, "status": "open"}, "/needs"),
    "resources": ("resources", {"kind": "venue", "name": None}, "/resources"),
    "matching": ("proposals", {"status": "proposed", "score": "high"}, "/proposals"),
    "points": ("movements", {"unit": "points", "amount": "many"}, "/leaderboard"),
}


@pytest.fixture
def own_database(infra: tuple[str, str]) -> Iterator[str]:
    run = f"bad{uuid.uuid4().hex[:6]}"
    yield run
    with MongoClient(infra[1]) as client:
        for name in client.list_database_names():
            if name.startswith(run):
                client.drop_database(name)


@pytest.mark.parametrize("service", list(BROKEN))
def test_a_bad_stored_document_is_skipped_counted_and_logged_not_a_reason_to_stop(
    service: str, own_database: str, infra: tuple[str, str], tmp_path: Path
) -> None:
    collection, broken, listing = BROKEN[service]
    database = f"{own_database}_{service}"
    with MongoClient(infra[1]) as client:
        client[database][collection].insert_one({"_id": "f" * 32, **broken})
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": infra[0],
        "MONGO_URL": infra[1],
        "MONGO_DB": database,
        "TOPIC_PREFIX": f"{own_database}.",
        "HTTP_PORT": str(free_port()),
    }
    process = ServiceProcess(service, int(env["HTTP_PORT"]), env, tmp_path / f"{service}.log")
    process.start()
    try:
        process.wait_ready()
        listed = httpx.get(process.url + listing, headers=acting(PLATFORM), timeout=10)
        metrics = httpx.get(process.url + "/metrics", timeout=10).text
    finally:
        process.stop()
    assert listed.status_code == 200, listed.text
    assert f'stored_documents_unreadable_total{{collection="{collection}"}} 1.0' in metrics
    assert "a stored document is no valid aggregate" in process.log_tail(200)

"""Bad HTTP input gets a 4xx with a clear message and writes nothing, on every service."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, organization
from runtime.mongo import Document

pytestmark = pytest.mark.stack

UNKNOWN_ID = "0" * 32
AREA = "350102009001"

# (service, path, collection, a valid body given the organisation id)
ENDPOINTS = {
    "organizations": (
        "/organizations",
        "organizations",
        lambda org: {"name": "测试党支部", "kind": "branch", "area_code": AREA},
    ),
    "needs": (
        "/needs",
        "needs",
        lambda org: {
            "organization_id": org,
            "title": "法律咨询",
            "category": "legal_aid",
            "area_code": AREA,
            "quantity": 2,
        },
    ),
    "resources": (
        "/resources",
        "resources",
        lambda org: {
            "organization_id": org,
            "kind": "venue",
            "name": "活动室",
            "category": "venue",
            "area_code": AREA,
            "lat": 26.08,
            "lon": 119.3,
            "capacity": 20,
        },
    ),
}

BAD_BODIES: dict[str, tuple[Any, int, str]] = {
    # name: (body, or how to alter the valid one; status; words the message must hold)
    "malformed JSON": (b'{"name": "unterminated', 400, "not valid JSON"),
    "a JSON array": (b"[1, 2]", 422, "valid dictionary"),
    "a $gt operator for a string": ({"area_code": {"$gt": ""}}, 422, "area_code"),
    "a $ne operator for an id": ({"organization_id": {"$ne": None}}, 422, "organization_id"),
    "a wrong type": ({"area_code": 350102}, 422, "area_code"),
    "an unknown field": ({"$where": "sleep(1000)"}, 422, "$where"),
    "a 2 MB body": ({"name": "党" * (2 * 1024 * 1024 // 3)}, 413, "over"),
    "a NUL character in text": ({"name": "活动\u0000室"}, 422, "NUL"),
}


@pytest.fixture(scope="module")
async def org_id(stack: TestStack) -> str:
    async with httpx.AsyncClient(timeout=10) as http:
        return await PlatformApi(stack, http).register_organization("坏输入测试党支部", AREA)


def _body(valid: dict[str, Any], bad: Any) -> bytes:
    if isinstance(bad, bytes):
        return bad
    return json.dumps({**valid, **bad}, ensure_ascii=False).encode()


@pytest.mark.parametrize("service", ENDPOINTS)
@pytest.mark.parametrize("case", BAD_BODIES)
async def test_bad_bodies_are_refused_and_write_nothing(
    service: str,
    case: str,
    org_id: str,
    stack: TestStack,
    http: httpx.AsyncClient,
    mongo: AsyncMongoClient[Document],
) -> None:
    path, collection, valid = ENDPOINTS[service]
    body, status, words = BAD_BODIES[case]
    if service == "organizations" and "organization_id" in str(body):
        body = {"party_parent_id": body["organization_id"]}
        words = "party_parent_id"
    documents = mongo[stack.database(service)][collection]
    before = await documents.count_documents({})

    headers = {"content-type": "application/json", **acting(organization(org_id))}
    response = await http.post(stack.url(service) + path, content=_body(valid(org_id), body), headers=headers)

    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert words in error["message"] or words in json.dumps(error, ensure_ascii=False)
    assert await documents.count_documents({}) == before


@pytest.mark.parametrize("service", ["needs", "resources"])
async def test_an_unknown_organization_is_refused(
    service: str, org_id: str, stack: TestStack, http: httpx.AsyncClient, mongo: AsyncMongoClient[Document]
) -> None:
    path, collection, valid = ENDPOINTS[service]
    documents = mongo[stack.database(service)][collection]
    before = await documents.count_documents({})

    response = await http.post(
        stack.url(service) + path, json=valid(UNKNOWN_ID), headers=acting(organization(UNKNOWN_ID))
    )

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "invalid_reference",
        "message": f"unknown organization '{UNKNOWN_ID}'",
        "field": "organization_id",
    }
    assert await documents.count_documents({}) == before


async def test_an_unknown_parent_organization_is_refused(stack: TestStack, http: httpx.AsyncClient) -> None:
    body = {"name": "孤儿支部", "kind": "branch", "area_code": AREA, "party_parent_id": UNKNOWN_ID}
    response = await http.post(stack.url("organizations") + "/organizations", json=body, headers=acting(PLATFORM))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "party_parent_id"


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("organizations", "/organizations/"),
        ("needs", "/needs/"),
        ("resources", "/resources/"),
        ("matching", "/proposals/"),
    ],
)
async def test_unknown_ids_are_404_with_the_id_named(
    service: str, path: str, stack: TestStack, http: httpx.AsyncClient
) -> None:
    response = await http.get(stack.url(service) + path + UNKNOWN_ID, headers=acting(PLATFORM))
    assert response.status_code == 404
    assert UNKNOWN_ID in response.json()["error"]["message"]


async def test_an_injected_operator_in_a_query_is_refused(stack: TestStack, http: httpx.AsyncClient) -> None:
    response = await http.get(stack.url("needs") + "/needs", params={"organization_id[$ne]": "x", "cursor": "$gt"})
    assert response.status_code == 422
    assert "cursor" in response.json()["error"]["message"]

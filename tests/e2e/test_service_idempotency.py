"""Every service answers a POST sent again with its `Idempotency-Key` as the first time: the
portal and the saga may retry a request whose answer was lost without doing it twice."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from pymongo import AsyncMongoClient

from devkit.testing import PlatformApi, TestStack, acting, organization
from runtime.mongo import Document

pytestmark = pytest.mark.stack

AREA = "350111013001"


async def test_a_need_posted_twice_with_one_key_is_posted_once(
    stack: TestStack, http: httpx.AsyncClient, mongo: AsyncMongoClient[Document]
) -> None:
    org = await PlatformApi(stack, http).register_organization("重试测试社区", AREA)
    body = {"title": f"重试{uuid.uuid4().hex[:6]}", "category": "legal_aid", "area_code": AREA, "quantity": 2}
    url = stack.url("needs") + "/needs"
    key = {"Idempotency-Key": uuid.uuid4().hex}

    # each retry is signed anew, as the gateway signs every call: the caller is what counts
    answers = await asyncio.gather(
        *(http.post(url, json=body, headers={**acting(organization(org)), **key}) for _ in range(5))
    )
    await asyncio.sleep(0.2)
    again = await http.post(url, json=body, headers={**acting(organization(org)), **key})

    made = [a for a in answers if a.status_code == 201]
    assert made and all(a.status_code in (201, 409) for a in answers), [a.text for a in answers]
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == made[0].json()["id"]
    assert await mongo[stack.database("needs")]["needs"].count_documents({"title": body["title"]}) == 1
    other = await http.post(url, json={**body, "quantity": 3}, headers={**acting(organization(org)), **key})
    assert other.status_code == 422
    someone_else = await PlatformApi(stack, http).register_organization("另一个社区", AREA)
    theirs = await http.post(url, json=body, headers={**acting(organization(someone_else)), **key})
    assert theirs.status_code == 201 and theirs.json()["id"] != made[0].json()["id"]  # a key is the caller's own

"""The needs service's routes in process, with fakes of its ports (no Kafka, no database): the
HTTP contract of posting, editing, listing and claiming, who may do each, and bad input. The
same routes run on the real stack in `tests/integration`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from needs.config import Settings
from needs.main import ROUTERS, Ports, ReadModels, build
from needs.needs.view import NeedsView
from runtime.actors import Actor, sign
from runtime.app import routes_app
from runtime.known_organizations import KnownOrganizations

from .fakes import (
    AREA,
    HELPER,
    POSTER,
    SUSPENDED,
    FakeEvaluations,
    FakeKnownOrganizations,
    FakeNeeds,
    FakeProofs,
    FakeRepository,
    org,
)

SETTINGS = Settings()


def acting(actor: Actor) -> dict[str, str]:
    return {"X-Actor": sign(actor, SETTINGS.actor_secret)}


@pytest.fixture
async def http(
    repo: FakeNeeds, organizations: FakeKnownOrganizations, view: NeedsView
) -> AsyncIterator[httpx.AsyncClient]:
    """The service's routes on the parts its composition root builds, here of fakes."""
    read_models = ReadModels(needs=view)
    activities = FakeRepository(read_models.activities.put)
    ports = Ports(repo, FakeRepository(), FakeProofs(), activities, FakeEvaluations(), organizations)
    app = routes_app(SETTINGS, title="Needs", routers=ROUTERS)
    app.state.components.add(*build(ports, read_models, SETTINGS).all())
    app.state.components.add_as(KnownOrganizations, organizations)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://needs") as client:
        yield client


NEED = {"title": "助老陪护", "category": "elderly_care", "area_code": AREA, "quantity": 3}


async def test_a_need_is_posted_listed_and_claimed_over_http(http: httpx.AsyncClient, repo: FakeNeeds) -> None:
    posted = await http.post("/needs", json=NEED, headers=acting(org(POSTER)))
    assert posted.status_code == 201, posted.text
    need_id = posted.json()["id"]

    claimed = await http.post(f"/needs/{need_id}/claims", json={"quantity": 2}, headers=acting(org(HELPER)))
    assert claimed.status_code == 201, claimed.text

    mine = (await http.get("/needs", params={"claimed_by": HELPER}, headers=acting(org(HELPER)))).json()
    assert [n["id"] for n in mine["items"]] == [need_id] and mine["items"][0]["status"] == "partly_claimed"
    assert repo.types() == ["need.posted", "claim.made", "need.updated"]


async def test_who_may_not_write_is_refused_and_nothing_is_stored(http: httpx.AsyncClient, repo: FakeNeeds) -> None:
    assert (await http.post("/needs", json=NEED)).status_code == 401
    assert (await http.post("/needs", json=NEED, headers={"X-Actor": "forged"})).status_code == 401
    suspended = await http.post("/needs", json=NEED, headers=acting(org(SUSPENDED)))
    assert suspended.status_code == 403 and suspended.json()["error"]["status"] == "suspended"
    assert repo.needs == {} and repo.events == []


async def test_bad_input_is_a_4xx_naming_the_field_and_changes_nothing(
    http: httpx.AsyncClient, repo: FakeNeeds
) -> None:
    for body, field in (
        ({**NEED, "quantity": "three"}, "quantity"),
        ({**NEED, "title": {"$gt": ""}}, "title"),
        ({**NEED, "area_code": None}, "area_code"),
    ):
        answer = await http.post("/needs", json=body, headers=acting(org(POSTER)))
        assert answer.status_code == 422 and field in answer.text, answer.text
    posted = (await http.post("/needs", json=NEED, headers=acting(org(POSTER)))).json()
    edited = await http.patch(f"/needs/{posted['id']}", json={"title": None}, headers=acting(org(POSTER)))
    assert edited.status_code == 422 and "title" in edited.text
    assert repo.needs[posted["id"]].title == NEED["title"]
    assert (await http.get("/needs/not-an-id")).status_code in (404, 422)

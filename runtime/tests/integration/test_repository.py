"""The repository against the real MongoDB-compatible server: it writes only what reads back."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import Field, ValidationError
from pymongo import AsyncMongoClient

from contract.aggregates import Versioned
from contract.errors import Conflict
from contract.events import Envelope
from runtime.config import ServiceSettings
from runtime.mongo import Document
from runtime.repository import MongoRepository

pytestmark = pytest.mark.stack


class Note(Versioned):
    title: str
    tags: list[str] = Field(default_factory=list)


class Notes(MongoRepository[Note]):
    model = Note


@pytest.fixture
async def notes(settings: ServiceSettings, mongo: AsyncMongoClient[Document]) -> Notes:
    return Notes(mongo[settings.database]["notes"], on_events=lambda: None)


async def test_a_change_made_past_validation_is_refused_before_anything_is_written(notes: Notes) -> None:
    await notes.add(Note(id="n1", title="会议纪要"), [])
    broken = Note(id="n1", title="会议纪要").model_copy(update={"title": None, "version": 2})

    with pytest.raises(ValidationError):
        await notes.update(broken, expected_version=1)
    with pytest.raises(ValidationError):
        await notes.add(broken.model_copy(update={"id": "n2"}), [])

    stored = await notes.collection.find_one({"_id": "n1"}, {"outbox": 0, "outbox_pending": 0})
    assert stored == {"_id": "n1", "title": "会议纪要", "tags": [], "version": 1}
    assert await notes.collection.count_documents({}) == 1


async def test_a_stored_document_that_is_no_aggregate_is_skipped_by_every_listing(notes: Notes) -> None:
    await notes.add(Note(id="a", title="甲"), [])
    await notes.collection.insert_one({"_id": "b", "title": None, "version": 1})
    await notes.add(Note(id="c", title="丙"), [])

    assert [n.id async for n in notes.all()] == ["a", "c"]
    assert [n.id for n in await notes.page(after=None, limit=10)] == ["a", "c"]
    assert [n.id for n in await notes.page(after=None, limit=2)] == ["a", "c"]  # a full page: there may be more
    assert [n.id for n in await notes.get_many(["a", "b", "c"])] == ["a", "c"]


async def test_two_adds_of_one_id_store_one_and_tell_the_other_it_exists(notes: Notes) -> None:
    results = await asyncio.gather(
        *(notes.add(Note(id="same", title=str(i)), []) for i in range(10)), return_exceptions=True
    )

    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, Conflict) and "exists already" in r.message for r in results if r is not None)
    assert await notes.collection.count_documents({"_id": "same"}) == 1


async def test_the_read_model_is_told_of_what_is_written_and_only_of_that(
    settings: ServiceSettings, mongo: AsyncMongoClient[Document]
) -> None:
    told: list[tuple[str, int, str]] = []

    def tell(note: Note) -> None:
        told.append((note.id, note.version, note.title))

    def retitle(note: Note) -> list[Envelope]:
        note.title = "乙"
        return []

    notes = Notes(mongo[settings.database]["told_notes"], on_events=lambda: None, read_model=tell)
    await notes.add(Note(id="a", title="甲"), [])
    await notes.change("a", retitle, quiet=True)
    assert not await notes.update(Note(id="a", title="丙", version=9), expected_version=1)  # 2 is stored
    assert await notes.insert_many([(Note(id="a", title="旧"), []), (Note(id="b", title="丁"), [])], group="g") == 1

    assert told == [("a", 1, "甲"), ("a", 2, "乙"), ("b", 1, "丁")]  # not the old "a" the bulk write left alone
    told.clear()
    assert await notes.load() == 2 and told == [("a", 2, "乙"), ("b", 1, "丁")]

"""Where micro-wishes and the photos that prove them done are kept."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contract.events import Envelope
from needs.wishes.models import Photo, Proof, Wish
from runtime.mongo import Document
from runtime.repository import MongoRepository


class WishRepository(Protocol):
    async def add(self, wish: Wish, events: Sequence[Envelope]) -> None: ...

    async def get(self, wish_id: str) -> Wish | None: ...

    async def change(
        self, wish_id: str, decide: Callable[[Wish], Sequence[Envelope]]
    ) -> tuple[Wish, list[Envelope]]: ...

    async def page_kept(
        self, keep: Callable[[Wish], bool], *, after: str | None, limit: int, where: Mapping[str, Any] | None = None
    ) -> list[Wish]: ...


class ProofRepository(Protocol):
    async def put(self, content: bytes, content_type: str) -> Proof: ...

    async def get(self, digest: str) -> Photo | None: ...


class MongoWishRepository(MongoRepository[Wish]):
    model = Wish


class ProofStore:
    """Proof photos, one document each, keyed by their SHA-256 (the same photo is kept once)."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def put(self, content: bytes, content_type: str) -> Proof:
        digest = hashlib.sha256(content).hexdigest()
        with contextlib.suppress(DuplicateKeyError):  # kept already
            await self.collection.insert_one({"_id": digest, "content_type": content_type, "data": content})
        return Proof(sha256=digest, content_type=content_type, size=len(content))

    async def get(self, digest: str) -> Photo | None:
        found = await self.collection.find_one({"_id": digest})
        return Photo(bytes(found["data"]), found["content_type"]) if found else None

"""Photos people add (a concern's, a project's): checked by their first bytes and size, kept once
each by their SHA-256."""

from __future__ import annotations

import contextlib
import hashlib
from typing import Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contract.errors import Unprocessable
from runtime.mongo import Document
from runtime.photos import photo_type


class PhotoRepository(Protocol):
    async def put(self, content: bytes, content_type: str) -> str: ...

    async def get(self, digest: str) -> tuple[bytes, str] | None: ...


class PhotoStore:
    """One document each, keyed by its SHA-256 (the same photo is kept once)."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def put(self, content: bytes, content_type: str) -> str:
        digest = hashlib.sha256(content).hexdigest()
        with contextlib.suppress(DuplicateKeyError):  # kept already
            await self.collection.insert_one({"_id": digest, "content_type": content_type, "data": content})
        return digest

    async def get(self, digest: str) -> tuple[bytes, str] | None:
        found = await self.collection.find_one({"_id": digest})
        return (bytes(found["data"]), found["content_type"]) if found else None


def checked(content: bytes, max_bytes: int) -> str:
    """The photo's media type; Unprocessable, naming the field, for one too large or no photo."""
    if len(content) > max_bytes:
        raise Unprocessable(f"the photo is over {max_bytes} bytes", field="photo", size=len(content))
    if (content_type := photo_type(content)) is None:
        raise Unprocessable("the photo must be a JPEG, PNG or WebP image", field="photo")
    return content_type

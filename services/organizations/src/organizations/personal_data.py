"""People's personal data at rest: sealed with AES-256-GCM under a key ring from the settings.

Members' phones and resident identity numbers (居民身份证号码, sensitive personal information
under the Personal Information Protection Law) and organisations' contacts' phones are kept
sealed: `pd1:<key id>:<nonce and ciphertext, base64>`. The first key of the ring seals, every
key of it opens, so a key is rotated by putting a new one first, running `organizations.reseal`
(which seals every document again under it), then dropping the old one. Each sealed value is
bound to its document and field (the additional data of GCM): one copied into another document
or field does not open.

A value that is not sealed (data stored before sealing) reads as it is until resealed; a sealed
one that no key of the ring opens stays sealed as it is, so the document survives a write
unharmed, and is counted on /metrics.

Import rows are recognised as unchanged by a keyed digest (HMAC-SHA256), never by a plain hash
of a row that holds an ID number: the digest cannot be reversed by trying every number.

`SealingRepository` is the base of the repositories that keep such data (organisations and
members): it seals as it writes, opens as it reads, and reseals what is stored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from prometheus_client import Counter
from pymongo.asynchronous.collection import AsyncCollection

from runtime.mongo import Document, document_lock
from runtime.outbox import OutboxRelay
from runtime.repository import A, MongoRepository

log = logging.getLogger(__name__)

PREFIX = "pd1:"
NONCE_BYTES = 12
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
UNREADABLE = Counter("personal_data_unreadable_total", "Sealed personal data no key of the ring opens")

# Development and tests only: the settings refuse them in production.
DEVELOPMENT_KEYS = "dev:ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZC11c2U="
DEVELOPMENT_DIGEST_KEY = "development-digest-key-not-for-production"


def parse_key_ring(text: str) -> list[tuple[str, bytes]]:
    """`id:base64,id:base64,...` → [(id, 32-byte key)], the sealing key first; ValueError naming
    what is wrong (never the key)."""
    ring: list[tuple[str, bytes]] = []
    for number, item in enumerate(part.strip() for part in text.split(",") if part.strip()):
        key_id, _, encoded = item.partition(":")
        if not KEY_ID.match(key_id):
            raise ValueError(f"key {number + 1}: an id of 1 to 16 letters, digits, '-' or '_' before ':'")
        try:
            key = base64.urlsafe_b64decode(encoded.strip() + "=" * (-len(encoded.strip()) % 4))
        except (binascii.Error, ValueError):
            raise ValueError(f"key {key_id!r} is not base64") from None
        if len(key) != 32:
            raise ValueError(f"key {key_id!r} has {len(key)} bytes; AES-256 takes 32")
        if any(key_id == known for known, _ in ring):
            raise ValueError(f"key id {key_id!r} is given twice")
        ring.append((key_id, key))
    if not ring:
        raise ValueError("give at least one key: id:base64 of 32 random bytes")
    return ring


def new_key() -> str:
    """32 random bytes, as the key ring writes them."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


class PersonalData:
    """Seals and opens personal data with the key ring; digests import rows with the digest key."""

    def __init__(self, ring: list[tuple[str, bytes]], digest_key: bytes) -> None:
        self.sealing_id = ring[0][0]
        self._ciphers = {key_id: AESGCM(key) for key_id, key in ring}
        self._sealing = self._ciphers[self.sealing_id]
        self._sealing_prefix = f"{PREFIX}{self.sealing_id}:"
        self._digest_key = digest_key

    def seal(self, value: str, context: str) -> str:
        """`value` sealed under the first key, bound to `context` (collection/document/field).
        The empty value stays empty; an unopenable sealed value is kept as it is."""
        if not value or value.startswith(PREFIX):
            return value
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._sealing.encrypt(nonce, value.encode(), context.encode())
        return self._sealing_prefix + base64.b64encode(nonce + sealed).decode()

    def open(self, stored: str, context: str) -> str:
        """The plain value; one stored plain is given as it is, one no key opens stays sealed."""
        if not stored.startswith(PREFIX):
            return stored
        key_id, _, encoded = stored[len(PREFIX) :].partition(":")
        cipher = self._ciphers.get(key_id)
        try:
            if cipher is None:
                raise InvalidTag
            raw = base64.b64decode(encoded)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()).decode()
        except (InvalidTag, binascii.Error, ValueError):
            UNREADABLE.inc()
            log.error("sealed personal data no key opens", extra={"fields": {"context": context, "key": key_id}})
            return stored

    def is_current(self, stored: str) -> bool:
        """Whether a stored value needs no resealing: empty, or sealed under the sealing key."""
        return not stored or stored.startswith(self._sealing_prefix)

    def digest(self, data: bytes) -> str:
        return hmac.new(self._digest_key, data, hashlib.sha256).hexdigest()

    def is_keyed_digest(self, digest: str) -> bool:
        """An import digest of this kind (a SHA-256 HMAC), not an older plain SHA-1 of the row."""
        return len(digest) == 64


class SealingRepository(MongoRepository[A]):
    """Keeps the aggregates' personal data sealed: sealed as they are written, opened as they are
    read."""

    stored: tuple[str, ...] = ()  # the top-level fields holding personal data
    guards: tuple[str, ...] = ()  # fields that change with every write, besides those

    def __init__(
        self,
        collection: AsyncCollection[Document],
        on_events: Callable[[], None],
        *,
        personal: PersonalData,
        relay: OutboxRelay | None = None,
        read_model: Callable[[A], None] | None = None,
    ) -> None:
        super().__init__(collection, on_events, relay=relay, read_model=read_model)
        self.personal = personal

    def _document(self, aggregate: A) -> Document:
        return self._with(aggregate.id, aggregate.model_dump(exclude={"id"}), self.personal.seal)

    def _load(self, document: Document) -> A:
        return super()._load(self._with(document["_id"], document, self.personal.open))

    def _with(self, document_id: str, fields: Document, change: Callable[[str, str], str]) -> Document:
        """`fields` with each personal value changed by `change(value, context)`: sealed or opened."""
        raise NotImplementedError

    def _values(self, document: Document) -> list[str]:
        raise NotImplementedError

    def stale(self, document: Document) -> bool:
        """Whether a stored document needs writing again: a value plain or sealed under an older
        key, or an import digest that is not keyed."""
        digest = document.get("source_digest", "")
        if digest and not self.personal.is_keyed_digest(digest):
            return True
        return not all(self.personal.is_current(value) for value in self._values(document))

    async def reseal(self, *, batch: int = 500) -> int:
        """Seals again, under the sealing key, every document stored plain or under an older key;
        an import digest that is not keyed is dropped (the next import of that row writes it
        again). A document is written only if it is still as read. How many were written."""
        projection = dict.fromkeys(("source_digest", *self.stored, *self.guards), 1)
        written = 0
        async for document in self.collection.find({}, projection, batch_size=batch):
            if not self.stale(document):
                continue
            resealed = self._with(
                document["_id"], self._with(document["_id"], document, self.personal.open), self.personal.seal
            )
            changes: dict[str, Any] = {name: resealed[name] for name in self.stored if name in resealed}
            if not self.personal.is_keyed_digest(document.get("source_digest") or "0" * 64):
                changes["source_digest"] = ""
            if all(document.get(name) == value for name, value in changes.items()):
                continue  # sealed under a key the ring lacks: kept as it is
            as_read = {k: v for k, v in document.items() if isinstance(v, str | int)}  # _id and the guards
            async with document_lock(self.collection, document["_id"]):
                result = await self.collection.update_one(as_read, {"$set": changes})
            written += result.modified_count
        return written

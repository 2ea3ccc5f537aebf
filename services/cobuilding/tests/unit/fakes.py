"""Fakes of the co-building service's ports, for its unit tests."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cobuilding.concerns.models import Concern
from cobuilding.concerns.repository import AREA_FIELDS
from devkit.fakes import FakeRepository
from runtime.mongo import Document


class FakeConcerns(FakeRepository[Concern]):
    async def overdue(self, moment: datetime) -> list[str]:
        return [c.id for c in self.saved.values() if c.status == "waiting" and c.due_at < moment]

    async def tallies(self, where: Mapping[str, Any]) -> list[Document]:
        found = []
        for concern in self.saved.values():
            document = concern.model_dump() | {f: concern.area_code[:d] for d, f in AREA_FIELDS.items()}
            if all(document.get(k) == v for k, v in where.items()):
                found.append(document)
        return found


class FakePhotos:
    def __init__(self) -> None:
        self.kept: dict[str, tuple[bytes, str]] = {}

    async def put(self, content: bytes, content_type: str) -> str:
        digest = hashlib.sha256(content).hexdigest()
        self.kept[digest] = (content, content_type)
        return digest

    async def get(self, digest: str) -> tuple[bytes, str] | None:
        return self.kept.get(digest)

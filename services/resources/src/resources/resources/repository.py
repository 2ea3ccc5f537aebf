"""Where resources are kept."""

from __future__ import annotations

from resources.resources.models import Resource
from runtime.repository import MongoRepository


class ResourceRepository(MongoRepository[Resource]):
    model = Resource

"""Where service requests are kept."""

from __future__ import annotations

from resources.requests.models import ServiceRequest
from runtime.repository import MongoRepository


class RequestRepository(MongoRepository[ServiceRequest]):
    model = ServiceRequest

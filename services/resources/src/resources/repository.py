"""Where resources, bookings and service requests are kept."""

from __future__ import annotations

from resources.models import Booking, Resource, ServiceRequest
from runtime.repository import MongoRepository


class ResourceRepository(MongoRepository[Resource]):
    model = Resource


class BookingRepository(MongoRepository[Booking]):
    model = Booking


class RequestRepository(MongoRepository[ServiceRequest]):
    model = ServiceRequest

"""Where bookings are kept."""

from __future__ import annotations

from resources.bookings.models import Booking
from runtime.repository import MongoRepository


class BookingRepository(MongoRepository[Booking]):
    model = Booking

"""Where purchases of services are kept."""

from __future__ import annotations

from cobuilding.areas import AreaRepository
from cobuilding.purchases.models import Purchase


class MongoPurchaseRepository(AreaRepository[Purchase]):
    model = Purchase
    indexes = ("status",)

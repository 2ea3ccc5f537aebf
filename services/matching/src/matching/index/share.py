"""Which districts an instance matches in, when several instances share the city."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Share:
    """This instance (0-based) of how many: no two instances ever hold the same need or supply,
    nor expire the same proposal."""

    instance: int = 0
    instances: int = 1

    def owns(self, area_code: str) -> bool:
        """Whether this instance matches in that area: its district's code modulo the number of
        instances is this instance's number."""
        district = int(area_code[:6]) if area_code[:6].isdigit() else 0  # none known: the first instance's
        return district % self.instances == self.instance

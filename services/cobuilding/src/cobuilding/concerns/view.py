"""What the figures count of each concern, kept in memory: every concern this process loaded at
start or wrote since (the repository tells it of each write), so an area's figures are counted
without reading its concerns again."""

from __future__ import annotations

from dataclasses import dataclass

from cobuilding.concerns.models import Concern
from contract.areas import covers
from contract.events.cobuilding import ConcernLevel, ConcernStatus


@dataclass(frozen=True, slots=True)
class Tally:
    area_code: str
    answered: bool
    in_time: bool
    escalated: bool
    stars: int | None


class ConcernTallies:
    def __init__(self) -> None:
        self.tallies: dict[str, Tally] = {}

    def put(self, concern: Concern) -> None:
        self.tallies[concern.id] = Tally(
            area_code=concern.area_code,
            answered=concern.status is not ConcernStatus.WAITING,
            in_time=concern.in_time is True,
            escalated=concern.level is not ConcernLevel.COMMUNITY,
            stars=concern.stars,
        )

    def of(self, node: str) -> list[Tally]:
        """The tallies of the concerns in `node`'s subtree (a city's: every one)."""
        return [t for t in self.tallies.values() if covers(node, t.area_code)]

"""The rules in force: the latest version, seeded at the first start, replaced by a city
administrator with a new version (the old ones stay, named by the movements made under them)."""

from __future__ import annotations

from datetime import UTC, datetime

from contract.errors import Conflict, Forbidden
from points.rules.models import RuleSet, RuleTerms
from points.rules.repository import RuleRepository
from runtime.actors import Actor

SEED = "seed"


class Rules:
    def __init__(self, repository: RuleRepository) -> None:
        self.repository = repository
        self._current: RuleSet | None = None

    async def load(self) -> RuleSet:
        """The latest stored version, the default terms stored as version 1 when there is none."""
        latest = await self.repository.latest()
        if latest is None:
            latest = RuleSet(version=1, made_at=datetime.now(UTC), made_by=SEED)
            if not await self.repository.add(latest):  # another process seeded it meanwhile
                latest = await self.repository.latest()
        assert latest is not None
        self._current = latest
        return latest

    @property
    def current(self) -> RuleSet:
        assert self._current is not None, "the rules are loaded at start"
        return self._current

    async def replace(self, terms: RuleTerms, actor: Actor) -> RuleSet:
        """A new version with `terms`, made by a city's administrator (terms validated already)."""
        if not actor.runs_a_city:
            raise Forbidden("only a city's administrator changes the earning rules", actor=actor.kind.value)
        made = RuleSet(
            **terms.model_dump(),
            version=self.current.version + 1,
            made_at=datetime.now(UTC),
            made_by=str(actor.area_code),
        )
        if not await self.repository.add(made):
            raise Conflict("the rules were changed meanwhile; read them and try again", version=made.version)
        self._current = made
        return made

"""The area tree's use cases: a node added one level below its parent, and found by its code."""

from __future__ import annotations

from contract.errors import Conflict, NotFound, Unprocessable
from organizations.areas.models import LEVEL_DEPTH, AreaNode
from organizations.areas.repository import AreaRepository
from organizations.areas.schemas import AreaNodeCreate
from organizations.view import RegistryView


class Areas:
    def __init__(self, repo: AreaRepository, view: RegistryView) -> None:
        self.repo = repo
        self.view = view

    def check(self, level: str, parent_code: str | None) -> str | None:
        """Why a node cannot join the tree as given, or None."""
        if parent_code is None:
            return None if level == "city" else "only the city has no parent"
        parent = self.view.areas.get(parent_code)
        if parent is None:
            return f"unknown parent area {parent_code!r}"
        if LEVEL_DEPTH[parent.level] + 1 != LEVEL_DEPTH[level]:  # type: ignore[index]
            return f"a {level} cannot be placed under a {parent.level}"
        return None

    async def add(self, cmd: AreaNodeCreate) -> AreaNode:
        """Adds a node under its parent, one level below it."""
        if cmd.code in self.view.areas:
            raise Conflict(f"area {cmd.code!r} exists already", field="code")
        if problem := self.check(cmd.level, cmd.parent_code):
            raise Unprocessable(problem, field="parent_code")
        node = AreaNode(id=cmd.code, **cmd.model_dump(exclude={"code"}))
        await self.repo.add(node, [])
        return node

    def get(self, code: str) -> AreaNode:
        """One node, or NotFound."""
        if code not in self.view.areas:
            raise NotFound(f"no area {code!r}")
        return self.view.areas[code]

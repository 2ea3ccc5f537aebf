"""Places in words: an area's code shown as 鼓楼区·鼓东街道·树兜社区, and a place typed by name
(鼓楼) found among the city's districts, streets and communities.

The registry's names are learnt as pages need them (one `/areas/{code}/path` per code never seen,
kept for the life of the process: a node's name hardly ever changes) and the index of names to
search is read whole when first searched and again after `INDEX_SECONDS`.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, NamedTuple

from gateway.upstreams import Upstream

INDEX_SECONDS = 600
SEARCHED = ("district", "street", "community")  # the levels a typed name is looked for among


class Node(NamedTuple):
    code: str
    name: str
    name_en: str
    level: str


class Places:
    def __init__(self, organizations: Upstream, city_code: str) -> None:
        self._registry = organizations
        self._city = city_code
        # code → the nodes from below the city down to it; None: no such node
        self._paths: dict[str, tuple[Node, ...] | None] = {}
        self._asking: dict[str, asyncio.Task[None]] = {}
        self._index: list[Node] = []
        self._index_read = -float(INDEX_SECONDS)

    async def label(self, code: str | None, lang: str = "zh") -> str:
        """The place in words, from its district down (the code itself for a node the registry
        does not know)."""
        if not code:
            return ""
        if code not in self._paths:
            await self._learn(code)
        path = self._paths.get(code)
        if not path:
            return code
        return "·".join(node.name if lang == "zh" else (node.name_en or node.name) for node in path)

    async def find(self, text: str) -> str | None:
        """The code of the district, street or community named `text` (a code as it is); the
        one whose whole name it is first, then the highest level whose name holds it."""
        text = text.strip()
        if text.isdigit():
            return text
        if time.monotonic() - self._index_read > INDEX_SECONDS:
            await self._read_index()
        lowered = text.lower()
        named = [n for n in self._index if lowered in (n.name.lower(), n.name_en.lower())]
        holding = [n for n in self._index if lowered in n.name.lower() or lowered in n.name_en.lower()]
        found = named or holding
        return min(found, key=lambda n: (len(n.code), n.code)).code if found else None

    async def _learn(self, code: str) -> None:
        if code not in self._asking:  # pages asking for the same code at once wait for one answer
            self._asking[code] = asyncio.create_task(self._ask(code))
        try:
            await self._asking[code]
        finally:
            self._asking.pop(code, None)

    async def _ask(self, code: str) -> None:
        found = await self._registry.find(f"/areas/{code}/path")
        if found is None:
            self._paths[code] = None
            return
        below = tuple(_node(n) for n in found if n["level"] != "city")
        for depth in range(1, len(below) + 1):
            self._paths[below[depth - 1].code] = below[:depth]
        self._paths.setdefault(code, below)

    async def _read_index(self) -> None:
        nodes: list[Node] = []
        for level in SEARCHED:
            cursor: str | None = None
            while True:
                params = {"level": level, "limit": 200, **({"cursor": cursor} if cursor else {})}
                page = await self._registry.get(f"/areas/{self._city}/subtree", params=params)
                nodes += [_node(n) for n in page["items"]]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
        self._index, self._index_read = nodes, time.monotonic()


def _node(found: dict[str, Any]) -> Node:
    return Node(found["code"], found["name"], found.get("name_en") or "", found["level"])

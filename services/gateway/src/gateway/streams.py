"""Server-sent events to whoever keeps a stream open, by key (an organisation, a person). Every
gateway process reads the events it streams from the topics' tail (no consumer group), so
whichever process a stream reaches sends all of its events; nothing is kept for a key with no
stream open."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

from contract.events import Envelope


class Streams:
    def __init__(self, written: Callable[[Envelope], str], size: int) -> None:
        self.written = written  # an event as one server-sent event
        self.size = size  # events a stream may fall behind by; a stream further behind loses them
        self.listeners: defaultdict[str, set[asyncio.Queue[Envelope]]] = defaultdict(set)

    def listening(self) -> bool:
        """Whether any stream is open: when none is, the events are not even read."""
        return bool(self.listeners)

    def tell(self, key: str, event: Envelope) -> None:
        for queue in self.listeners.get(key, ()):
            with contextlib.suppress(asyncio.QueueFull):  # a reader too slow loses events, not the others
                queue.put_nowait(event)

    async def stream(self, key: str, *, until: datetime | None = None, keep_alive: float = 15.0) -> AsyncIterator[str]:
        """The key's events from now on, with a comment every `keep_alive` seconds of silence,
        until `until` (a session's end) if given."""
        queue: asyncio.Queue[Envelope] = asyncio.Queue(maxsize=self.size)
        self.listeners[key].add(queue)
        try:
            yield ": connected\n\n"
            while until is None or datetime.now(UTC) < until:
                try:
                    event = await asyncio.wait_for(queue.get(), keep_alive)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield self.written(event)
        finally:
            self.listeners[key].discard(queue)
            if not self.listeners[key]:
                del self.listeners[key]

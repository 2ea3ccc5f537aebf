"""The live stream: an organisation's events as they happen, as server-sent events."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator

from contract.events import Envelope
from gateway.webhooks.service import for_partners, organizations_of


class LiveEvents:
    """The organisation's events as they happen, as server-sent events, for partners who keep a
    connection open. Every gateway process reads every event (the topics' tail, no consumer
    group: `Reading.TAIL`), so whichever process a partner reaches streams all of its events.
    Nothing is kept for a partner not connected: webhooks are for that."""

    def __init__(self) -> None:
        self.listeners: defaultdict[str, set[asyncio.Queue[Envelope]]] = defaultdict(set)

    async def on_event(self, event: Envelope) -> None:
        for organization_id in organizations_of(event):
            for queue in self.listeners.get(organization_id, ()):
                with contextlib.suppress(asyncio.QueueFull):  # a reader too slow loses events, not the others
                    queue.put_nowait(event)

    async def stream(self, organization_id: str, keep_alive: float = 15.0) -> AsyncIterator[str]:
        queue: asyncio.Queue[Envelope] = asyncio.Queue(maxsize=1000)
        self.listeners[organization_id].add(queue)
        try:
            yield ": connected\n\n"
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), keep_alive)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield f"id: {event.id}\nevent: {event.type}\ndata: {for_partners(event)}\n\n"
        finally:
            self.listeners[organization_id].discard(queue)

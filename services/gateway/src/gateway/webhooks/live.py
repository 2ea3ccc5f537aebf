"""The live stream: an organisation's events as they happen, as server-sent events."""

from __future__ import annotations

from collections.abc import AsyncIterator

from contract.events import Envelope
from gateway.streams import Streams
from gateway.webhooks.service import for_partners, organizations_of


class LiveEvents:
    """The organisation's events as they happen, as server-sent events, for partners who keep a
    connection open. Every gateway process reads every event (the topics' tail, no consumer
    group: `Reading.TAIL`), so whichever process a partner reaches streams all of its events.
    Nothing is kept for a partner not connected: webhooks are for that."""

    def __init__(self) -> None:
        self.streams = Streams(lambda e: f"id: {e.id}\nevent: {e.type}\ndata: {for_partners(e)}\n\n", size=1000)

    async def on_event(self, event: Envelope) -> None:
        for organization_id in organizations_of(event):
            self.streams.tell(organization_id, event)

    def stream(self, organization_id: str) -> AsyncIterator[str]:
        return self.streams.stream(organization_id)

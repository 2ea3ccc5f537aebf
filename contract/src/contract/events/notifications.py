"""The notifications service's events: a message stored in someone's inbox, so that a portal page
the person has open shows it at once."""

from __future__ import annotations

from typing import Literal

from contract.events.base import Data, Envelope


class MessageStoredData(Data):
    message_id: str
    recipient: str  # `organization:{id}`, `member:{id}` or `resident:{id}`
    kind: str  # the kind of message (claim, wish, booking, service_request, proposal, reminder)


class MessageStored(Envelope):
    """Emitted when a message is first stored in its recipient's inbox."""

    type: Literal["message.stored"] = "message.stored"
    data: MessageStoredData

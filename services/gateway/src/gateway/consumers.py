"""The gateway consumes no events yet; live updates to browsers will start here."""

from runtime.kafka import Handler

HANDLERS: dict[str, Handler] = {}

"""The registry consumes no events: it is where organisations come from."""

from shared.kafka import Handler

HANDLERS: dict[str, Handler] = {}

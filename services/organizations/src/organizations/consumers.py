"""The registry consumes no events: it is where organisations come from."""

from runtime.kafka import Handler

HANDLERS: dict[str, Handler] = {}

"""The correlation id of the work in hand: set from a request's `X-Correlation-ID` or an event's
`correlationid`, carried by every event made meanwhile and by every log line."""

from __future__ import annotations

from contextvars import ContextVar

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)

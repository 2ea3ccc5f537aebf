"""What a service does with each kind of event it consumes: a table keyed by the event's class,
so the type checker holds every handler against the events it is given."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, overload

from contract.events import Envelope
from runtime.kafka import Batched, Handler, Idempotent

A = TypeVar("A", bound=Envelope)
B = TypeVar("B", bound=Envelope)
C = TypeVar("C", bound=Envelope)
D = TypeVar("D", bound=Envelope)


class Handlers(Mapping[str, Handler]):
    """Handlers by event class (`Handlers().on(MatchAccepted, needs.on_match_accepted)`, or one
    handler for several: `.on((ClaimCompleted, ClaimReleased), projection.on_claim_ended)`), read by
    the consumers as a mapping of `type` to handler; an event type has one handler at most."""

    def __init__(self) -> None:
        self._by_type: dict[str, Handler] = {}

    @overload
    def on(self, events: type[A], handler: Callable[[A], Awaitable[None]], *, idempotent: bool = ...) -> Handlers: ...

    @overload
    def on(
        self, events: tuple[type[A], type[B]], handler: Callable[[A | B], Awaitable[None]], *, idempotent: bool = ...
    ) -> Handlers: ...

    @overload
    def on(
        self,
        events: tuple[type[A], type[B], type[C]],
        handler: Callable[[A | B | C], Awaitable[None]],
        *,
        idempotent: bool = ...,
    ) -> Handlers: ...

    @overload
    def on(
        self,
        events: tuple[type[A], type[B], type[C], type[D]],
        handler: Callable[[A | B | C | D], Awaitable[None]],
        *,
        idempotent: bool = ...,
    ) -> Handlers: ...

    def on(self, events: Any, handler: Handler, *, idempotent: bool = False) -> Handlers:
        """Runs `handler` for each of `events`; `idempotent`: its effect is the same however often
        it runs (an upsert of what the event says), so the consumer need not remember which
        events it handled."""
        for event_class in events if isinstance(events, tuple) else (events,):
            self._add(event_class.model_fields["type"].default, Idempotent(handler) if idempotent else handler)
        return self

    def batched(
        self, events: tuple[type[Envelope], ...], handler: Callable[[Sequence[Any]], Awaitable[None]]
    ) -> Handlers:
        """Hands `handler` each run of consecutive events of `events` on a partition at once, in
        order (`runtime.kafka.Batched`); it must be idempotent, like `on(..., idempotent=True)`."""
        batched = Batched(handler)
        for event_class in events:
            self._add(event_class.model_fields["type"].default, batched)
        return self

    def including(self, other: Mapping[str, Handler]) -> Handlers:
        """These handlers and `other`'s."""
        for event_type, handler in other.items():
            self._add(event_type, handler)
        return self

    def _add(self, event_type: str, handler: Handler) -> None:
        if event_type in self._by_type:
            raise ValueError(f"{event_type} has a handler already")
        self._by_type[event_type] = handler

    def __getitem__(self, event_type: str) -> Handler:
        return self._by_type[event_type]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_type)

    def __len__(self) -> int:
        return len(self._by_type)

"""Long work on the event loop in slices: a service answers its health checks, its HTTP clients
and Kafka's heartbeats only when its loop is free, so a loop that computes for seconds is a
service that is down (and a consumer group that rebalances). Work that loops over many items
asks its `Pacer` after each one; the pacer hands the loop back once a slice has been used up."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
SLICE_SECONDS = 0.02  # well below the ~100 ms a caller of /healthz may wait
YOUNG_OBJECTS = 10_000  # objects made (less those freed) between two collections of the youngest


class Pacer:
    """Yields to the event loop at most every `slice_seconds` of work."""

    def __init__(self, slice_seconds: float = SLICE_SECONDS) -> None:
        self.slice_seconds = slice_seconds
        self._since = time.perf_counter()

    async def pace(self) -> None:
        """Returns at once while the slice lasts; past it, lets everything else waiting run first."""
        if time.perf_counter() - self._since >= self.slice_seconds:
            await asyncio.sleep(0)
            self._since = time.perf_counter()


async def paced(steps: Generator[None, None, T], pacer: Pacer | None = None) -> T:
    """Takes a computation's steps (a generator that yields between them and returns its
    result), handing the event loop back between slices of them."""
    pacer = pacer or Pacer()
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: T = done.value
            return result
        await pacer.pace()


def collect_less_often() -> None:
    """The collector looks at the youngest objects once `YOUNG_OBJECTS` have been made, not 700
    (Python's default): a service handling a run of events or a bulk request makes thousands
    of objects that live until it ends, which a collection every 700 looked at again and again,
    and moved on to the older generations to be looked at there too. During a city's load, a
    fifth to a quarter of the needs and resources services' CPU was the collector's (`perf`);
    a model's validation and dump in a loop takes 30% less time with 10,000."""
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


def settle() -> None:
    """Takes what is alive now out of the collector's full passes, at a point where what is
    alive is the service's long-lived state (its index rebuilt, a batch of proposals stored).
    A full collection looks at every object with the event loop stopped: at the city's size,
    hundreds of thousands of them, hundreds of ms to seconds each time; afterwards it looks
    only at what came since. The young generations are collected first (a few ms), so what
    is frozen is what survived them; what dies later is freed by its reference count as
    before (only a cycle among such objects would stay)."""
    gc.collect(1)
    gc.freeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection meanwhile: (un)pickling a city's read model or importing a city
    makes millions of objects, each of which would count towards a collection that finds nothing
    to free (loading a snapshot takes a third of the time without)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def long_lived() -> Iterator[None]:
    """Work that makes what the service keeps (a read model loaded, a city imported): the
    collector paused meanwhile, and what it made settled once it is done."""
    with collector_paused():
        yield
    settle()

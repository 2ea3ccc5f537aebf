"""The app factory every service's `main.py` calls: one lifespan, one set of probes.

The lifespan connects MongoDB and Kafka, creates the topics the service uses, then hands an
`Infra` to the service's own `wire` function, which builds its repositories, consumers and
outbox relay inside it. A service that updates its documents names a writer lease: on
FerretDB the lifespan holds it before anything is wired (`runtime.lease`). `/healthz` says the
process is up; `/readyz` that MongoDB and Kafka answer and who holds the lease; `/metrics` is
Prometheus's text format.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar, cast

import uvicorn
from aiokafka import AIOKafkaProducer, TopicPartition
from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from starlette.types import ASGIApp

import contract
import runtime
from contract.events import topic_of
from runtime.audit_http import AuditTrail
from runtime.audit_http import router as audit_router
from runtime.config import ServiceSettings
from runtime.http import BodyLimit, NoNulInJson, ReadOnly, RequestContext, error_response, install_error_handlers
from runtime.idempotency import Caller, Idempotency, IdempotencyStore, by_actor
from runtime.kafka import (
    EventConsumer,
    EventReader,
    Handler,
    Reading,
    Wanted,
    create_consumer,
    create_producer,
    ensure_topics,
)
from runtime.lease import writer_lease
from runtime.logs import configure_logging
from runtime.memberships import KeptMemberships
from runtime.mongo import Document, MongoProcessedEvents, create_client
from runtime.outbox import OutboxRelay
from runtime.pacing import collect_less_often
from runtime.replica import KeptReadModel, SnapshotFile, code_fingerprint

log = logging.getLogger(__name__)
T = TypeVar("T")
S = TypeVar("S")


@dataclass(frozen=True)
class Infra:
    """The connections a service is wired with; made and closed by the lifespan."""

    settings: ServiceSettings
    mongo: AsyncMongoClient[Document]
    db: AsyncDatabase[Document]
    producer: AIOKafkaProducer


Wire = Callable[[FastAPI, Infra], AbstractAsyncContextManager[None]]


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    routers: Sequence[APIRouter],
    wire: Wire,
    topics: Sequence[str],
    body_limits: Mapping[str, int] | None = None,
    middleware: Sequence[Callable[[ASGIApp], ASGIApp]] = (),
    lease: str | None = None,
    idempotent: tuple[str, Caller] = ("/", by_actor),
    docs: bool = True,
) -> FastAPI:
    """`topics`: every topic the service publishes to or consumes (created when missing);
    `body_limits`: larger request bodies allowed under some path prefixes (uploads);
    `middleware`: the service's own ASGI middleware, innermost first; `lease`: the writer lease
    the process holds on FerretDB, for a service whose writes need one writer there (None:
    its writes rest on unique inserts, any number of processes may run; a reader, `role=reader`,
    takes none and refuses writes); `idempotent`: the
    POSTs answered once per `Idempotency-Key` (a path prefix) and who their caller is
    (`runtime.idempotency`); `docs`: FastAPI's own `/docs` and `/redoc` pages (from a CDN), or
    none (the service serves its own)."""
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        mongo = create_client(settings)
        producer = create_producer(settings)
        try:
            await ensure_topics(settings, [settings.topic(t) for t in topics])
            await producer.start()
            infra = Infra(settings, mongo, mongo[settings.database], producer)
            app.state.infra = infra
            app.state.components = Components()  # made anew at each start
            app.state.idempotency = answers = IdempotencyStore(infra.db["idempotency"])
            async with _holding(app, infra, lease), wire(app, infra), background(sweeping(answers.sweep, 3600)):
                log.info("started", extra={"fields": {"port": settings.http_port, "db": settings.database}})
                yield
        finally:
            await producer.stop()
            await mongo.close()

    app = routes_app(settings, title=title, routers=routers, lifespan=lifespan, docs=docs)
    app.include_router(_probes())
    app.include_router(audit_router)
    for inner in reversed(middleware):  # inside the body limit and the request context
        app.add_middleware(inner)
    prefix, caller = idempotent
    app.add_middleware(Idempotency, prefix=prefix, caller=caller)
    app.add_middleware(NoNulInJson)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, exceptions=body_limits or {})
    app.add_middleware(AuditTrail)  # inside the request context: it records the correlation id
    if not settings.writes:
        app.add_middleware(ReadOnly)
    app.add_middleware(RequestContext)
    return app


def routes_app(
    settings: ServiceSettings,
    *,
    title: str,
    routers: Sequence[APIRouter],
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
    docs: bool = True,
) -> FastAPI:
    """A service's routes with the platform's error mapping, and an empty `Components` for what
    they depend on: what `create_service_app` serves, its composition root filling the
    components at start, and what a service's in-process API tests run with fakes in them."""
    app = FastAPI(
        title=title, lifespan=lifespan, docs_url="/docs" if docs else None, redoc_url="/redoc" if docs else None
    )
    app.state.settings = settings
    app.state.components = Components()
    install_error_handlers(app)
    for router in routers:
        app.include_router(router)
    return app


@asynccontextmanager
async def _holding(app: FastAPI, infra: Infra, lease: str | None) -> AsyncIterator[None]:
    """The writer lease `lease` held (on FerretDB) for the block, before the service wires
    anything that writes; kept at `app.state.lease` for `/readyz`."""
    settings = infra.settings
    if lease is None or not settings.writes:
        yield
        return
    # A client of its own: renewing must not wait for a connection behind the requests being
    # answered, or a busy service would lose its lease (and stop) for being busy.
    own = create_client(settings, pool=2)
    try:
        async with writer_lease(
            own, own[settings.database], lease, seconds=settings.lease_seconds, on_lost=stop
        ) as held:
            app.state.lease = held
            yield
    finally:
        await own.close()


def _probes() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """The process is up and serving."""
        return {"status": "ok"}

    @router.get("/readyz", response_model=None)
    async def readyz(request: Request) -> dict[str, Any] | Response:
        """MongoDB and Kafka both answer within two seconds, and this process holds its writer
        lease (which process does, when it does not)."""
        infra: Infra = request.app.state.infra
        lease = getattr(request.app.state, "lease", None)
        checks: dict[str, str] = {}
        for name, probe in (
            ("mongo", infra.mongo.admin.command("ping")),
            ("kafka", infra.producer.client.fetch_all_metadata()),
        ):
            try:
                await asyncio.wait_for(probe, 2)
                checks[name] = "ok"
            except Exception as exc:
                checks[name] = f"unreachable: {type(exc).__name__}"
        leased = {"role": infra.settings.role} | ({} if lease is None else {"lease": lease.describe()})
        answering = all(v == "ok" for v in checks.values())
        if answering and (lease is None or lease.held):
            return {"status": "ready", **checks, **leased}
        why = "another process holds the writer lease" if answering else "a dependency does not answer"
        return error_response(503, "not_ready", why, checks=checks, **leased)

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def kept_read_model(infra: Infra, topics: Sequence[str], make: Callable[[], S], *code: ModuleType) -> KeptReadModel[S]:
    """The service's read model, made by `make`, kept from its own `topics` in this process and
    snapshotted under `snapshot_dir` (`runtime.replica`, named after the first topic); `code`:
    the packages whose classes it holds (a snapshot of other code is not read back)."""
    settings = infra.settings
    return KeptReadModel(
        settings,
        topics,
        make,
        partitions=infra.producer.partitions_for,
        snapshot=snapshot_file(settings, settings.topic(topics[0]), *code),
        every=settings.snapshot_seconds,
    )


def kept_memberships(settings: ServiceSettings) -> KeptMemberships:
    """Who belongs to which organisation, kept in this process from the members' topic and
    snapshotted under `snapshot_dir` (`runtime.memberships`)."""
    snapshot = snapshot_file(settings, "memberships", contract, runtime)
    return KeptMemberships(settings, snapshot, settings.snapshot_seconds)


def snapshot_file(settings: ServiceSettings, name: str, *code: ModuleType) -> SnapshotFile | None:
    """Where the snapshot `name` of the service's database lives (None: no `snapshot_dir`);
    `code`: the packages whose classes it holds."""
    if not settings.snapshot_dir:
        return None
    identity = f"{settings.database} {name} {code_fingerprint(*code)}"
    return SnapshotFile(Path(settings.snapshot_dir) / f"{settings.database}.{name}.snapshot", identity)


def outbox_relay(infra: Infra, collections: Sequence[AsyncCollection[Document]]) -> OutboxRelay:
    """The relay of the service's aggregates' pending events, each to the topic the contract
    binds its type to (and of its bulk writes' outbox groups, kept in `outbox_groups`)."""
    settings = infra.settings
    return OutboxRelay(
        collections,
        infra.producer,
        lambda event_type: settings.topic(topic_of(event_type)),
        groups=infra.db["outbox_groups"],
        poll_seconds=settings.outbox_poll_seconds,
        enabled=settings.outbox_relay,
    )


KEEP_ALIVE_SECONDS = 65


class Components:
    """What a service's composition root made (its use cases, read models, lookups), each found
    by its class: what routes depend on, through `provided`, instead of names on `app.state`."""

    def __init__(self) -> None:
        self._made: dict[type, object] = {}

    def add(self, *made: object) -> None:
        for one in made:
            if type(one) in self._made:
                raise ValueError(f"two {type(one).__name__} components")
            self._made[type(one)] = one

    def add_as(self, kind: type[T], made: T) -> None:
        """`made` where `kind` is asked for: a stand-in of another class (a test's fake)."""
        self._made[kind] = made

    def get(self, kind: type[T]) -> T:
        if kind not in self._made:
            raise LookupError(f"the composition root made no {kind.__name__}")
        return cast(T, self._made[kind])


def component(request: Request, kind: type[T]) -> T:
    """The component of class `kind` the composition root of the app answering `request` made."""
    components: Components = request.app.state.components
    return components.get(kind)


def provided(kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency answering the component of class `kind` the composition root made:
    `Annotated[Needs, Depends(provided(Needs))]`."""

    async def dependency(request: Request) -> T:  # async: run inline, not in a worker thread
        return component(request, kind)

    return dependency


def serve(app: ASGIApp, settings: ServiceSettings) -> None:
    """Runs the app with uvicorn on the configured address; our logging stays in place, and the
    process collects its youngest objects less often (`runtime.pacing.collect_less_often`)."""
    collect_less_often()
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        # Longer than clients keep an idle connection (httpx: 5 s, uvicorn's own default): a
        # server closing one just as the client reuses it fails that request (a ReadError).
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


def _topics(settings: ServiceSettings, handlers: Mapping[str, Handler]) -> list[str]:
    """The topics that carry the handled event types."""
    return sorted({settings.topic(topic_of(event_type)) for event_type in handlers})


def event_consumer(infra: Infra, handlers: Mapping[str, Handler], *, wanted: Wanted | None = None) -> EventConsumer:
    """A consumer of the topics that carry the handled event types, in the service's group
    (`wanted`: see `runtime.kafka.EventReader`)."""
    settings = infra.settings
    return EventConsumer(
        create_consumer(settings, _topics(settings, handlers)),
        infra.producer,
        handlers,
        MongoProcessedEvents(infra.db),
        max_attempts=settings.consumer_max_attempts,
        backoff_seconds=settings.consumer_backoff_seconds,
        wanted=wanted,
    )


def event_reader(
    settings: ServiceSettings,
    handlers: Mapping[str, Handler],
    reading: Reading,
    *,
    on_caught_up: Callable[[], None] = lambda: None,
    start: Mapping[TopicPartition, int] | None = None,
    wanted: Wanted | None = None,
) -> EventReader:
    """A reader of the topics that carry the handled event types, in every process, replaying
    them from their beginning (or from `start`) or following their tail (`runtime.kafka.Reading`)."""
    consumer = create_consumer(settings, _topics(settings, handlers), reading)
    return EventReader(consumer, handlers, reading, on_caught_up=on_caught_up, start=start, wanted=wanted)


async def sweeping(sweep: Callable[[], Coroutine[Any, Any, int]], every: float) -> None:
    """Runs `sweep` every `every` seconds and logs how many things it changed; a failed sweep is
    logged and the next one tries again."""
    while True:
        await asyncio.sleep(every)
        try:
            changed = await sweep()
        except Exception:
            log.exception("sweep failed; the next one tries again")
            continue
        if changed:
            log.info("sweep", extra={"fields": {"changed": changed}})


def stop() -> None:
    """Stops this process as a supervisor would (SIGTERM): the app shuts down cleanly."""
    os.kill(os.getpid(), signal.SIGTERM)


@asynccontextmanager
async def background(*jobs: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """Runs long-lived jobs (consumers, relays) for the app's lifetime.

    A job that dies takes the process down with it (SIGTERM to itself), so the supervisor
    restarts the service instead of leaving it half alive.
    """
    tasks = [asyncio.create_task(job) for job in jobs]

    def on_done(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.critical("background job died", exc_info=task.exception())
            stop()

    for task in tasks:
        task.add_done_callback(on_done)
    try:
        yield
    finally:
        for task in tasks:
            task.remove_done_callback(on_done)
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

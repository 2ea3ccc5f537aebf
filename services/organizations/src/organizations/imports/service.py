"""Bulk import of the area tree, organisations and members from CSV (UTF-8 or GBK) or XLSX.

Every row is validated; the report lists (row, field, reason) for every bad one, and the good
rows are written, keyed by their external code, so importing the same file again changes
nothing. Each organisation or member is one document written with its events in it (the
single-document outbox), so an import stopped at any point leaves no half-written
organisation and loses no event: uploading the file again finishes it. What an import will
write is planned first (organizations.imports.plan); the `Importer` writes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contract.aggregates import Aggregate
from contract.errors import Unprocessable
from contract.events import Envelope
from organizations.areas.models import AreaNode
from organizations.imports.models import ImportJob, ImportKind, ImportStatus
from organizations.imports.plan import Digest, plan_import
from organizations.imports.repository import MongoImportJobRepository
from organizations.members.models import Member
from organizations.organizations.models import Organization
from organizations.view import RegistryView
from runtime.pacing import long_lived
from runtime.repository import MongoRepository

BATCH_ROWS = 1000
ERRORS_KEPT = 1000


def batches(items: Sequence[Any], size: int = BATCH_ROWS) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class ImportTargets:
    """Where each kind of row goes, and where jobs are kept."""

    areas: MongoRepository[AreaNode]
    organizations: MongoRepository[Organization]
    members: MongoRepository[Member]
    jobs: MongoImportJobRepository
    digest: Digest

    def repository(self, kind: ImportKind) -> MongoRepository[Any]:
        if kind == ImportKind.AREAS:
            return self.areas
        return self.organizations if kind == ImportKind.ORGANIZATIONS else self.members


class Importer:
    """The import jobs of this process: one runs at a time."""

    def __init__(self, targets: ImportTargets, view: RegistryView) -> None:
        self.targets = targets
        self.view = view
        self.running: asyncio.Task[ImportJob] | None = None

    def busy(self) -> bool:
        return self.running is not None and not self.running.done()

    async def run(self, job: ImportJob, data: bytes) -> ImportJob:
        """Plans the import off the event loop, then writes it a batch at a time, saving progress.
        The collector is paused meanwhile, and what it made settled after (out of the full passes:
        the read model keeps it): every row becomes objects the read model keeps, and each full
        pass walked the whole growing read model again to free nothing (a city's members: some
        twenty of them, 15 s of the service's time; with each batch settled instead, planning
        alone still took 8 s more)."""
        with long_lived():
            return await self._run(job, data)

    async def _run(self, job: ImportJob, data: bytes) -> ImportJob:
        try:
            plan = await asyncio.to_thread(
                plan_import, job.kind, job.filename, data, self.view.snapshot(), digest=self.targets.digest
            )
        except Unprocessable as exc:
            return await self._finish(job, ImportStatus.FAILED, exc.message)
        job = job.model_copy(
            update={
                "status": ImportStatus.IMPORTING,
                "total_rows": plan.total_rows,
                "valid_rows": plan.valid_rows,
                "unchanged_rows": plan.unchanged_rows,
                "error_count": len(plan.errors),
                "errors": plan.errors[:ERRORS_KEPT],
            }
        )
        await self.targets.jobs.update(job)
        repo = self.targets.repository(job.kind)
        slots = asyncio.Semaphore(2)  # two batches in flight keep the database busy on both cores
        applied = 0

        async def written(batch: Sequence[tuple[Aggregate, list[Envelope]]]) -> None:
            nonlocal applied  # the repository has handed each written aggregate to the read model
            applied += len(batch)
            await self.targets.jobs.record_progress(job.id, applied)

        async def insert(number: int, batch: Sequence[tuple[Aggregate, list[Envelope]]]) -> None:
            async with slots:
                await repo.insert_many(batch, group=f"{job.id}:{number:05d}")
            await written(batch)

        await asyncio.gather(*(insert(n, b) for n, b in enumerate(batches(plan.inserts))))
        for batch in batches(plan.updates):
            for aggregate, events in batch:
                version = getattr(aggregate, "version", None)
                await repo.update(aggregate, events, expected_version=version - 1 if version else None)
            await written(batch)
        return await self._finish(job.model_copy(update={"applied_rows": applied}), ImportStatus.DONE, "")

    async def _finish(self, job: ImportJob, status: ImportStatus, message: str) -> ImportJob:
        job = job.model_copy(update={"status": status, "message": message, "finished_at": datetime.now(UTC)})
        await self.targets.jobs.update(job)
        return job

    async def interrupt_unfinished(self) -> None:
        """At start: imports the last process left running will not finish by themselves."""
        for status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING):
            for job in await self.targets.jobs.page(after=None, limit=1000, where={"status": status}):
                message = "the service stopped during this import: upload the file again to finish it"
                await self._finish(
                    job.model_copy(update={"status": ImportStatus.INTERRUPTED}), ImportStatus.INTERRUPTED, message
                )

"""Where import jobs are kept, with their progress and the report of refused rows."""

from __future__ import annotations

from organizations.imports.models import ImportJob
from runtime.mongo import document_lock
from runtime.repository import MongoRepository


class MongoImportJobRepository(MongoRepository[ImportJob]):
    model = ImportJob

    async def record_progress(self, job_id: str, applied_rows: int) -> None:
        """Only the count: the job's report of refused rows is written once, not with every batch."""
        async with document_lock(self.collection, job_id):
            await self.collection.update_one({"_id": job_id}, {"$set": {"applied_rows": applied_rows}})

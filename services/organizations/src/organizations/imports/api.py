"""The import routes: upload a CSV or XLSX file, then follow the job's progress and read its report."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, UploadFile

from contract.errors import Conflict, NotFound
from contract.ids import new_id
from organizations.deps import KnownCaller
from organizations.disclosures import CONTACT_FIELDS, MEMBER_FIELDS, Audit
from organizations.imports.models import ImportJob, ImportKind
from organizations.imports.rows import check_file
from organizations.imports.service import Importer
from runtime.app import provided

router = APIRouter(prefix="/imports", tags=["imports"])

ImporterDep = Annotated[Importer, Depends(provided(Importer))]


@router.post("/{kind}", status_code=202, response_model=ImportJob)
async def start_import(
    kind: ImportKind, file: UploadFile, importer: ImporterDep, caller: KnownCaller, audit: Audit
) -> ImportJob:
    """Starts importing a CSV (UTF-8 or GBK) or XLSX file of areas, organisations or members (the
    operators).

    Import areas first, then organisations, then members: rows refer to what is there already.
    """
    caller.require_operator()
    if importer.busy():
        raise Conflict("another import is running: wait for it to finish")
    data = await file.read()
    await asyncio.to_thread(check_file, kind, file.filename or "", data)  # refuses what is no table at once
    job = ImportJob(id=new_id(), kind=kind, filename=file.filename or "upload")
    await importer.targets.jobs.add(job, [])
    if kind != ImportKind.AREAS:
        await audit.imported(job.id, MEMBER_FIELDS if kind == ImportKind.MEMBERS else CONTACT_FIELDS)
    importer.running = asyncio.create_task(importer.run(job, data))
    return job


@router.get("/{job_id}", response_model=ImportJob)
async def get_import(job_id: str, importer: ImporterDep, caller: KnownCaller) -> ImportJob:
    """The job's progress, and the report of refused rows (row, field, reason) (the operators)."""
    caller.require_operator()
    job = await importer.targets.jobs.get(job_id)
    if job is None:
        raise NotFound(f"no import {job_id!r}")
    return job

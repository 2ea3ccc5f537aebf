"""An import job: its kind, where it stands, and the report of the rows it refused."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from contract.aggregates import Aggregate
from organizations.common import now


class ImportKind(StrEnum):
    AREAS = "areas"
    ORGANIZATIONS = "organizations"
    MEMBERS = "members"


class ImportStatus(StrEnum):
    VALIDATING = "validating"
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the service stopped mid-import: upload the file again to finish


class RowError(BaseModel):
    row: int  # 1 is the header: data starts at row 2, as a spreadsheet numbers them
    field: str
    reason: str


class ImportJob(Aggregate):
    kind: ImportKind
    filename: str
    status: ImportStatus = ImportStatus.VALIDATING
    total_rows: int = 0
    valid_rows: int = 0
    unchanged_rows: int = 0
    applied_rows: int = 0
    error_count: int = 0
    errors: list[RowError] = Field(default_factory=list)  # the first 1,000
    message: str = ""
    created_at: datetime = Field(default_factory=now)
    finished_at: datetime | None = None

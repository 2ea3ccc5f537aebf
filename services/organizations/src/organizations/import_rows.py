"""What an import file holds: a table of areas, organisations or members, as CSV (UTF-8 or GBK)
or XLSX, and the rows each kind must have. The columns are the fields of `devkit.synthetic`'s rows."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import BaseModel, ConfigDict, Field, field_validator

from contract.errors import Unprocessable
from contract.schemas import AREA_PATTERN
from organizations.models import ImportKind, MemberRole, OrganizationKind
from organizations.schemas import AreaNodeCreate, CreditCode, IdNumber, Phone


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


def _split(value: Any) -> Any:
    return (
        [part.strip() for part in value.replace("；", ";").split(";") if part.strip()]
        if isinstance(value, str)
        else value
    )


class AreaRowIn(AreaNodeCreate):
    """An area node as a file's row: other columns ignored, blanks as none."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    _blanks = field_validator("parent_code", "lat", "lon", mode="before")(_blank_is_none)


class OrganizationRowIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._-]+$")
    name: str = Field(min_length=1, max_length=200)
    kind: OrganizationKind
    area_code: str = Field(pattern=AREA_PATTERN)
    party_parent_code: str | None = None
    address: str = Field(default="", max_length=300)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    contact_name: str = Field(default="", max_length=50)
    contact_phone: Phone | None = None
    tags: list[str] = Field(default_factory=list, max_length=30)
    credit_code: CreditCode | None = None

    _blanks = field_validator("party_parent_code", "lat", "lon", "contact_phone", "credit_code", mode="before")(
        _blank_is_none
    )
    _lists = field_validator("tags", mode="before")(_split)


class MemberRowIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._-]+$")
    name: str = Field(min_length=1, max_length=50)
    phone: Phone
    id_number: IdNumber = ""
    roles: list[MemberRole] = Field(min_length=1)
    organization_codes: list[str] = Field(min_length=1, max_length=20)

    _lists = field_validator("roles", "organization_codes", mode="before")(_split)


ROW_MODELS: dict[ImportKind, type[BaseModel]] = {
    ImportKind.AREAS: AreaRowIn,
    ImportKind.ORGANIZATIONS: OrganizationRowIn,
    ImportKind.MEMBERS: MemberRowIn,
}


# --- reading a file ---------------------------------------------------------------------


def read_table(filename: str, data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    """The header and the rows of a CSV (UTF-8 or GBK) or XLSX file, as text."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Unprocessable("the file is neither UTF-8 nor GBK text, nor an XLSX workbook", field="file")
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None:
        raise Unprocessable("the file is empty", field="file")
    return [h.strip() for h in header], rows


def _read_xlsx(data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, IndexError) as exc:
        raise Unprocessable(f"the file is not an XLSX workbook ({type(exc).__name__})", field="file") from exc
    cells = sheet.iter_rows(values_only=True)
    header = next(cells, None)
    if header is None:
        raise Unprocessable("the workbook's first sheet is empty", field="file")
    text_rows = (["" if v is None else str(v) for v in row] for row in cells)
    return ["" if h is None else str(h).strip() for h in header], text_rows


def check_file(kind: ImportKind, filename: str, data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    """The file's header and rows, if it is a table of that kind at all; Unprocessable if not."""
    header, rows = read_table(filename, data)
    required = [name for name, f in ROW_MODELS[kind].model_fields.items() if f.is_required()]
    if missing := [name for name in required if name not in header]:
        raise Unprocessable(f"the header lacks the columns {', '.join(missing)}", field="file", expected=required)
    return header, rows

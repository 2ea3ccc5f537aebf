"""What an import file holds: a table of areas, organisations or members, as CSV (UTF-8 or GBK)
or XLSX, read as text, and whether it has the columns its kind of row must have
(organizations.imports.schemas)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

from contract.errors import Unprocessable
from organizations.imports.models import ImportKind
from organizations.imports.schemas import ROW_MODELS


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
    # imported at the first workbook, not at start: openpyxl (and the numpy it imports) is a
    # quarter of the registry's start-up, and most imports are CSV
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

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

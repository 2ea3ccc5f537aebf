"""Tables as an XLSX workbook to download, each table a sheet, its first row the column names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import BytesIO

from fastapi.responses import Response
from openpyxl import Workbook

Cell = str | int | float | None
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(sheets: Mapping[str, Sequence[Sequence[Cell]]], filename: str) -> Response:
    """The sheets (title → rows, the column names first) as an attachment named `filename`."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title[:31])  # the longest title a sheet may have
        for row in rows:
            sheet.append(list(row))
    out = BytesIO()
    book.save(out)
    return Response(
        out.getvalue(), media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )

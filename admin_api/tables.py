"""Spreadsheets in and out: a county's roster as CSV (UTF-8, Excel's BOM welcome) or XLSX.

Reading gives rows of text cells, whatever the format (a phone typed as a number in Excel comes back
as its digits); core checks them. Writing keeps what a person typed as text: a name starting with
`=`, `+`, `-` or `@` is never a formula, in CSV (a leading apostrophe, as spreadsheets show it) or
XLSX (the cell is a string, not a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from zipfile import BadZipFile

from aiohttp import web
from openpyxl import Workbook, load_workbook

from admin_api.problems import Problem

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a spreadsheet reads as the start of a formula (tab and CR too: some take them as a cell's start).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(raw: bytes, content_type: str) -> list[list[str]]:
    """The rows of an uploaded CSV or XLSX (its first sheet); 415 for another type, 400 when the
    file cannot be read at all."""
    if content_type == XLSX:
        try:
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except (BadZipFile, KeyError, ValueError, OSError):
            raise Problem(400, "Bad Request", "this is not an XLSX workbook") from None
        sheet = book.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    if content_type == CSV:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Problem(400, "Bad Request", "the CSV is not UTF-8 text (save it as CSV UTF-8)") from None
        return [list(row) for row in csv.reader(io.StringIO(text))]
    raise Problem(415, "Unsupported Media Type", f"send the file as {CSV} or {XLSX}")


def formula_safe(value: str) -> str:
    """A cell a person typed, kept as text in CSV: a leading quote before what would start a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_rows(
    header: Sequence[str], rows: Iterable[Sequence[str]], *, as_xlsx: bool, name: str
) -> web.Response:
    """A download of `rows` under `header`, every cell text."""
    if as_xlsx:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                cell.data_type = "s"  # openpyxl reads "=…" as a formula; a typed name is text
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        book.save(out)
        body, content_type, suffix = out.getvalue(), XLSX, "xlsx"
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows([formula_safe(cell) for cell in row] for row in rows)
        body, content_type, suffix = ("\ufeff" + text.getvalue()).encode(), CSV, "csv"
    return web.Response(
        body=body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{suffix}"'},
    )

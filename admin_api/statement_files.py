"""Reimbursement statements as files for the county's finance office: CSV and XLSX.

Chinese headers; one row per captured service (with the service object and farmer it served), then a
totals row; amounts in yuan with two decimals, formatted from integer fen (never through a float).
Text a person typed (an expert's, a farmer's or a service object's name) is kept as text: in XLSX
every cell but the amounts (numbers, shown with two decimals) is written with xlsxwriter's
`write_string`, so `=HYPERLINK(…)` is a string cell, never a formula; in CSV a cell starting with `=`,
`+`, `-`, `@`, a tab or a carriage return is prefixed with a single quote (OWASP, CSV injection),
which spreadsheets show as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import xlsxwriter
from aiohttp import web

from admin_api.tables import formula_safe
from core.budget import LOCAL_TZ
from core.reimbursements import Statement

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ("县区", "专家", "状态", "服务单号", "服务对象", "农户", "完成日期", "服务方式", "费用（元）")
MODES = {
    "online": "线上解答",
    "video": "视频解答",
    "onsite_consult": "现场咨询",
    "onsite_training": "现场培训",
}
STATES = {"draft": "草稿", "confirmed": "已确认", "paid": "已支付"}


def yuan(fen: int) -> str:
    """12345 → "123.45", from the integer: no float ever rounds a fen away."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def rows(found: list[Statement]) -> list[tuple[str, ...]]:
    """The table: a row per line, then the totals row."""
    table = [
        (
            s.county,
            s.expert,
            STATES[s.status],
            str(line.request_id),
            line.service_object,
            line.farmer,
            line.completed_at.astimezone(LOCAL_TZ).date().isoformat(),
            MODES[line.mode],
            yuan(line.fee_fen),
        )
        for s in found
        for line in s.lines
    ]
    total = sum(s.total_fen for s in found)
    return [*table, ("合计", "", "", f"{len(table)} 项", "", "", "", "", yuan(total))]


def as_csv(table: Sequence[Sequence[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows([formula_safe(cell) for cell in row] for row in table)
    return ("\ufeff" + out.getvalue()).encode()  # the BOM: Excel then reads UTF-8


def as_xlsx(table: Sequence[Sequence[str]], title: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True})
    # Amounts are numbers, so the finance office can sum and filter them; the value is read from the
    # integer-formatted yuan, and two decimals are exactly what the ledger's fen say.
    money = book.add_format({"num_format": "0.00"})
    amount = len(HEADER) - 1
    for column, name in enumerate(HEADER):
        sheet.write_string(0, column, name, bold)
    for number, row in enumerate(table, start=1):
        for column, cell in enumerate(row):
            if column == amount:
                sheet.write_number(number, column, float(cell), money)
            else:
                sheet.write_string(number, column, cell)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 1, 16)
    sheet.set_column(4, 5, 20)
    sheet.set_column(6, 8, 12)
    book.close()
    return out.getvalue()


def download(found: list[Statement], period: str, as_format: str) -> web.Response:
    table = rows(found)
    body, content_type = (as_xlsx(table, period), XLSX) if as_format == "xlsx" else (as_csv(table), CSV)
    return web.Response(
        body=body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="reimbursements-{period}.{as_format}"'},
    )

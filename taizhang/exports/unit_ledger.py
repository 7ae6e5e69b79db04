"""A unit's (a city's) whole ledger as a flat list, one row per task — parent, title, lead unit,
co-units, dates, status, target, latest actual, latest report text — as XLSX or CSV: the data a
province or city office loads into its own tools. (The formatted 台账 of one period, sections and
indicators laid out for print, is ``exports.ledger_xlsx``.)

Rows in, bytes out (no database). The workbook is written in openpyxl's write-only mode, row by
row, so a city's ~5,000 tasks take a fraction of a second and little memory; text that a
spreadsheet would run as a formula is defused (``exports.safe``).
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from taizhang.exports.safe import cell_value, csv_bytes
from taizhang.ledger.rows import LedgerRow
from taizhang.ledger.vocabulary import status_label

HEADERS = ("任务编号", "上级任务", "任务", "牵头单位", "配合单位", "开始日期", "完成时限", "完成状态", "目标值", "计量单位",
           "最新完成值", "最新进展")
WIDTHS = (10, 10, 40, 24, 36, 12, 12, 10, 12, 8, 12, 60)


def _values(row: LedgerRow) -> tuple:
    return (row.id, row.parent_id, row.title, row.lead_unit, row.co_units, row.start_date, row.due_date,
            status_label(row.status), row.target, row.value_unit, row.latest_actual, row.latest_progress)


def unit_ledger_xlsx(title: str, rows: Iterable[LedgerRow]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    for n, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    sheet.freeze_panes = "C3"
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    bold = Font(bold=True)
    header = []
    for name in HEADERS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([cell_value(v) for v in _values(row)])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def unit_ledger_csv(rows: Iterable[LedgerRow]) -> bytes:
    return csv_bytes(HEADERS, (_values(row) for row in rows))

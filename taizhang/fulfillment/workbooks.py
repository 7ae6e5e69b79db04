"""The two lists a batch produces, as .xlsx bytes: the 公示 list (masked) and the payout list (whole
identities, for the paying bank). Rows in, bytes out; every cell through ``exports.safe.cell_value``."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from taizhang.exports.safe import cell_value


@dataclass(frozen=True)
class ListSheet:
    title: str  # the sheet's heading, e.g. 稳岗返还免申即享拟兑现名单（公示）
    note: str  # a line under the heading: rule, clause, date, counts
    headers: list[str]
    rows: list[list[object]]
    total: Decimal | None = None


def workbook_bytes(sheet: ListSheet) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "名单"
    width = max(len(sheet.headers), 1)
    ws.append([cell_value(sheet.title)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([cell_value(sheet.note)])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.append([cell_value(h) for h in sheet.headers])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        ws.append([cell_value(value) for value in row])
    if sheet.total is not None:
        ws.append([cell_value("合计")] + [None] * (width - 2) + [sheet.total])
    for column, header in enumerate(sheet.headers, start=1):
        ws.column_dimensions[ws.cell(row=3, column=column).column_letter].width = max(12, len(header) * 2 + 4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

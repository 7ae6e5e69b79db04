"""The look the 台账 and the progress template share: body font, thin borders, the header row."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FONT = "仿宋"
_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def write_header(ws: Worksheet, row: int, columns) -> None:
    """One bold, filled, bordered header cell per ``(name, width)``, and the column widths."""
    for col, (name, width) in enumerate(columns, start=1):
        cell = ws.cell(row, col, name)
        cell.font = Font(name="黑体", size=12, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[row].height = 30

"""The Excel 台账: rows in, .xlsx bytes out. Laid out for printing on A3 landscape."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from taizhang.exports.safe import cell_value
from taizhang.ledger.rollup import format_quantity
from taizhang.ledger.rows import IndicatorRow, LedgerExport, TaskRow
from taizhang.ledger.vocabulary import CMP_WORDS, status_label
from taizhang.policy.segment import leading_marker

# (header, width in characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("类别", 12),
    ("措施", 18),
    ("具体内容", 60),
    ("牵头单位", 14),
    ("配合单位", 22),
    ("量化目标", 26),
    ("完成时限", 18),
    ("进展情况", 30),
    ("完成状态", 10),
)
TITLE_ROW, SUBTITLE_ROW, HEADER_ROW = 1, 2, 3
FONT = "仿宋"
_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def indicator_text(i: IndicatorRow) -> str:
    if i.cmp == "range" and i.target_low is not None:
        amount = f"{format_quantity(i.target_low, '')}–{format_quantity(i.target_value, i.unit)}"
    else:
        amount = CMP_WORDS.get(i.cmp, "") + format_quantity(i.target_value, i.unit)
    due = f"（{i.due_date:%Y年%-m月%-d日}前）" if i.due_date else ""
    return f"{i.name}：{amount}{due}"


def due_text(row: TaskRow) -> str:
    parts = []
    if row.due_date:
        parts.append(_date_text(row.due_date))
    if row.due_note:
        parts.append(row.due_note)
    return "；".join(parts) or "—"


def _date_text(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日前"


def units_text(names: list[str], open_list: bool = False) -> str:
    if not names:
        return "—"
    return "、".join(names) + ("等" if open_list else "")


def ledger_workbook(export: LedgerExport) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "重点任务推进台账"
    _title_block(ws, export)
    _header(ws)
    for n, row in enumerate(export.rows, start=1):
        _task_row(ws, HEADER_ROW + n, n, row)
    _print_setup(ws)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _title_block(ws: Worksheet, export: LedgerExport) -> None:
    last = get_column_letter(len(COLUMNS))
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.merge_cells(f"A{SUBTITLE_ROW}:{last}{SUBTITLE_ROW}")
    title = ws.cell(TITLE_ROW, 1, cell_value(f"{export.policy_title}\n重点任务推进台账"))
    title.font = Font(name="方正小标宋简体", size=18, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[TITLE_ROW].height = 60
    issued = f"{export.issued_on.year}年{export.issued_on.month}月{export.issued_on.day}日" if export.issued_on else ""
    generated = export.generated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    parts = [p for p in (export.issuer, f"印发日期：{issued}" if issued else "", export.filter_note,
                         f"共{len(export.rows)}项任务", f"生成时间：{generated}") if p]
    sub = ws.cell(SUBTITLE_ROW, 1, cell_value("    ".join(parts)))
    sub.font = Font(name=FONT, size=11)
    sub.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[SUBTITLE_ROW].height = 22


def _header(ws: Worksheet) -> None:
    for col, (name, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, col, name)
        cell.font = Font(name="黑体", size=12, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[HEADER_ROW].height = 28
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{HEADER_ROW}"


def _task_row(ws: Worksheet, r: int, n: int, row: TaskRow) -> None:
    values = (
        n,
        row.section_title,
        f"{leading_marker(row.content) or row.measure_no + '.'}{row.title}",
        row.content,
        units_text(row.lead_units),
        units_text(row.co_units, row.units_open),
        "\n".join(indicator_text(i) for i in row.indicators) or "—",
        due_text(row),
        "",
        status_label(row.status),
    )
    for col, value in enumerate(values, start=1):
        cell = ws.cell(r, col, cell_value(value))
        cell.font = Font(name=FONT, size=11)
        cell.border = BORDER
        centred = col in (1, 10)
        cell.alignment = Alignment(
            horizontal="center" if centred else "left", vertical="center" if centred else "top", wrap_text=True
        )
    # Rough height: the longest cell's wrapped line count at ~1.9 chars per width unit for CJK.
    lines = max(
        sum(max(1, -(-len(part) * 2 // max(1, width))) for part in str(value).split("\n"))
        for value, (_, width) in zip(values, COLUMNS, strict=True)
    )
    ws.row_dimensions[r].height = min(409, max(30, 15 * lines))


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT

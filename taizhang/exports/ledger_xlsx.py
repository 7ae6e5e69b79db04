"""The Excel 台账: a LedgerBook in, .xlsx bytes out. A summary sheet, then one sheet per section,
each with a title block, a frozen header and print set-up for A3 landscape.

A task takes one row per indicator: the task's own cells are merged down its rows, so figures stay
numeric cells with the indicator's unit in their number format. Sub-tasks follow their parent,
indented. The same rows are offered as CSV (``ledger_csv``).
"""

from __future__ import annotations

import re
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from taizhang.exports.rows import IndicatorLine, LedgerBook, LedgerLine, tally
from taizhang.exports.safe import cell_value, csv_bytes
from taizhang.exports.sheet_style import BORDER, FONT, write_header
from taizhang.exports.wording import chinese_number, due_text, indicator_text, number_format, units_text
from taizhang.ledger.vocabulary import LIGHT_LABELS, status_label

__all__ = ["COLUMNS", "HEADERS", "due_text", "indicator_text", "ledger_csv", "ledger_workbook", "units_text"]

# (header, width in characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6), ("类别", 10), ("重点任务", 18), ("具体措施", 42), ("量化指标", 28), ("完成时限", 14),
    ("牵头单位", 12), ("配合单位", 16), ("本期完成值", 14), ("累计完成值", 14), ("完成率", 9), ("序时进度", 9),
    ("进展情况", 32), ("存在问题", 20), ("下步打算", 20), ("完成状态", 10), ("预警", 8), ("报送日期", 12),
    ("审核意见", 22),
)
HEADERS = tuple(name for name, _ in COLUMNS)
_COL = {name: n for n, name in enumerate(HEADERS, start=1)}
PER_INDICATOR = ("量化指标", "本期完成值", "累计完成值", "完成率", "序时进度")
SUMMARY_HEADERS = ("类别", "任务数", "已完成", "达进度", "欠进度", "逾期", "暂无评价", "红灯", "橙灯", "黄灯", "蓝灯",
                   "绿灯")
TITLE_ROW, SUBTITLE_ROW, HEADER_ROW = 1, 2, 3
LIGHT_FILLS = {
    "red": PatternFill("solid", fgColor="F8696B"),
    "orange": PatternFill("solid", fgColor="F4B183"),
    "yellow": PatternFill("solid", fgColor="FFE699"),
    "blue": PatternFill("solid", fgColor="9DC3E6"),
    "green": PatternFill("solid", fgColor="A9D08E"),
}
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def ledger_workbook(book: LedgerBook) -> bytes:
    wb = Workbook()
    _summary_sheet(wb.active, book)
    for section in book.sections:
        ws = wb.create_sheet(_sheet_name(section.no, section.title))
        _title_block(ws, book, len(HEADERS), f"（{section.title}）" if section.title else "",
                     f"共{sum(1 for line in section.lines if line.counted)}项任务")
        write_header(ws, HEADER_ROW, COLUMNS)
        ws.freeze_panes = ws.cell(HEADER_ROW + 1, _COL["具体措施"])
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(HEADERS))}{HEADER_ROW}"
        row = HEADER_ROW + 1
        for line in section.lines:
            row = _write_line(ws, row, line)
        _print_setup(ws)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def ledger_csv(book: LedgerBook) -> bytes:
    """The same rows as CSV: one line per indicator, the task's cells repeated on each."""
    return csv_bytes(HEADERS, (values for line in book.lines for values in _line_values(line)))


def _sheet_name(no: int, title: str) -> str:
    name = f"{chinese_number(no)}、{title}" if no else (title or "其他")
    return _SHEET_NAME_BAD.sub("", name)[:31]


def _title_block(ws: Worksheet, book: LedgerBook, width: int, suffix: str, count: str) -> None:
    last = get_column_letter(width)
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.merge_cells(f"A{SUBTITLE_ROW}:{last}{SUBTITLE_ROW}")
    title = ws.cell(TITLE_ROW, 1, cell_value(f"{book.policy_title}\n重点任务推进台账{suffix}"))
    title.font = Font(name="方正小标宋简体", size=18, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[TITLE_ROW].height = 60
    generated = book.generated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    parts = [book.issuer or "", f"报送期：{book.period_label}", f"截至{book.judged_on:%Y年%-m月%-d日}",
             book.filter_note, count, f"生成时间：{generated}"]
    sub = ws.cell(SUBTITLE_ROW, 1, cell_value("    ".join(p for p in parts if p)))
    sub.font = Font(name=FONT, size=11)
    sub.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[SUBTITLE_ROW].height = 22


def _line_values(line: LedgerLine) -> list[list[object]]:
    """The line's rows, as the 19 columns' values (the task's cells on every row)."""
    task = {
        "序号": line.number, "类别": line.section, "重点任务": line.title, "具体措施": line.content,
        "完成时限": line.due, "牵头单位": line.lead_units, "配合单位": line.co_units, "进展情况": line.progress,
        "存在问题": line.problems, "下步打算": line.next_steps, "完成状态": status_label(line.status),
        "预警": LIGHT_LABELS.get(line.light, "") if line.light != "none" else "—",
        "报送日期": line.reported_on, "审核意见": line.review,
    }
    rows = []
    for indicator in line.indicators or (None,):
        rows.append([_indicator_value(indicator, name) if name in PER_INDICATOR else task[name] for name in HEADERS])
    return rows


def _indicator_value(indicator: IndicatorLine | None, name: str) -> object:
    if indicator is None:
        return "—" if name == "量化指标" else None
    return {"量化指标": indicator.text, "本期完成值": indicator.period_value, "累计完成值": indicator.cumulative,
            "完成率": indicator.completion, "序时进度": indicator.expected}[name]


def _write_line(ws: Worksheet, first: int, line: LedgerLine) -> int:
    rows = _line_values(line)
    for offset, values in enumerate(rows):
        r = first + offset
        indicator = line.indicators[offset] if line.indicators else None
        for col, (name, value) in enumerate(zip(HEADERS, values, strict=True), start=1):
            if offset and name not in PER_INDICATOR:
                ws.cell(r, col).border = BORDER
                continue
            cell = ws.cell(r, col, cell_value(value))
            _style(cell, name, line, indicator)
        ws.row_dimensions[r].height = _height(values, rows_in_block=1)
    if len(rows) > 1:
        for name in HEADERS:
            if name not in PER_INDICATOR:
                col = get_column_letter(_COL[name])
                ws.merge_cells(f"{col}{first}:{col}{first + len(rows) - 1}")
    # Merged task cells need the height of the whole block: give the missing height to its first row.
    need = _height(rows[0], rows_in_block=len(rows))
    have = sum(ws.row_dimensions[first + k].height for k in range(len(rows)))
    if need > have:
        ws.row_dimensions[first].height = min(409, ws.row_dimensions[first].height + need - have)
    return first + len(rows)


def _style(cell, name: str, line: LedgerLine, indicator: IndicatorLine | None) -> None:
    cell.font = Font(name=FONT, size=11)
    cell.border = BORDER
    centred = name in ("序号", "完成状态", "预警", "报送日期", "完成率", "序时进度")
    numeric = name in ("本期完成值", "累计完成值", "完成率", "序时进度")
    cell.alignment = Alignment(
        horizontal="center" if centred else ("right" if numeric else "left"),
        vertical="center" if centred or numeric else "top", wrap_text=True,
        indent=2 * line.depth if name == "重点任务" and line.depth else 0,
    )
    if name in ("本期完成值", "累计完成值") and indicator is not None:
        cell.number_format = number_format(indicator.unit, cell.value)
    elif name in ("完成率", "序时进度"):
        cell.number_format = "0.00%"
    elif name == "报送日期":
        cell.number_format = "yyyy-mm-dd"
    elif name == "预警" and line.light in LIGHT_FILLS:
        cell.fill = LIGHT_FILLS[line.light]
        cell.font = Font(name=FONT, size=11, bold=True)


def _height(values, *, rows_in_block: int) -> float:
    """A rough row height: the longest cell's wrapped line count at ~1.9 CJK characters per width unit."""
    lines = 1
    for value, (name, width) in zip(values, COLUMNS, strict=True):
        if value is None or (rows_in_block > 1 and name in PER_INDICATOR):
            continue
        text = str(value)
        lines = max(lines, sum(max(1, -(-len(part) * 2 // max(1, width))) for part in text.split("\n")))
    return min(409, max(30, 15 * lines))


def _summary_sheet(ws: Worksheet, book: LedgerBook) -> None:
    ws.title = "汇总"
    counted = [line for line in book.lines if line.counted]
    _title_block(ws, book, len(SUMMARY_HEADERS), "（汇总）", f"共{len(counted)}项任务（子任务计入上级任务）")
    write_header(ws, HEADER_ROW, [(name, 16 if n == 0 else 9) for n, name in enumerate(SUMMARY_HEADERS)])
    ws.column_dimensions["A"].width = 24
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2)
    row = HEADER_ROW + 1
    for section in book.sections:
        _summary_row(ws, row, section.title, [line for line in section.lines if line.counted])
        row += 1
    _summary_row(ws, row, "合计", counted, bold=True)
    _print_setup(ws)


def _summary_row(ws: Worksheet, row: int, label: str, lines: list[LedgerLine], bold: bool = False) -> None:
    counts = tally([(line.status, line.light) for line in lines])
    lights = [sum(1 for line in lines if line.light == light) for light in ("red", "orange", "yellow", "blue", "green")]
    values = [label, counts.total, counts.completed, counts.on_track, counts.behind, counts.overdue, counts.unrated,
              *lights]
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row, col, cell_value(value))
        cell.font = Font(name=FONT, size=12, bold=bold)
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="left" if col == 1 else "center", vertical="center")
    ws.row_dimensions[row].height = 24


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

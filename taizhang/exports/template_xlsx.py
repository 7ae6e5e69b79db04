"""The progress template (进展填报表): a TemplateBook in, .xlsx bytes out.

One sheet. A task takes one row per indicator; the task's cells are merged down its rows. Everything
is locked by sheet protection except the cells a unit fills in: 本期累计完成值 (a number ≥ 0, checked
by data validation), 进展情况, 存在问题, 下步打算 and 完成状态 (a list). The hidden last column
holds each row's signed identity and, in the title row, the file's; the import trusts nothing else.
Protection carries no password: it prevents slips, the signatures prevent tampering.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from taizhang.exports.rows import TemplateBook, TemplateIndicator, TemplateTask
from taizhang.exports.safe import cell_value
from taizhang.exports.sheet_style import BORDER, FONT, write_header
from taizhang.exports.wording import date_text, number_format

SHEET = "进展填报"
# (header, width); the order is part of the import's contract.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6), ("重点任务", 18), ("具体措施", 40), ("完成时限", 14), ("本单位职责", 8), ("量化指标", 30),
    ("上期审核累计值", 14), ("本期累计完成值", 14), ("进展情况", 36), ("存在问题", 24), ("下步打算", 24),
    ("完成状态", 10), ("校验码（请勿修改）", 20),
)
HEADERS = tuple(name for name, _ in COLUMNS)
COL = {name: n for n, name in enumerate(HEADERS, start=1)}
VALUE, PROGRESS, PROBLEMS, NEXT_STEPS, STATUS, IDENTITY = (
    COL["本期累计完成值"], COL["进展情况"], COL["存在问题"], COL["下步打算"], COL["完成状态"], COL["校验码（请勿修改）"])
TEXT_COLUMNS = {PROGRESS: "progress", PROBLEMS: "problems", NEXT_STEPS: "next_steps"}
TASK_COLUMNS = tuple(COL[n] for n in ("序号", "重点任务", "具体措施", "完成时限", "本单位职责")) + (
    PROGRESS, PROBLEMS, NEXT_STEPS, STATUS)
STATUS_CHOICES = ("推进中", "已完成")
ROLLED_UP = "由子任务汇总"
TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = HEADER_ROW + 1
LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
OPEN = Protection(locked=False)


def template_workbook(book: TemplateBook) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _title(ws, book)
    row = FIRST_ROW
    for task in book.tasks:
        row = _task(ws, row, task)
    _validation(ws, row - 1)
    ws.freeze_panes = ws.cell(FIRST_ROW, COL["具体措施"])
    ws.column_dimensions[get_column_letter(IDENTITY)].hidden = True
    ws.protection.sheet = True
    ws.protection.formatRows = False  # resizing rows and columns stays allowed
    ws.protection.formatColumns = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _title(ws: Worksheet, book: TemplateBook) -> None:
    last = get_column_letter(IDENTITY - 1)
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.merge_cells(f"A{NOTE_ROW}:{last}{NOTE_ROW}")
    title = ws.cell(TITLE_ROW, 1, cell_value(f"{book.unit_name}{book.period_label}重点任务进展填报表"))
    title.font = Font(name="方正小标宋简体", size=18, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[TITLE_ROW].height = 36
    due = f"请于{date_text(book.due_on)}前报送。" if book.due_on else ""
    note = (f"政策文件：{book.policy_title}。填写说明：只填写白色单元格（本期累计完成值、进展情况、存在问题、下步打算、"
            f"完成状态），其余内容已锁定；本期累计完成值填写截至本期末的累计数，只填数字；完成状态从下拉列表中选择；"
            f"不需报送的任务整行留空即可。请勿增删、复制或移动行，也不要改动工作表，否则无法导入。{due}"
            f"生成时间：{book.generated_at.astimezone():%Y-%m-%d %H:%M}")
    cell = ws.cell(NOTE_ROW, 1, cell_value(note))
    cell.font = Font(name=FONT, size=11)
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[NOTE_ROW].height = 48
    ws.cell(TITLE_ROW, IDENTITY, book.identity)
    write_header(ws, HEADER_ROW, COLUMNS)


def _task(ws: Worksheet, first: int, task: TemplateTask) -> int:
    indicators: tuple[TemplateIndicator | None, ...] = task.indicators or (None,)
    values = {COL["序号"]: task.number, COL["重点任务"]: task.title, COL["具体措施"]: task.content,
              COL["完成时限"]: task.due, COL["本单位职责"]: task.role, PROGRESS: task.progress,
              PROBLEMS: task.problems, NEXT_STEPS: task.next_steps, STATUS: task.status or None}
    for offset, indicator in enumerate(indicators):
        r = first + offset
        for col in range(1, IDENTITY):
            cell = ws.cell(r, col)
            cell.border = BORDER
            cell.font = Font(name=FONT, size=11)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.fill = LOCKED_FILL
            if col in TASK_COLUMNS and offset == 0:
                cell.value = cell_value(values[col])
        _indicator_cells(ws, r, indicator)
        ws.cell(r, IDENTITY, indicator.identity if indicator else task.identity)
        for col in (PROGRESS, PROBLEMS, NEXT_STEPS, STATUS):
            ws.cell(r, col).protection = OPEN
            ws.cell(r, col).fill = PatternFill(fill_type=None)
        ws.row_dimensions[r].height = 45
    if len(indicators) > 1:
        for col in TASK_COLUMNS:
            letter = get_column_letter(col)
            ws.merge_cells(f"{letter}{first}:{letter}{first + len(indicators) - 1}")
    lines = max(3, len(task.content) // 20 + 1)
    ws.row_dimensions[first].height = max(45, min(409, 15 * lines - 45 * (len(indicators) - 1)))
    return first + len(indicators)


def _indicator_cells(ws: Worksheet, r: int, indicator: TemplateIndicator | None) -> None:
    ws.cell(r, COL["量化指标"], cell_value(indicator.text if indicator else "—（无量化指标，无需填写完成值）"))
    if indicator is None:
        return
    last = ws.cell(r, COL["上期审核累计值"], indicator.last_approved)
    last.number_format = number_format(indicator.unit, indicator.last_approved)
    value = ws.cell(r, VALUE)
    if indicator.rolled_up:
        value.value = ROLLED_UP
        return
    value.value = indicator.value
    value.number_format = number_format(indicator.unit, indicator.value)
    value.protection = OPEN
    value.fill = PatternFill(fill_type=None)


def _validation(ws: Worksheet, last_row: int) -> None:
    if last_row < FIRST_ROW:
        return
    number = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="请填写数字",
                            error="本期累计完成值只能填写不小于0的数字（不含单位和文字）。")
    status = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="请从列表中选择", error="完成状态只能是“推进中”或“已完成”。")
    value, state = get_column_letter(VALUE), get_column_letter(STATUS)
    number.add(f"{value}{FIRST_ROW}:{value}{last_row}")
    status.add(f"{state}{FIRST_ROW}:{state}{last_row}")
    ws.add_data_validation(number)
    ws.add_data_validation(status)

"""Reading a filled progress template (pure): every row checked, every problem listed with its sheet,
row, column, value and a Chinese reason. Rows are trusted only through their signed identities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from taizhang.documents.signing import FileIdentity, RowIdentity, read_file, read_row
from taizhang.exports.safe import restore_text
from taizhang.exports.template_xlsx import (
    FIRST_ROW,
    HEADER_ROW,
    HEADERS,
    IDENTITY,
    ROLLED_UP,
    SHEET,
    STATUS,
    STATUS_CHOICES,
    TEXT_COLUMNS,
    TITLE_ROW,
    VALUE,
)

MAX_TEXT = 5000
CLAIMED = dict(zip(STATUS_CHOICES, ("in_progress", "completed"), strict=True))
INPUT_COLUMNS = (VALUE, *TEXT_COLUMNS, STATUS)


@dataclass
class FilledTask:
    """One task's rows as the unit filled them in."""

    task_id: int
    first_row: int
    indicator_ids: tuple[int, ...]
    rows: dict[int, int] = field(default_factory=dict)  # index within the task → sheet row
    values: dict[int, Decimal] = field(default_factory=dict)  # indicator id → 本期累计完成值
    texts: dict[str, str] = field(default_factory=lambda: {"progress": "", "problems": "", "next_steps": ""})
    status: str | None = None  # in_progress | completed | None (not chosen)

    @property
    def empty(self) -> bool:
        return not self.values and not any(self.texts.values()) and self.status is None


@dataclass
class FilledTemplate:
    file: FileIdentity | None
    tasks: list[FilledTask]
    problems: list[dict]


def problem(row: int | None, column: int | None, value: object, reason: str, sheet: str | None = SHEET) -> dict:
    return {"sheet": sheet, "row": row, "column": get_column_letter(column) if column else None,
            "value": None if value is None else str(value)[:200], "reason": reason}


def read_template(wb: Workbook, *, secret: str) -> FilledTemplate:
    extra = [n for n in wb.sheetnames if n != SHEET]
    if extra or SHEET not in wb.sheetnames:
        found = "、".join(f"“{n}”" for n in wb.sheetnames)
        reason = (f"工作簿中多了工作表{'、'.join(f'“{n}”' for n in extra)}：请只在下载的“{SHEET}”表中填写，不要增加工作表"
                  if SHEET in wb.sheetnames else f"找不到“{SHEET}”工作表（现有：{found}），这不是本系统的进展填报模板")
        return FilledTemplate(None, [], [problem(None, None, found, reason, sheet=None)])
    ws = wb[SHEET]
    headers = tuple(ws.cell(HEADER_ROW, col).value for col in range(1, len(HEADERS) + 1))
    if headers != HEADERS:
        return FilledTemplate(None, [], [problem(HEADER_ROW, None, "、".join(str(h) for h in headers if h),
                                                 "表头被改动，这不是原样的进展填报模板：请重新下载模板填写")])
    file = read_file(secret, ws.cell(TITLE_ROW, IDENTITY).value)
    if file is None:
        return FilledTemplate(None, [], [problem(TITLE_ROW, IDENTITY, None,
                                                 "文件校验码无效：不是本系统生成的填报模板，或已被改动；请重新下载模板")])
    problems: list[dict] = []
    tasks: dict[int, FilledTask] = {}
    for r in range(FIRST_ROW, ws.max_row + 1):
        _read_row(ws, r, file, tasks, problems, secret)
    for task in tasks.values():
        expected = set(range(max(1, len(task.indicator_ids))))
        if set(task.rows) != expected:
            problems.append(problem(task.first_row, IDENTITY, None,
                                    "该任务的行不完整（有行被删除或移动），请重新下载模板"))
    return FilledTemplate(file, list(tasks.values()), problems)


def _read_row(ws: Worksheet, r: int, file: FileIdentity, tasks: dict[int, FilledTask], problems: list[dict],
              secret: str) -> None:
    token = ws.cell(r, IDENTITY).value
    filled = [col for col in INPUT_COLUMNS if _present(ws.cell(r, col).value)]
    if token in (None, ""):
        if filled:
            problems.append(problem(r, filled[0], ws.cell(r, filled[0]).value,
                                    "此行不是模板中的任务行（没有校验码）：请勿增加、复制或移动行"))
        return
    row = read_row(secret, token)
    if row is None:
        problems.append(problem(r, IDENTITY, None, "校验码无效：此行被复制、移动或改动过，请重新下载模板"))
        return
    if (row.unit_id, row.period) != (file.unit_id, file.period):
        problems.append(problem(r, IDENTITY, None, "此行来自另一份模板（其他单位或其他报送期），不能混在本文件中导入"))
        return
    task = tasks.setdefault(row.task_id, FilledTask(row.task_id, r, row.indicator_ids))
    if row.indicator_ids != task.indicator_ids or row.index in task.rows:
        other = task.rows.get(row.index, task.first_row)
        problems.append(problem(r, IDENTITY, None, f"此行与第{other}行是同一任务的同一项（行被复制），请重新下载模板"))
        return
    task.rows[row.index] = r
    _read_value(ws, r, row, task, problems)
    if row.index == 0:
        _read_task_cells(ws, r, task, problems)
    else:
        for col in (*TEXT_COLUMNS, STATUS):
            if _present(ws.cell(r, col).value):
                problems.append(problem(r, col, ws.cell(r, col).value,
                                        f"请把{HEADERS[col - 1]}填写在该任务的第一行（第{task.first_row}行）"))


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _read_value(ws: Worksheet, r: int, row: RowIdentity, task: FilledTask, problems: list[dict]) -> None:
    cell = ws.cell(r, VALUE)
    value = cell.value
    if not _present(value) or value == ROLLED_UP:
        return
    if row.indicator_id is None:
        problems.append(problem(r, VALUE, value, "该任务没有量化指标，本期累计完成值一栏无需填写"))
        return
    number, reason = _number(value, cell.data_type)
    if reason:
        problems.append(problem(r, VALUE, value, f"本期累计完成值{reason}"))
    else:
        task.values[row.indicator_id] = number


def _number(value: object, data_type: str) -> tuple[Decimal | None, str | None]:
    if data_type == "f" or isinstance(value, str) and value.startswith("="):
        return None, "是公式，请直接填写数值"
    if isinstance(value, bool) or isinstance(value, (date, datetime)):
        return None, "不是数字，请只填写数值（不含单位和文字）"
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
    else:
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            return None, "不是数字，请只填写数值（不含单位和文字）"
    if not number.is_finite():
        return None, "不是数字，请只填写数值（不含单位和文字）"
    if number < 0:
        return None, "不能为负数"
    return number, None


def _read_task_cells(ws: Worksheet, r: int, task: FilledTask, problems: list[dict]) -> None:
    for col, key in TEXT_COLUMNS.items():
        cell = ws.cell(r, col)
        text, reason = _text(cell.value, cell.data_type)
        if reason:
            problems.append(problem(r, col, cell.value, f"{HEADERS[col - 1]}{reason}"))
        else:
            task.texts[key] = text
    status = ws.cell(r, STATUS).value
    if _present(status):
        choice = CLAIMED.get(str(status).strip())
        if choice is None:
            problems.append(problem(r, STATUS, status, "完成状态只能是“推进中”或“已完成”，请从下拉列表中选择"))
        task.status = choice


def _text(value: object, data_type: str) -> tuple[str, str | None]:
    if data_type == "f":
        return "", "是公式，请直接填写文字（如需以“=”开头，请在前面加一个空格）"
    if value is None:
        return "", None
    if isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d")
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = restore_text(str(value).strip())
    if len(text) > MAX_TEXT:
        return "", f"超过{MAX_TEXT}字（现有{len(text)}字），请精简"
    return text, None


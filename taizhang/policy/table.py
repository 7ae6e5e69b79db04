"""Documents laid out as a table: 序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限 | 牵头领导.

Rows arrive as lines with tab-separated cells (Word tables, or text with wide column gaps). A header
row names the columns; each following row whose first cell is a number is a measure; a row holding
only a heading (一、…) opens a section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from taizhang.policy.numerals import parse_number
from taizhang.policy.text import TextView

_COLUMN_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("no", re.compile(r"^(?:序号|编号|序)$")),
    ("leader", re.compile(r"(?:牵头|责任|分管)(?:市|区|县)?领导|责任人")),
    ("lead", re.compile(r"牵头(?:责任)?(?:单位|部门)|主责(?:单位|部门)|牵头$")),
    ("co", re.compile(r"(?:配合|协同|协办|参与)(?:责任)?(?:单位|部门)|配合$")),
    ("units", re.compile(r"^责任(?:单位|部门)$|^实施(?:单位|主体)$|^承办单位$")),
    ("deadline", re.compile(r"(?:完成|办结)?时限|完成时间|时间节点|进度安排")),
    ("title", re.compile(r"重点任务|工作任务|任务名称|主要任务|重点工作|工作事项|事项|任务$|项目名称")),
    ("text", re.compile(r"具体措施|工作措施|主要内容|工作内容|具体内容|目标任务|工作目标|任务内容|措施|内容|目标")),
)
_ROW_NUMBER = re.compile(r"^(?:\(?([0-9]{1,3}|[一二三四五六七八九十百]+)\)?[.、]?)$")
_SECTION_ROW = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")


@dataclass(frozen=True)
class Cell:
    start: int  # view offsets
    end: int


@dataclass(frozen=True)
class Row:
    start: int
    end: int
    number: int
    cells: dict[str, list[Cell]]  # column kind → cells (several "text" columns may exist)


@dataclass(frozen=True)
class SectionRow:
    start: int
    end: int
    number: int
    title: Cell


@dataclass(frozen=True)
class Table:
    header_start: int
    rows: list[Row | SectionRow]


def _cells(view: str, start: int, end: int) -> list[Cell]:
    out, pos = [], start
    while True:
        tab = view.find("\t", pos, end)
        stop = end if tab < 0 else tab
        s, e = pos, stop
        while s < e and view[s] == " ":
            s += 1
        while e > s and view[e - 1] == " ":
            e -= 1
        out.append(Cell(s, e))
        if tab < 0:
            return out
        pos = tab + 1


def _column_kinds(view: str, cells: list[Cell]) -> list[str | None] | None:
    kinds: list[str | None] = []
    for c in cells:
        text = view[c.start : c.end]
        kinds.append(next((k for k, p in _COLUMN_KINDS if p.search(text)), None) if len(text) <= 12 else None)
    has_units = any(k in ("lead", "co", "units") for k in kinds)
    has_task = any(k in ("title", "text") for k in kinds)
    return kinds if has_units and has_task else None


def find_table(tv: TextView) -> Table | None:
    """The first header row naming unit and task columns, and the rows under it — cells separated by
    tabs on one line, or (a web page's table copied as text) one cell per line."""
    return _horizontal(tv) or _vertical(tv)


def _horizontal(tv: TextView) -> Table | None:
    view = tv.view
    lines = tv.lines()
    for i, (s, e) in enumerate(lines):
        if "\t" not in view[s:e]:
            continue
        header = _cells(view, s, e)
        kinds = _column_kinds(view, header)
        if kinds is None:
            continue
        rows = _rows(view, lines[i + 1 :], kinds)
        if sum(isinstance(r, Row) for r in rows) >= 1:
            return Table(header_start=s, rows=rows)
    return None


def _rows(view: str, lines: list[tuple[int, int]], kinds: list[str | None]) -> list[Row | SectionRow]:
    out: list[Row | SectionRow] = []
    section_no = 0
    for s, e in lines:
        text = view[s:e].strip()
        if not text:
            continue
        cells = [c for c in _cells(view, s, e)]
        filled = [c for c in cells if c.start < c.end]
        heading = _SECTION_ROW.match(view[filled[0].start : filled[0].end]) if filled else None
        if heading and (len(filled) == 1 or all(view[c.start : c.end] == view[filled[0].start : filled[0].end]
                                                for c in filled)):
            section_no += 1
            title_start = filled[0].start + heading.start(2)
            out.append(SectionRow(start=s, end=e, number=section_no, title=Cell(title_start, filled[0].end)))
            continue
        if "\t" not in view[s:e]:
            break  # the table ended: back to running text
        row = _row(view, s, e, cells, kinds)
        if row is not None:
            out.append(row)
    return out


def _row(view: str, s: int, e: int, cells: list[Cell], kinds: list[str | None]) -> Row | None:
    by_kind: dict[str, list[Cell]] = {}
    for kind, cell in zip(kinds, cells, strict=False):
        if kind and cell.start < cell.end:
            by_kind.setdefault(kind, []).append(cell)
    number_cell = (by_kind.get("no") or [cells[0]])[0]
    m = _ROW_NUMBER.match(view[number_cell.start : number_cell.end])
    if not m:
        return None
    try:
        number = int(parse_number(m.group(1)))
    except ValueError:
        return None
    if "title" not in by_kind and "text" not in by_kind:
        return None
    return Row(start=s, end=e, number=number, cells=by_kind)


def _vertical(tv: TextView) -> Table | None:
    """Header cells on consecutive lines (序号 / 重点任务 / 牵头单位 / …), then each row's cells on
    the following lines, a row starting at its number."""
    view = tv.view
    lines = [(s, e) for s, e in tv.lines() if view[s:e].strip()]
    for i in range(len(lines)):
        header = []
        for s, e in lines[i:]:
            cell = Cell(*_trimmed(view, s, e))
            if view[cell.start : cell.end] and len(view[cell.start : cell.end]) <= 12 and _column_kinds(
                view, [cell]
            ) is None and any(p.search(view[cell.start : cell.end]) for _, p in _COLUMN_KINDS):
                header.append(cell)
                continue
            break
        kinds = _column_kinds(view, header) if len(header) >= 3 else None
        if kinds is None or kinds[0] != "no":
            continue
        rows = _vertical_rows(view, lines[i + len(header) :], kinds)
        if sum(isinstance(r, Row) for r in rows) >= 1:
            return Table(header_start=lines[i][0], rows=rows)
    return None


def _trimmed(view: str, s: int, e: int) -> tuple[int, int]:
    while s < e and view[s] in " \t":
        s += 1
    while e > s and view[e - 1] in " \t":
        e -= 1
    return s, e


def _vertical_rows(view: str, lines: list[tuple[int, int]], kinds: list[str | None]) -> list[Row | SectionRow]:
    out: list[Row | SectionRow] = []
    section_no = 0
    pending: list[Cell] = []

    def flush() -> None:
        if pending:
            row = _row(view, pending[0].start, pending[-1].end, pending, kinds)
            if row is not None:
                out.append(row)
            pending.clear()

    for s, e in lines:
        cell = Cell(*_trimmed(view, s, e))
        text = view[cell.start : cell.end]
        if _ROW_NUMBER.match(text):
            flush()
            pending.append(cell)
        elif (heading := _SECTION_ROW.match(text)) and (len(pending) in (0, len(kinds))):
            flush()
            section_no += 1
            out.append(SectionRow(start=s, end=e, number=section_no, title=Cell(cell.start + heading.start(2), cell.end)))
        elif pending and len(pending) < len(kinds):
            pending.append(cell)
        else:
            flush()
            if out and isinstance(out[-1], Row):
                break  # the table ended: back to running text
    flush()
    return out

"""The workload's CSV files (units.csv, tasks.csv, reports.csv) read into plain rows, and the mapping
of its progress reports onto ours. Pure: no database.

A workload report is one submission. Ours is one ``Report`` per task, period and unit holding the
latest submission of that month, with one ``ReportVersion`` per submission (version 1..n), which is
how the product keeps every submission. The period is the month of ``reported_at``; times in the
files are China time, the ledger's calendar.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path

from taizhang.errors import ValidationFailed

AS_OF = date(2023, 1, 1)  # WORKLOAD.md: the dataset's "today"
FILES = ("units.csv", "tasks.csv", "reports.csv")
UNIT_KINDS = ("city", "department", "county")
TASK_STATUSES = ("not_started", "in_progress", "completed")


@dataclass(frozen=True)
class UnitRow:
    id: int
    code: str
    name: str
    kind: str
    city_no: int
    parent_id: int | None


@dataclass(frozen=True)
class TaskRow:
    id: int
    parent_id: int | None
    level: int
    city_no: int
    lead_unit_id: int
    co_unit_ids: tuple[int, ...]
    title: str
    start_date: str
    due_date: str
    status: str
    completed_on: str | None
    target_value: str | None
    value_unit: str
    latest_actual: str | None


def check_directory(directory: Path) -> dict:
    """The manifest, after checking that every file is there."""
    missing = [name for name in FILES if not (directory / name).is_file()]
    if missing:
        raise ValidationFailed(f"目录“{directory}”中缺少负载数据文件：{'、'.join(missing)}（请用 gen_workload.py 生成）。")
    manifest = directory / "manifest.json"
    return json.loads(manifest.read_text("utf-8")) if manifest.is_file() else {}


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader, None)  # header
        yield from reader


def read_units(directory: Path) -> list[UnitRow]:
    """Units with names made unique: a name used twice gets its city's name in front."""
    raw = list(_rows(directory / "units.csv"))
    city_names = {int(r[4]): r[2].removesuffix("人民政府") for r in raw if r[3] == "city"}
    seen: dict[str, int] = {}
    for r in raw:
        seen[r[2]] = seen.get(r[2], 0) + 1
    units = []
    for uid, code, name, kind, city_no, _city_unit, parent in raw:
        if kind not in UNIT_KINDS:
            raise ValidationFailed(f"units.csv 第{uid}行：单位类别“{kind}”无效。")
        if seen[name] > 1 and kind != "city":
            name = city_names[int(city_no)] + name
        units.append(UnitRow(int(uid), code, name, kind, int(city_no), int(parent) if parent else None))
    return units


def read_tasks(directory: Path) -> Iterator[TaskRow]:
    for r in _rows(directory / "tasks.csv"):
        (tid, parent, level, city_no, lead, co, title, start, due, status, completed_on, target, value_unit,
         latest) = r
        if status not in TASK_STATUSES:
            raise ValidationFailed(f"tasks.csv 任务{tid}：状态“{status}”无效。")
        yield TaskRow(
            id=int(tid), parent_id=int(parent) if parent else None, level=int(level), city_no=int(city_no),
            lead_unit_id=int(lead), co_unit_ids=tuple(int(c) for c in co.split(";") if c), title=title,
            start_date=start, due_date=due, status=status, completed_on=completed_on or None,
            target_value=target or None, value_unit=value_unit, latest_actual=latest or None,
        )


def read_reports(directory: Path) -> Iterator[list[str]]:
    """Raw rows (id, task_id, reported_at, unit_id, actual_value, narrative), in id (= time) order."""
    return _rows(directory / "reports.csv")


@dataclass(slots=True)
class Group:
    """One Report: a task's submissions by one unit in one month."""

    report_id: int
    task_id: int
    period: str
    unit_id: int
    versions: int = 0
    first_at: str = ""
    last_at: str = ""
    narrative: str = ""
    value: str | None = None


@dataclass
class Submissions:
    """Groups submissions into reports as they stream by (``add`` returns the version number)."""

    first_report_id: int = 1
    groups: dict[tuple[int, str, int], Group] = field(default_factory=dict)

    def add(self, task_id: int, reported_at: str, unit_id: int, value: str | None, narrative: str) -> Group:
        key = (task_id, reported_at[:7], unit_id)
        group = self.groups.get(key)
        if group is None:
            group = Group(self.first_report_id + len(self.groups), task_id, key[1], unit_id, first_at=reported_at)
            self.groups[key] = group
        group.versions += 1
        group.last_at, group.narrative, group.value = reported_at, narrative, value
        return group


def snapshot_json(narrative: str, indicator_id: int | None, value: str | None) -> str:
    """A ReportVersion snapshot in the shape ``reporting.service`` writes (formatted by hand: json.dumps
    of the whole dict costs several times more, a million times over)."""
    values = f'{{"{indicator_id}": {encode_basestring(value)}}}' if indicator_id is not None and value else "{}"
    return (f'{{"progress": {encode_basestring(narrative)}, "problems": "", "next_steps": "", '
            f'"claimed_status": "in_progress", "values": {values}}}')

"""Pure: scoring units for an assessment period (考核), from facts the service collects.

Events of a period (``score_events_for_period``), each for the task's lead unit; the assessment
period is a key of any cadence ("2020-09", "2020-Q3", "2020-W37") and stands for its days:

- on_time / late / missing: for every period the task owes whose due day falls in the assessment
  period — submitted on or before the due day: on time; after it but within the assessment period:
  late; not by the assessment period's last day: missing (a later submission does not change a
  closed period's score);
- returned: each time the office sent a report back within the assessment period;
- yellow / orange / red: the task's effective light on the period's last day (orange is not in the
  issue's table: it scores between yellow and red so that a worse light never costs less);
- completed_on_time: the task was closed within the assessment period, on or before its deadline.

Scores (``score``): a unit's total is the sum of its lines' points (``PointsTable``); units are
sorted by total, highest first, with ties in unit id order, and ranked by standard competition
ranking (1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from taizhang.ledger.periods import (
    first_owed,
    format_date,
    next_period,
    owes,
    period_bounds,
    period_due,
    period_label,
    report_for,
)
from taizhang.ledger.status import TaskSnapshot, task_light
from taizhang.ledger.vocabulary import LIGHT_LABELS, SCORE_KINDS

KINDS = tuple(SCORE_KINDS)
_LIGHT_EVENTS = ("yellow", "orange", "red")


@dataclass(frozen=True)
class PointsTable:
    on_time: Decimal = Decimal("1")
    late: Decimal = Decimal("-0.1")
    missing: Decimal = Decimal("-0.5")
    returned: Decimal = Decimal("-2")
    yellow: Decimal = Decimal("-0.5")
    orange: Decimal = Decimal("-1")
    red: Decimal = Decimal("-2")
    completed_on_time: Decimal = Decimal("1")

    def points(self, kind: str) -> Decimal:
        return getattr(self, _check_kind(kind))


DEFAULT_POINTS = PointsTable()


@dataclass(frozen=True)
class ScoreEvent:
    """A fact that scores: one unit, one task, one kind, on one day."""

    unit_id: int
    task_id: int
    kind: str  # a key of SCORE_KINDS
    on: date
    detail: str = ""

    def __post_init__(self) -> None:
        _check_kind(self.kind)


@dataclass(frozen=True)
class ScoreLine:
    task_id: int
    kind: str
    label: str
    points: Decimal
    on: date
    detail: str


@dataclass(frozen=True)
class UnitScore:
    unit_id: int
    total: Decimal
    events: tuple[ScoreLine, ...]
    rank: int


def score(
    events: Sequence[ScoreEvent], table: PointsTable = DEFAULT_POINTS, *, units: Iterable[int] = ()
) -> list[UnitScore]:
    """Each unit's lines and total, ranked. ``units`` adds units without events (total 0)."""
    lines: dict[int, list[ScoreLine]] = {unit: [] for unit in units}
    for e in events:
        line = ScoreLine(e.task_id, e.kind, SCORE_KINDS[e.kind], table.points(e.kind), e.on, e.detail)
        lines.setdefault(e.unit_id, []).append(line)
    totals = {
        unit: (sum((line.points for line in unit_lines), Decimal(0)), unit_lines) for unit, unit_lines in lines.items()
    }
    ordered = sorted(totals, key=lambda unit: (-totals[unit][0], unit))
    scores = []
    for unit in ordered:
        total, unit_lines = totals[unit]
        rank = 1 + sum(1 for other, _ in totals.values() if other > total)
        unit_lines.sort(key=lambda line: (line.on, line.task_id, KINDS.index(line.kind)))
        scores.append(UnitScore(unit, total, tuple(unit_lines), rank))
    return scores


def score_events_for_period(
    tasks: Sequence[TaskSnapshot], period: str, *, lights: Mapping[int, str] | None = None
) -> list[ScoreEvent]:
    """The scoring facts of ``period`` (see the module docstring). ``lights`` maps task id to its
    effective light on the period's last day; when omitted it is computed with ``task_light``."""
    first, last = period_bounds(period)
    events: list[ScoreEvent] = []
    for task in tasks:
        if task.lead_unit_id is None:
            continue
        events += _report_events(task, first, last)
        events += _returned_events(task, first, last)
        light = lights[task.task_id] if lights is not None else task_light(task, last).light
        if light in _LIGHT_EVENTS:
            events.append(_event(task, light, last, f"{format_date(last)}为{LIGHT_LABELS[light]}"))
        closed = task.closed_on
        on_time = closed is not None and (task.due_date is None or closed <= task.due_date)
        if on_time and first <= closed <= last:
            events.append(_event(task, "completed_on_time", closed, f"{format_date(closed)}按期办结"))
    return events


def _report_events(task: TaskSnapshot, first: date, last: date) -> list[ScoreEvent]:
    events = []
    period = first_owed(task.cadence, task.start)
    while (due := period_due(task.cadence, period)) <= last:
        if due >= first and owes(task.cadence, period, task.start, task.closed_on):
            events.append(_report_event(task, period, due, last))
        period = next_period(task.cadence, period)
    return events


def _report_event(task: TaskSnapshot, period: str, due: date, last: date) -> ScoreEvent:
    label = period_label(task.cadence, period)
    report = report_for(task, period)
    submitted = report.submitted_on if report is not None else None
    if submitted is not None and submitted <= due:
        return _event(task, "on_time", submitted, f"{label}进展按时报送（{format_date(submitted)}）")
    if submitted is not None and submitted <= last:
        detail = f"{label}进展逾期报送（{format_date(submitted)}报送，应于{format_date(due)}前）"
        return _event(task, "late", submitted, detail)
    return _event(task, "missing", due, f"{label}进展未报送（应于{format_date(due)}前）")


def _returned_events(task: TaskSnapshot, first: date, last: date) -> list[ScoreEvent]:
    events = []
    for report in task.reports:
        label = period_label(task.cadence, report.period)
        for day in report.returned_on:
            if first <= day <= last:
                events.append(_event(task, "returned", day, f"{label}进展被退回（{format_date(day)}）"))
    return events


def _event(task: TaskSnapshot, kind: str, on: date, detail: str) -> ScoreEvent:
    return ScoreEvent(task.lead_unit_id, task.task_id, kind, on, detail)


def _check_kind(kind: str) -> str:
    if kind not in SCORE_KINDS:
        raise ValueError(f"考核事项“{kind}”无效，可选：{'、'.join(SCORE_KINDS)}。")
    return kind

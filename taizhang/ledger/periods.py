"""Pure: reporting periods (报送周期), the reports owed for them, and the working-day calendar.

``today`` is always a parameter: nothing here reads the clock.

A cadence names its periods with sortable keys and fixes the day each report is due:

- monthly (月报, the default): "2020-09", due on day 25 of that same month (2020-09-25). A due day
  past the month's end falls on its last day (day 31 → 2020-02-29).
- weekly (周报): "2020-W37" (ISO week), due on an ISO weekday of that same week, Friday by default
  (2020-W37 → 2020-09-11).
- quarterly (季报): "2020-Q3", due on day N of the month after the quarter, the 10th by default
  (2020-Q3 → 2020-10-10).

A report is on time when submitted on or before the due day; the due day itself is on time.

A task owes a report for every period that ends on or after its start date and falls due on or
after it, up to its closing date. A period is missed when nothing was submitted by its due day (a
late submission still misses it; approval may come later). The period under judgement is the latest
period whose due day has passed — or a later one, once its report is approved: before 25 September,
a monthly task is judged on its approved August report.

Working days are Monday to Friday. ``WorkCalendar`` takes the public holidays and the weekend days
worked in exchange (调休上班) so the State Council's yearly schedule can be supplied without code changes.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

KINDS = ("monthly", "weekly", "quarterly")
DEFAULT_DUE_DAY = {"monthly": 25, "weekly": 5, "quarterly": 10}
_PATTERNS = {
    "monthly": re.compile(r"^(\d{4})-(\d{2})$"),
    "weekly": re.compile(r"^(\d{4})-W(\d{2})$"),
    "quarterly": re.compile(r"^(\d{4})-Q([1-4])$"),
}
_EXAMPLES = {"monthly": "2020-09", "weekly": "2020-W37", "quarterly": "2020-Q3"}


@dataclass(frozen=True)
class Cadence:
    """How often a task reports and on which day. ``due_day`` None means the kind's default:
    the 25th (monthly), Friday = 5 (weekly, ISO weekday 1–7), the 10th of the next month (quarterly)."""

    kind: str = "monthly"
    due_day: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"报送周期“{self.kind}”无效，应为 monthly（每月）、weekly（每周）或 quarterly（每季度）。")
        upper = 7 if self.kind == "weekly" else 31
        if self.due_day is not None and not 1 <= self.due_day <= upper:
            raise ValueError(f"报送日“{self.due_day}”无效：{self.kind} 周期的报送日应在 1 到 {upper} 之间。")

    @property
    def day(self) -> int:
        return self.due_day if self.due_day is not None else DEFAULT_DUE_DAY[self.kind]


MONTHLY = Cadence()


@dataclass(frozen=True)
class ReportRecord:
    """One period's progress report as the ledger holds it (one record per period)."""

    period: str
    submitted_on: date | None = None  # the first submission
    approved_on: date | None = None
    returned_on: tuple[date, ...] = ()  # each time the office sent it back for correction
    values: Mapping[int, Decimal] = field(default_factory=dict)  # indicator id → cumulative actual


class Reporting(Protocol):
    """What the reporting rules read from a task (``status.TaskSnapshot`` has it)."""

    @property
    def cadence(self) -> Cadence: ...
    @property
    def start(self) -> date: ...
    @property
    def closed_on(self) -> date | None: ...
    @property
    def reports(self) -> Sequence[ReportRecord]: ...


def _parse(cadence: Cadence, period: str) -> tuple[int, int]:
    match = _PATTERNS[cadence.kind].match(period)
    if match is None:
        raise ValueError(f"报送期“{period}”与报送周期不符，应写作 {_EXAMPLES[cadence.kind]} 这样的形式。")
    year, n = int(match[1]), int(match[2])
    if not 1900 <= year <= 2999:  # keeps the previous and next period inside the calendar
        raise ValueError(f"报送期“{period}”的年份无效，应在1900年至2999年之间。")
    if cadence.kind == "monthly" and not 1 <= n <= 12:
        raise ValueError(f"报送期“{period}”的月份无效。")
    if cadence.kind == "weekly" and not 1 <= n <= date(year, 12, 28).isocalendar().week:
        raise ValueError(f"报送期“{period}”的周次无效。")
    return year, n


def _clipped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def period_bounds(period: str) -> tuple[date, date]:
    """The first and last day of a period written in any cadence's form (2020-09, 2020-Q3, 2020-W37)."""
    for kind, pattern in _PATTERNS.items():
        if pattern.match(period):
            cadence = Cadence(kind)
            return period_start(cadence, period), period_end(cadence, period)
    raise ValueError(f"期别“{period}”无效，应写作 2020-09（月）、2020-Q3（季度）或 2020-W37（周）。")


def period_of(cadence: Cadence, day: date) -> str:
    """The period that contains ``day``."""
    if cadence.kind == "monthly":
        return f"{day.year}-{day.month:02d}"
    if cadence.kind == "weekly":
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def current_period(cadence: Cadence, today: date) -> str:
    """The period running today (its report may not be due yet)."""
    return period_of(cadence, today)


def period_start(cadence: Cadence, period: str) -> date:
    year, n = _parse(cadence, period)
    if cadence.kind == "monthly":
        return date(year, n, 1)
    if cadence.kind == "weekly":
        return date.fromisocalendar(year, n, 1)
    return date(year, 3 * n - 2, 1)


def period_end(cadence: Cadence, period: str) -> date:
    return period_start(cadence, next_period(cadence, period)) - timedelta(days=1)


def period_due(cadence: Cadence, period: str) -> date:
    """The last day a report for ``period`` is on time."""
    year, n = _parse(cadence, period)
    if cadence.kind == "monthly":
        return _clipped(year, n, cadence.day)
    if cadence.kind == "weekly":
        return date.fromisocalendar(year, n, cadence.day)
    month_after = 3 * n + 1
    return _clipped(year + month_after // 13, (month_after - 1) % 12 + 1, cadence.day)


def next_period(cadence: Cadence, period: str) -> str:
    year, n = _parse(cadence, period)
    if cadence.kind == "monthly":
        return f"{year + n // 12}-{n % 12 + 1:02d}"
    if cadence.kind == "weekly":
        return period_of(cadence, period_start(cadence, period) + timedelta(days=7))
    return f"{year + n // 4}-Q{n % 4 + 1}"


def previous_period(cadence: Cadence, period: str) -> str:
    return period_of(cadence, period_start(cadence, period) - timedelta(days=1))


def owes(cadence: Cadence, period: str, start: date, closed_on: date | None = None) -> bool:
    """A task started on ``start`` owes a report for ``period`` when the period ends on or after the
    start, falls due on or after it, and falls due no later than the task's closing date."""
    due = period_due(cadence, period)
    if period_end(cadence, period) < start or due < start:
        return False
    return closed_on is None or due <= closed_on


def first_owed(cadence: Cadence, start: date) -> str:
    period = period_of(cadence, start)
    return period if period_due(cadence, period) >= start else next_period(cadence, period)


def owed_before(cadence: Cadence, start: date, closed_on: date | None, today: date) -> list[str]:
    """The periods owed whose due day is before ``today``, oldest first."""
    found, period = [], first_owed(cadence, start)
    while period_due(cadence, period) < today:
        if owes(cadence, period, start, closed_on):
            found.append(period)
        period = next_period(cadence, period)
    return found


def report_for(task: Reporting, period: str) -> ReportRecord | None:
    return next((r for r in task.reports if r.period == period), None)


def submitted_by(report: ReportRecord | None, day: date) -> bool:
    return report is not None and report.submitted_on is not None and report.submitted_on <= day


def approved_by(report: ReportRecord | None, day: date) -> bool:
    return report is not None and report.approved_on is not None and report.approved_on <= day


def missed_in_a_row(task: Reporting, today: date) -> list[str]:
    """The latest periods due, in a row, with nothing submitted by their due day, oldest first."""
    missed: list[str] = []
    for period in reversed(owed_before(task.cadence, task.start, task.closed_on, today)):
        if submitted_by(report_for(task, period), min(period_due(task.cadence, period), today)):
            break
        missed.insert(0, period)
    return missed


def judged_period(task: Reporting, today: date) -> str | None:
    """The latest period due, or a later one whose report is already approved; None before any."""
    due = owed_before(task.cadence, task.start, task.closed_on, today)
    floor = period_start(task.cadence, due[-1]) if due else date.min
    early = [
        r.period
        for r in task.reports
        if approved_by(r, today) and floor < period_start(task.cadence, r.period) <= today
    ]
    if early:
        return max(early, key=lambda p: period_start(task.cadence, p))
    return due[-1] if due else None


def period_label(cadence: Cadence, period: str) -> str:
    """Chinese name of a period: 2020年9月, 2020年第37周, 2020年第3季度."""
    year, n = _parse(cadence, period)
    if cadence.kind == "monthly":
        return f"{year}年{n}月"
    if cadence.kind == "weekly":
        return f"{year}年第{n}周"
    return f"{year}年第{n}季度"


def format_date(day: date) -> str:
    """2020年9月25日 — how dates appear in the texts shown to users."""
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------- working days


@dataclass(frozen=True)
class WorkCalendar:
    """Monday–Friday, minus ``holidays``, plus weekend ``workdays`` (调休上班)."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


WEEKDAYS = WorkCalendar()


def add_working_days(work: WorkCalendar, start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise ValueError("工作日天数不能为负数。")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if work.is_working_day(day):
            remaining -= 1
    return day

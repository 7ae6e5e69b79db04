"""Pure: what needs urging today (催办/督办), and the next notice on the escalation ladder.

What needs urging (``needs_urging``), for each task started and not closed, addressed to its lead unit:

- missing_report: every period owed whose due day has passed with nothing submitted yet, one item
  per period (a report submitted late needs no more urging; the light still counts it as missed);
- red / orange: the task's effective light (an override counts), with the light's reasons;
- deadline_soon: the task's deadline, or an unmet indicator's own deadline, falls within the next
  7 days (the blue window of ``Thresholds``), today included.

Items sort by severity (red, missing_report, orange, deadline_soon), then task id. Each item has a
``key`` naming what it is about — "12:report:2020-09", "12:progress:2020-09" (the period under
judgement, so an orange task turning red stays on the same ladder), "12:deadline:2020-12-31" — under
which the service files the item's notices.

The ladder (``Ladder``): 催办 reminder → 蓝色督办单 blue → 橙色督办单 orange → 红色督办单 red, each
to be answered within 3, 5, 3 and 2 working days after the day it is issued. ``next_step`` looks at
the latest notice of an item: answered (on or before today) — the ladder stops; not yet past its
answer-by day — wait; past it unanswered — the next step, issued today. A supervisor may start an
urgent item higher (``start_at``), which also lifts the next step to at least that level. After a
red order expires unanswered the ladder ends: what follows (约谈, 通报) is the office's decision.
Working days come from a ``WorkCalendar`` (Monday–Friday unless holidays are supplied).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from taizhang.ledger.periods import (
    WEEKDAYS,
    WorkCalendar,
    add_working_days,
    format_date,
    owed_before,
    period_due,
    period_label,
    report_for,
    submitted_by,
)
from taizhang.ledger.status import (
    DEFAULT_THRESHOLDS,
    LightResult,
    TaskSnapshot,
    Thresholds,
    task_light,
)
from taizhang.ledger.vocabulary import LIGHT_LABELS, NOTICE_STEPS, URGE_REASONS

STEPS = tuple(NOTICE_STEPS)  # reminder, blue, orange, red
_SEVERITY = ("red", "missing_report", "orange", "deadline_soon")


@dataclass(frozen=True)
class UrgeItem:
    task_id: int
    unit_id: int | None  # the lead unit; None when the task has none yet
    reason: str  # a key of URGE_REASONS
    text: str  # Chinese, shown to the unit
    key: str  # what the item is about; notices are filed under it
    period: str | None = None
    due: date | None = None

    @property
    def label(self) -> str:
        return URGE_REASONS[self.reason]


def needs_urging(
    tasks: Sequence[TaskSnapshot],
    today: date,
    *,
    soon_days: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[UrgeItem]:
    """Everything to urge today (see the module docstring), most severe first. ``soon_days``
    defaults to the thresholds' blue window, so "临期" means the same on the light and in urging."""
    soon_days = thresholds.blue_days if soon_days is None else soon_days
    items: list[UrgeItem] = []
    for task in tasks:
        if task.start > today or (task.closed_on is not None and task.closed_on <= today):
            continue
        light = task_light(task, today, thresholds)
        items += _missing_reports(task, today)
        items += _lagging(task, light)
        items += _deadlines(task, light, today, soon_days)
    return sorted(items, key=lambda i: (_SEVERITY.index(i.reason), i.task_id, i.key))


def _missing_reports(task: TaskSnapshot, today: date) -> list[UrgeItem]:
    items = []
    for period in owed_before(task.cadence, task.start, task.closed_on, today):
        if submitted_by(report_for(task, period), today):
            continue
        due = period_due(task.cadence, period)
        late = (today - due).days
        text = f"{period_label(task.cadence, period)}进展未报送，应于{format_date(due)}前报送，已逾期{late}天"
        items.append(_item(task, "missing_report", text, f"report:{period}", period, due))
    return items


def _lagging(task: TaskSnapshot, light: LightResult) -> list[UrgeItem]:
    if light.light not in ("red", "orange"):
        return []
    text = f"{LIGHT_LABELS[light.light]}：{'；'.join(light.reasons)}"
    return [_item(task, light.light, text, f"progress:{light.period or '-'}", light.period)]


def _deadlines(task: TaskSnapshot, light: LightResult, today: date, soon_days: int) -> list[UrgeItem]:
    met = {il.indicator_id: il.met for il in light.indicators}
    deadlines: dict[date, str] = {}
    for ind in task.indicators:
        if ind.due_date is not None and not met.get(ind.id):
            deadlines.setdefault(ind.due_date, f"{ind.name}：")
    if task.due_date is not None:
        deadlines[task.due_date] = ""
    items = []
    for due, what in sorted(deadlines.items()):
        days_left = (due - today).days
        if not 0 <= days_left <= soon_days:
            continue
        on = format_date(due)
        when = f"今天是完成时限（{on}）" if days_left == 0 else f"距完成时限{on}还有{days_left}天"
        text = f"{what}{when}，{'目标尚未完成' if what else '任务尚未办结'}"
        items.append(_item(task, "deadline_soon", text, f"deadline:{due.isoformat()}", due=due))
    return items


def _item(
    task: TaskSnapshot, reason: str, text: str, topic: str, period: str | None = None, due: date | None = None
) -> UrgeItem:
    return UrgeItem(task.task_id, task.lead_unit_id, reason, text, f"{task.task_id}:{topic}", period, due)


# ---------------------------------------------------------------- the escalation ladder


@dataclass(frozen=True)
class Ladder:
    """Working days a unit has to answer each step."""

    reminder: int = 3
    blue: int = 5
    orange: int = 3
    red: int = 2

    def __post_init__(self) -> None:
        if min(self.reminder, self.blue, self.orange, self.red) < 1:
            raise ValueError("催办、督办的办理时限至少为1个工作日。")

    def limit(self, step: str) -> int:
        return getattr(self, _check_step(step))


DEFAULT_LADDER = Ladder()


@dataclass(frozen=True)
class NoticeRecord:
    step: str  # a key of NOTICE_STEPS
    issued_on: date
    answered_on: date | None = None

    def __post_init__(self) -> None:
        _check_step(self.step)


@dataclass(frozen=True)
class Step:
    step: str
    issued_on: date
    answer_by: date  # the last working day to answer

    @property
    def label(self) -> str:
        return NOTICE_STEPS[self.step]


def answer_by(notice: NoticeRecord, *, ladder: Ladder = DEFAULT_LADDER, calendar: WorkCalendar = WEEKDAYS) -> date:
    return add_working_days(calendar, notice.issued_on, ladder.limit(notice.step))


def next_step(
    history: Sequence[NoticeRecord],
    today: date,
    *,
    ladder: Ladder = DEFAULT_LADDER,
    calendar: WorkCalendar = WEEKDAYS,
    start_at: str = "reminder",
) -> Step | None:
    """The notice to issue today for one item, or None (answered, still running, or ladder ended)."""
    floor = STEPS.index(_check_step(start_at))
    past = [n for n in history if n.issued_on <= today]
    if not past:
        return _issue(STEPS[floor], today, ladder, calendar)
    latest = max(past, key=lambda n: (n.issued_on, STEPS.index(n.step)))
    if latest.answered_on is not None and latest.answered_on <= today:
        return None
    if today <= answer_by(latest, ladder=ladder, calendar=calendar):
        return None
    following = max(STEPS.index(latest.step) + 1, floor)
    return _issue(STEPS[following], today, ladder, calendar) if following < len(STEPS) else None


def _issue(step: str, today: date, ladder: Ladder, calendar: WorkCalendar) -> Step:
    return Step(step, today, add_working_days(calendar, today, ladder.limit(step)))


def _check_step(step: str) -> str:
    if step not in NOTICE_STEPS:
        raise ValueError(f"督办环节“{step}”无效，可选：{'、'.join(NOTICE_STEPS)}。")
    return step

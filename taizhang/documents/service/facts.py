"""The ledger as it stood in one reporting period: tasks in document order, their lights and
statuses judged on the period's last day (or today, for the running period), the lead units'
reports for the period. Shared by the 台账 export and the 通报.

Only approved figures count. A report for the period (or an earlier one) that the office approved
after the period ended still counts for it — the 通报 for September is written in October, once
September's reports are reviewed. Reports of later periods are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from taizhang.auth.permissions import Actor
from taizhang.errors import NotFound, ValidationFailed
from taizhang.ledger.models import Assignment, Measure, Policy, Section, Task
from taizhang.ledger.periods import Cadence, current_period, period_end, period_label, period_start
from taizhang.ledger.service import find_units
from taizhang.ledger.service.access import scope_tasks
from taizhang.ledger.service.lights import as_of, cadence_of, current_policy_row, snapshots, thresholds_of
from taizhang.ledger.status import LightResult, TaskSnapshot, completion_status, task_light
from taizhang.reporting.models import Report

NO_POLICY = "台账中还没有任务：请先用 taizhang import 导入政策文件。"


@dataclass(frozen=True)
class PeriodFacts:
    policy: Policy
    cadence: Cadence
    period: str
    label: str
    day: date  # the day the period is judged on
    tasks: list[Task]  # document order; a sub-task right after its parent
    numbers: dict[int, str]  # task id → 序号 ("4", "4-1")
    snaps: dict[int, TaskSnapshot]
    results: dict[int, LightResult]
    statuses: dict[int, str]
    reports: dict[int, Report]  # task id → the lead unit's report for the period

    def light(self, task: Task) -> str:
        return self.results[task.id].light


def policy_or_fail(session: Session) -> Policy:
    policy = current_policy_row(session)
    if policy is None:
        raise NotFound(NO_POLICY)
    return policy


def resolve_period(session: Session, policy: Policy, period: str | None) -> tuple[str, str, date]:
    """The period (the running one by default), its Chinese label and the day it is judged on."""
    cadence = cadence_of(policy)
    today = as_of(session)
    period = (period or current_period(cadence, today)).strip()
    try:
        label = period_label(cadence, period)
    except ValueError:
        raise ValidationFailed(f"报送期“{period}”格式不对：按月如 2020-09，按季如 2020-Q3，按周如 2020-W37。") from None
    if period_start(cadence, period) > today:
        raise ValidationFailed(f"{label}尚未开始，没有可导出的数据。")
    return period, label, min(period_end(cadence, period), today)


def period_facts(*, session: Session, actor: Actor, period: str | None = None, unit: str | None = None,
                 section: int | None = None) -> PeriodFacts:
    policy = policy_or_fail(session)
    cadence = cadence_of(policy)
    period, label, day = resolve_period(session, policy, period)
    tasks = _tasks(session, actor, policy, unit, section)
    snaps = {task_id: _as_of_period(snap, cadence, period, day)
             for task_id, snap in snapshots(session, tasks, cadence).items()}
    thresholds = thresholds_of(policy)
    results = {task_id: task_light(snap, day, thresholds) for task_id, snap in snaps.items()}
    statuses = {task_id: completion_status(snap, day) for task_id, snap in snaps.items()}
    return PeriodFacts(policy=policy, cadence=cadence, period=period, label=label, day=day, tasks=tasks,
                       numbers=_numbers(tasks), snaps=snaps, results=results, statuses=statuses,
                       reports=_lead_reports(session, tasks, period))


def _tasks(session: Session, actor: Actor, policy: Policy, unit: str | None, section: int | None) -> list[Task]:
    query = (
        select(Task).join(Measure, Task.measure_id == Measure.id)
        .where(Measure.policy_id == policy.id, Task.status != "withdrawn")
    )
    if unit:
        unit_ids = [u.id for u in find_units(session, unit)]
        if not unit_ids:
            raise ValidationFailed(f"找不到单位“{unit}”。")
        query = query.where(Task.id.in_(select(Assignment.task_id).where(Assignment.unit_id.in_(unit_ids))))
    if section is not None:
        query = query.where(Measure.section_id.in_(
            select(Section.id).where(Section.policy_id == policy.id, Section.no == section)))
    tasks = session.scalars(
        scope_tasks(query, actor).options(
            selectinload(Task.assignments).selectinload(Assignment.unit), selectinload(Task.indicators),
            selectinload(Task.measure).selectinload(Measure.section), selectinload(Task.children),
        )
    ).all()
    return sorted(tasks, key=lambda t: (t.measure.seq, _path(t)))


def _path(task: Task) -> list[int]:
    path, node = [], task
    while node is not None:
        path.insert(0, node.id)
        node = node.parent
    return path


def _numbers(tasks: list[Task]) -> dict[int, str]:
    return {task.id: _number_of(task) for task in tasks}


def _number_of(task: Task) -> str:
    if task.parent is None:
        return task.measure.no
    siblings = [c.id for c in task.parent.children if c.status != "withdrawn"]
    return f"{_number_of(task.parent)}-{siblings.index(task.id) + 1}"


def _as_of_period(snap: TaskSnapshot, cadence: Cadence, period: str, day: date) -> TaskSnapshot:
    """The snapshot without later periods' reports; earlier approvals count from the judging day."""
    start = period_start(cadence, period)
    reports = tuple(
        replace(r, approved_on=min(r.approved_on, day)) if r.approved_on else r
        for r in snap.reports
        if period_start(cadence, r.period) <= start
    )
    return replace(snap, reports=reports)


def _lead_reports(session: Session, tasks: list[Task], period: str) -> dict[int, Report]:
    if not tasks:
        return {}
    lead = {t.id: t.lead_unit_id for t in tasks}
    reports = session.scalars(
        select(Report).where(Report.task_id.in_(list(lead)), Report.period == period)
        .options(selectinload(Report.values), selectinload(Report.reviews))
    ).all()
    return {r.task_id: r for r in reports if r.unit_id == lead[r.task_id]}

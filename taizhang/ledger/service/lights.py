"""Tasks as the pure rules see them (TaskSnapshot), and the lights and statuses kept on each task.

Only approved figures count: a snapshot carries the lead unit's reports per period with their
submission, approval and return days; ``status.task_light`` decides from those. Lights are stored on
the task after every report, review, override and closure, and for every task by ``refresh_lights``
(run daily: a light changes with the calendar as well as with reports).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from taizhang.auth.models import User
from taizhang.clock import local_date, local_today
from taizhang.ledger.models import Measure, Policy, Task
from taizhang.ledger.periods import Cadence, ReportRecord
from taizhang.ledger.scoring import PointsTable
from taizhang.ledger.status import (
    IndicatorSnapshot,
    LightResult,
    Override,
    TaskSnapshot,
    Thresholds,
    completion_status,
    task_light,
)
from taizhang.reporting.models import Report, Review
from taizhang.supervision.models import LightOverride


def current_policy_row(session: Session) -> Policy | None:
    return session.scalar(
        select(Policy).where(Policy.is_current.is_(True)).order_by(Policy.imported_at.desc(), Policy.id.desc()).limit(1)
    )


def as_of(session: Session, today: date | None = None) -> date:
    """The day the ledger is judged on: the caller's, a demo policy's fixed day, or today in China."""
    if today is not None:
        return today
    policy = current_policy_row(session)
    return policy.as_of if policy is not None and policy.as_of else local_today()


def policy_of(session: Session, task: Task) -> Policy:
    return session.scalar(select(Policy).join(Measure, Measure.policy_id == Policy.id).where(Measure.id == task.measure_id))


def cadence_of(policy: Policy) -> Cadence:
    return Cadence(kind=policy.cadence or "monthly", due_day=policy.due_day)


def _configured(cls, values: dict | None):
    if not values:
        return cls()
    known = {f.name: f.type for f in fields(cls)}
    return cls(**{k: Decimal(str(v)) if "Decimal" in str(known[k]) else v for k, v in values.items() if k in known})


def thresholds_of(policy: Policy) -> Thresholds:
    return _configured(Thresholds, policy.thresholds)


def points_of(policy: Policy) -> PointsTable:
    return _configured(PointsTable, policy.points)


def snapshots(session: Session, tasks: Sequence[Task], cadence: Cadence) -> dict[int, TaskSnapshot]:
    """One snapshot per task, with every lead report, return and the latest override, in three queries."""
    ids = [t.id for t in tasks]
    if not ids:
        return {}
    reports = session.scalars(
        select(Report).where(Report.task_id.in_(ids), Report.kind == "lead").options(selectinload(Report.values))
    ).all()
    returns: dict[int, list[date]] = defaultdict(list)
    report_ids = [r.id for r in reports]
    if report_ids:
        for review in session.scalars(
            select(Review).where(Review.report_id.in_(report_ids), Review.decision == "returned")
        ):
            returns[review.report_id].append(local_date(review.reviewed_at))
    by_task: dict[int, list[ReportRecord]] = defaultdict(list)
    lead_of = {t.id: t.lead_unit_id for t in tasks}
    for r in reports:
        if r.unit_id != lead_of[r.task_id]:
            continue
        by_task[r.task_id].append(
            ReportRecord(
                period=r.period,
                submitted_on=local_date(r.first_submitted_at) if r.first_submitted_at else None,
                approved_on=local_date(r.approved_at) if r.status == "approved" and r.approved_at else None,
                returned_on=tuple(sorted(returns.get(r.id, []))),
                values={v.indicator_id: Decimal(v.actual) for v in r.values},
            )
        )
    overrides = _latest_overrides(session, ids)
    return {
        t.id: TaskSnapshot(
            task_id=t.id,
            start=t.start_date or local_today(),
            due_date=t.due_date,
            lead_unit_id=t.lead_unit_id,
            due_note=t.due_note,
            closed_on=t.closed_on,
            indicators=tuple(
                IndicatorSnapshot(
                    id=i.id, name=i.name, target_value=Decimal(i.target_value), unit=i.unit, cmp=i.cmp,
                    target_low=None if i.target_low is None else Decimal(i.target_low), due_date=i.due_date,
                    trajectory=tuple((date.fromisoformat(d), Decimal(str(s))) for d, s in (i.trajectory or [])),
                )
                for i in t.indicators
            ),
            reports=tuple(sorted(by_task.get(t.id, []), key=lambda r: r.period)),
            cadence=cadence,
            override=overrides.get(t.id),
        )
        for t in tasks
    }


def _latest_overrides(session: Session, task_ids: list[int]) -> dict[int, Override]:
    rows = session.execute(
        select(LightOverride, User.username)
        .join(User, User.id == LightOverride.overridden_by, isouter=True)
        .where(LightOverride.task_id.in_(task_ids))
        .order_by(LightOverride.task_id, LightOverride.id)
    ).all()
    latest: dict[int, Override] = {}
    for row, username in rows:
        latest[row.task_id] = Override(light=row.light, reason=row.reason, by=username or "督查室", at=row.overridden_on)
    return latest


def refresh_lights(session: Session, tasks: Iterable[Task], *, today: date | None = None,
                   status: bool = True) -> dict[int, LightResult]:
    """Recompute and store the light and (unless ``status`` is false) the completion status of these
    tasks (no commit)."""
    tasks = [t for t in tasks if t.status != "withdrawn"]
    by_policy: dict[int, list[Task]] = defaultdict(list)
    for t in tasks:
        by_policy[t.measure.policy_id].append(t)
    results: dict[int, LightResult] = {}
    for policy_id, group in by_policy.items():
        policy = session.get(Policy, policy_id)
        day = today or policy.as_of or local_today()
        thresholds = thresholds_of(policy)
        for t, snap in zip(group, snapshots(session, group, cadence_of(policy)).values(), strict=True):
            result = task_light(snap, day, thresholds)
            results[t.id] = result
            t.light, t.light_computed = result.light, result.computed
            t.light_reasons, t.light_period, t.light_on = list(result.reasons), result.period, day
            if status:
                t.status = completion_status(snap, day)
    return results


def refresh_all(*, session: Session, today: date | None = None) -> int:
    tasks = session.scalars(
        select(Task).where(Task.status != "withdrawn").options(selectinload(Task.indicators), selectinload(Task.measure))
    ).all()
    refresh_lights(session, tasks, today=today)
    return len(tasks)


def refresh_ledger(*, session: Session, today: date | None = None) -> int:
    """The daily refresh (``taizhang lights``, the ``ledger.lights`` job): every task's light and
    completion status recomputed and committed; the number of tasks."""
    count = refresh_all(session=session, today=today)
    session.commit()
    return count

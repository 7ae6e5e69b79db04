"""A unit's progress template for a period: its own open tasks, its working copy pre-filled, each
row signed. Reporters get only their own unit's template; the office may fetch any unit's (to send it
to a unit that works offline)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from taizhang.audit.service import record
from taizhang.auth.permissions import Actor, require
from taizhang.db.base import utcnow
from taizhang.documents.service.facts import policy_or_fail, resolve_period
from taizhang.documents.signing import FileIdentity, RowIdentity, sign_file, sign_row
from taizhang.errors import PermissionDenied, ValidationFailed
from taizhang.exports.rows import TemplateBook, TemplateIndicator, TemplateTask
from taizhang.exports.template_xlsx import STATUS_CHOICES, template_workbook
from taizhang.exports.wording import deadline_text, indicator_text
from taizhang.ledger.models import Assignment, Indicator, Measure, Task, Unit
from taizhang.ledger.periods import period_due
from taizhang.ledger.rows import IndicatorRow
from taizhang.ledger.service import find_units
from taizhang.ledger.service.lights import as_of, cadence_of, snapshots
from taizhang.ledger.status import approved_value
from taizhang.policy.segment import leading_marker
from taizhang.reporting.models import Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_TEXT = dict(zip(("in_progress", "completed"), STATUS_CHOICES, strict=True))


@dataclass(frozen=True)
class TemplateFile:
    data: bytes
    filename: str
    content_type: str
    rows: int


def template_unit(session: Session, actor: Actor, unit: int | str | None) -> Unit:
    """The unit whose template is asked for: a reporter's own (the only one they may have)."""
    if actor.unit_scoped:
        own = session.get(Unit, actor.unit_id)
        if unit not in (None, "") and not _matches(session, own, unit):
            raise PermissionDenied("填报员只能下载本单位的进展填报模板。")
        return own
    if unit in (None, ""):
        raise ValidationFailed("请指定单位（如 --unit 市人社局）。")
    found = session.get(Unit, unit) if isinstance(unit, int) else next(iter(find_units(session, unit)), None)
    if found is None:
        raise ValidationFailed(f"找不到单位“{unit}”。")
    return found


def _matches(session: Session, own: Unit, unit: int | str) -> bool:
    if isinstance(unit, int):
        return unit == own.id
    return any(u.id == own.id for u in find_units(session, unit))


def decomposed(session: Session, task: Task) -> set[int]:
    """The task's indicators split among sub-tasks: their figure is the roll-up, not typed by a unit."""
    ids = [i.id for i in task.indicators]
    if not ids:
        return set()
    return set(session.scalars(select(Indicator.parent_indicator_id).where(Indicator.parent_indicator_id.in_(ids))))


def progress_template(*, session: Session, actor: Actor, secret: str, unit: int | str | None = None,
                      period: str | None = None) -> TemplateFile:
    require(actor, "template.download")
    target = template_unit(session, actor, unit)
    policy = policy_or_fail(session)
    period, label, _ = resolve_period(session, policy, period)
    tasks = _open_tasks(session, policy.id, target.id)
    working = {r.task_id: r for r in session.scalars(
        select(Report).where(Report.unit_id == target.id, Report.period == period,
                             Report.task_id.in_([t.id for t in tasks])).options(selectinload(Report.values)))}
    tasks = [t for t in tasks if t.id not in working or working[t.id].status != "approved"]
    snaps = snapshots(session, tasks, cadence_of(policy))
    today = as_of(session)
    rows = []
    for task in tasks:
        rows.append(_template_task(session, task, target, period, working.get(task.id), snaps[task.id], today, secret))
    book = TemplateBook(
        policy_title=policy.title, unit_name=target.short_name, period=period, period_label=label,
        due_on=period_due(cadence_of(policy), period), generated_at=utcnow(),
        identity=sign_file(secret, FileIdentity(unit_id=target.id, period=period, policy_id=policy.id)),
        tasks=tuple(rows),
    )
    record("template.download", session=session, actor=actor, object_type="unit", object_id=target.id,
           detail={"unit": target.short_name, "period": period, "rows": len(rows)})
    session.commit()
    return TemplateFile(data=template_workbook(book), filename=f"进展填报-{target.short_name}-{period}.xlsx",
                        content_type=XLSX, rows=len(rows))


def _open_tasks(session: Session, policy_id: int, unit_id: int) -> list[Task]:
    tasks = session.scalars(
        select(Task).join(Measure, Task.measure_id == Measure.id)
        .where(Measure.policy_id == policy_id, Task.status != "withdrawn", Task.closed_on.is_(None),
               Task.id.in_(select(Assignment.task_id).where(Assignment.unit_id == unit_id)))
        .options(selectinload(Task.assignments), selectinload(Task.indicators), selectinload(Task.measure))
    ).all()
    return sorted(tasks, key=lambda t: (t.measure.seq, t.depth, t.id))


def _template_task(session: Session, task: Task, unit: Unit, period: str, report: Report | None, snap, today,
                   secret: str) -> TemplateTask:
    ids = tuple(i.id for i in task.indicators)
    rolled = decomposed(session, task)
    values = {v.indicator_id: Decimal(v.actual) for v in report.values} if report else {}
    indicators = []
    for index, i in enumerate(task.indicators):
        row = IndicatorRow(id=i.id, name=i.name, target_value=Decimal(i.target_value),
                           target_low=None if i.target_low is None else Decimal(i.target_low), unit=i.unit,
                           cmp=i.cmp, due_date=i.due_date)
        indicators.append(TemplateIndicator(
            text=indicator_text(row), unit=i.unit, last_approved=approved_value(snap, i.id, today),
            value=values.get(i.id), rolled_up=i.id in rolled,
            identity=sign_row(secret, RowIdentity(task.id, unit.id, period, ids, index)),
        ))
    lead = task.lead_unit_id == unit.id
    marker = leading_marker(task.content) if task.parent_id is None else ""
    return TemplateTask(
        number=task.measure.no if task.parent_id is None else f"{task.measure.no}（子任务）",
        title=f"{marker}{task.title}", content=task.content, due=deadline_text(task.due_date, task.due_note),
        role="牵头" if lead else "配合", indicators=tuple(indicators),
        identity=sign_row(secret, RowIdentity(task.id, unit.id, period, ids, 0)),
        progress=report.progress if report else "", problems=report.problems if report else "",
        next_steps=report.next_steps if report else "",
        status=STATUS_TEXT.get(report.claimed_status, "") if report else "",
    )

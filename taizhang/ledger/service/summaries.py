"""The light read paths that are asked for all day at province scale: a task with its latest
submissions, a unit's roll-up by status, the rows of a city's ledger for export.

Each answers from a fixed, small number of indexed queries, however many tasks or reports there
are (no query per row). Scope is the same rule as everywhere (``access``): a unit sees its own
tasks, and a city government every task its departments and counties lead. Withdrawn tasks are
left out (a task whose measure leaves the policy on re-import is withdrawn; the others follow
the current version's measures).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from taizhang.auth.permissions import Actor, require
from taizhang.errors import NotFound
from taizhang.ledger.models import Assignment, Indicator, Task, Unit
from taizhang.ledger.rows import IndicatorLatest, LedgerRow, Rollup, Submission, TaskHistory
from taizhang.ledger.service.access import leads_above, oversees, visible_task
from taizhang.reporting.models import Report, ReportVersion

COMPLETED = ("completed", "completed_late")
NO_UNIT = "没有这个单位，或您无权查看。"
SCAN = 200  # older versions read per query while looking for a task's latest figure


def sees_all_reports(session: Session, actor: Actor, task: Task) -> bool:
    """The office, the lead unit or one above it, and the lead unit's parent unit see every unit's
    reports on a task; a co-unit sees its own."""
    return not actor.unit_scoped or oversees(session, actor, task.lead_unit_id) or leads_above(actor, task)


def task_history(task_id: int, *, session: Session, actor: Actor, limit: int = 20) -> TaskHistory:
    """A task's fields with its ``limit`` latest submissions (every version counts), newest first."""
    require(actor, "report.view")
    task = visible_task(session, actor, task_id)
    query = (
        select(ReportVersion.id, ReportVersion.report_id, Report.period, Report.unit_id, ReportVersion.version,
               ReportVersion.submitted_at, ReportVersion.snapshot)
        .join(Report, Report.id == ReportVersion.report_id)
        .where(Report.task_id == task.id)
        .order_by(ReportVersion.submitted_at.desc(), ReportVersion.id.desc())
    )
    if not sees_all_reports(session, actor, task):
        query = query.where(Report.unit_id == actor.unit_id)
    rows = session.execute(query.limit(limit)).all()
    submissions = [
        Submission(version_id=r[0], report_id=r[1], period=r[2], unit_id=r[3], version=r[4], submitted_at=r[5],
                   progress=r[6].get("progress", ""), values=_values(r[6]))
        for r in rows
    ]
    names = {a.unit_id: a.name_as_written for a in task.assignments}
    lead = task.lead_unit_id
    parent = session.execute(select(Task.id, Task.title).where(Task.id == task.parent_id)).first() \
        if task.parent_id else None
    return TaskHistory(
        id=task.id, title=task.title, status=task.status, light=task.light, depth=task.depth,
        start_date=task.start_date, due_date=task.due_date, closed_on=task.closed_on, lead_unit_id=lead,
        lead_unit=names.get(lead) or (session.get(Unit, lead).name if lead else ""),
        co_units=[(a.unit_id, a.name_as_written) for a in task.assignments if a.role == "co"],
        parent=(parent[0], parent[1]) if parent else None,
        indicators=_latest(session, task, query, submissions, len(rows) == limit),
        submissions=submissions,
    )


def _values(snapshot: dict) -> dict[int, Decimal]:
    return {int(k): Decimal(str(v)) for k, v in (snapshot.get("values") or {}).items()}


def _latest(session: Session, task: Task, query, newest: list[Submission], more: bool) -> list[IndicatorLatest]:
    """Each indicator's figure from the newest submission that gives one; usually among the newest
    few, otherwise older versions are read in batches until every indicator is found."""
    indicators = list(task.indicators)
    found: dict[int, Decimal] = {}
    wanted = {i.id for i in indicators}
    for s in newest:
        for indicator_id, value in s.values.items():
            found.setdefault(indicator_id, value)
    offset = len(newest)
    while more and wanted - found.keys():
        batch = session.execute(query.offset(offset).limit(SCAN)).all()
        for row in batch:
            for indicator_id, value in _values(row[6]).items():
                found.setdefault(indicator_id, value)
        offset, more = offset + len(batch), len(batch) == SCAN
    return [IndicatorLatest(id=i.id, name=i.name, target_value=Decimal(i.target_value), unit=i.unit, cmp=i.cmp,
                            latest_actual=found.get(i.id)) for i in indicators]


def _under(unit_id: int):
    return or_(Unit.id == unit_id, Unit.parent_id == unit_id)


def check_unit_scope(session: Session, actor: Actor, unit_id: int | None) -> Unit | None:
    """The unit a roll-up or export is about: a unit reporter may ask for its own unit or a unit it
    oversees, and gets its own when it names none."""
    if unit_id is None and actor.unit_scoped:
        unit_id = actor.unit_id
    if unit_id is None:
        return None
    unit = session.get(Unit, unit_id)
    allowed = not actor.unit_scoped or unit_id == actor.unit_id or oversees(session, actor, unit_id)
    if unit is None or not allowed:
        raise NotFound(NO_UNIT)
    return unit


def unit_rollup(unit_id: int | None, *, session: Session, actor: Actor) -> Rollup:
    """Tasks led by a unit and the units under it (a city: all its tasks), counted by status; the
    whole ledger when no unit is named (the office and leaders)."""
    require(actor, "task.view")
    unit = check_unit_scope(session, actor, unit_id)
    query = select(Task.status, func.count()).where(Task.status != "withdrawn")
    if unit is not None:  # driven by the units (ix_unit_parent_id), then ix_task_lead_status_due per unit
        query = query.join(Unit, Unit.id == Task.lead_unit_id).where(_under(unit.id))
    by_status = dict(session.execute(query.group_by(Task.status)).all())
    total = sum(by_status.values())
    completed = sum(by_status.get(s, 0) for s in COMPLETED)
    ratio = (Decimal(completed) / total).quantize(Decimal("0.0001"), ROUND_HALF_UP) if total else Decimal(0)
    return Rollup(unit_id=unit.id if unit else None, unit_name=unit.name if unit else "全部", total=total,
                  by_status=by_status, completed=completed, completion_ratio=ratio)


def unit_ledger_rows(unit_id: int | None, *, session: Session, actor: Actor) -> tuple[Unit | None, list[LedgerRow]]:
    """Every task of a unit and the units under it (a city's ledger), in id order, with its newest
    submission's text and latest figure — five queries however many tasks."""
    require(actor, "ledger.export")
    unit = check_unit_scope(session, actor, unit_id)
    tasks = select(Task.id).where(Task.status != "withdrawn")
    if unit is not None:
        tasks = tasks.join(Unit, Unit.id == Task.lead_unit_id).where(_under(unit.id))
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    co: dict[int, list[str]] = {}
    for task_id, name in session.execute(select(Assignment.task_id, Assignment.name_as_written)
                                         .where(Assignment.role == "co", Assignment.task_id.in_(tasks))
                                         .order_by(Assignment.task_id, Assignment.seq)):
        co.setdefault(task_id, []).append(name)
    # The first indicator of each task (the export has one target column).
    targets = {r[0]: r[1:] for r in session.execute(
        select(Indicator.task_id, Indicator.id, Indicator.target_value, Indicator.unit)
        .where(Indicator.task_id.in_(tasks)).order_by(Indicator.task_id, Indicator.seq.desc()))}
    progress = _newest_text(session, tasks)
    actual = _latest_figures(session, tasks, {task_id: target[0] for task_id, target in targets.items()})
    rows = []
    for t in session.execute(select(Task.id, Task.parent_id, Task.title, Task.lead_unit_id, Task.start_date,
                                    Task.due_date, Task.status).where(Task.id.in_(tasks)).order_by(Task.id)):
        target = targets.get(t.id)
        rows.append(LedgerRow(
            id=t.id, parent_id=t.parent_id, title=t.title, lead_unit=names.get(t.lead_unit_id, ""),
            co_units="、".join(co.get(t.id, [])), start_date=t.start_date, due_date=t.due_date, status=t.status,
            target=Decimal(target[1]) if target else None, value_unit=target[2] if target else "",
            latest_actual=actual.get(t.id), latest_progress=progress.get(t.id, ""),
        ))
    return unit, rows


def _newest_text(session: Session, tasks) -> dict[int, str]:
    """Each task's newest submission's text: the latest version of its most recently submitted report
    (a window over the city's reports, then one indexed version per task)."""
    ranked = (
        select(Report.task_id, Report.id.label("report_id"), Report.version,
               func.row_number().over(partition_by=Report.task_id,
                                      order_by=(Report.submitted_at.desc(), Report.id.desc())).label("rank"))
        .where(Report.task_id.in_(tasks), Report.version > 0).subquery()
    )
    query = (select(ranked.c.task_id, ReportVersion.snapshot["progress"].as_string())
             .join(ReportVersion, (ReportVersion.report_id == ranked.c.report_id)
                   & (ReportVersion.version == ranked.c.version))
             .where(ranked.c.rank == 1))
    return dict(session.execute(query).all())


def _latest_figures(session: Session, tasks, indicator_of: dict[int, int]) -> dict[int, Decimal]:
    """Each task's figure for its indicator from its newest submission that gives one."""
    if not indicator_of:
        return {}
    query = (
        select(Report.task_id, ReportVersion.snapshot["values"])
        .join(Report, Report.id == ReportVersion.report_id)
        .where(Report.task_id.in_(select(Indicator.task_id).where(Indicator.task_id.in_(tasks))),
               ReportVersion.snapshot["values"] != {})  # submissions without a figure never count
        .order_by(Report.task_id, ReportVersion.submitted_at.desc(), ReportVersion.id.desc())
    )
    out: dict[int, Decimal] = {}
    for task_id, values in session.execute(query):
        key = str(indicator_of.get(task_id))
        if task_id not in out and values and key in values:
            out[task_id] = Decimal(str(values[key]))
    return out


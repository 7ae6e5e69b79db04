"""Reading the ledger: the policy page, task lists with filters, the 台账 export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from taizhang.audit.models import AuditEvent
from taizhang.audit.service import record
from taizhang.auth.permissions import Actor, require
from taizhang.db.base import utcnow
from taizhang.errors import NotFound, ValidationFailed
from taizhang.ledger.models import Assignment, Measure, Policy, Section, Task, Unit
from taizhang.ledger.periods import current_period, owed_before, period_due, period_label
from taizhang.ledger.rollup import ChildActual, rollup
from taizhang.ledger.rows import (
    Highlight,
    IndicatorProgress,
    IndicatorRow,
    LedgerExport,
    MeasureView,
    Page,
    PolicyView,
    SectionView,
    SubtaskRow,
    TaskDetail,
    TaskRow,
)
from taizhang.ledger.service.access import assigned, can_see, leads, scope_tasks, visible_task
from taizhang.ledger.service.lights import as_of, cadence_of, snapshots, thresholds_of
from taizhang.ledger.service.tasks import subtarget_warnings
from taizhang.ledger.status import approved_value, expected_share, task_light
from taizhang.policy.directory import default_directory, fold
from taizhang.reporting.models import Attachment, Report
from taizhang.supervision.models import Notice

MAX_PAGE = 200


def current_policy(*, session: Session, actor: Actor) -> PolicyView | None:
    require(actor, "policy.view")
    row = session.scalar(
        select(Policy).where(Policy.is_current.is_(True)).order_by(Policy.imported_at.desc(), Policy.id.desc()).limit(1)
    )
    if row is None:
        return None
    return policy_view(row.id, session=session, actor=actor)


def policy_view(policy_id: int, *, session: Session, actor: Actor) -> PolicyView | None:
    require(actor, "policy.view")
    row = session.get(Policy, policy_id)
    if row is None:
        return None
    measures = session.scalars(select(Measure).where(Measure.policy_id == row.id).order_by(Measure.seq)).all()
    by_section: dict[int | None, list[MeasureView]] = {}
    for m in measures:
        by_section.setdefault(m.section_id, []).append(_measure_view(m))
    sections = session.scalars(select(Section).where(Section.policy_id == row.id).order_by(Section.no)).all()
    views = [SectionView(no=s.no, title=s.title, measures=by_section.get(s.id, [])) for s in sections]
    if None in by_section:
        views.insert(0, SectionView(no=0, title="", measures=by_section[None]))
    return PolicyView(
        id=row.id, title=row.title, issuer=row.issuer, issued_on=row.issued_on, doc_number=row.doc_number,
        version=row.version, imported_at=row.imported_at, measure_count=len(measures), sections=views,
    )


def _measure_view(m: Measure) -> MeasureView:
    d = m.details
    base = m.span_start
    highlights = [
        Highlight(q["span"][0] - base, q["span"][1] - base, "quantity", _quantity_note(q)) for q in d["quantities"]
    ] + [
        Highlight(x["span"][0] - base, x["span"][1] - base, "deadline", x["date"] or x["relative"] or "")
        for x in d["deadlines"]
    ] + [
        Highlight(u["span"][0] - base, u["span"][1] - base, "unit", "牵头" if u["role"] == "lead" else "配合")
        for u in d["units"]
    ]
    return MeasureView(
        id=m.id, no=m.no, title=m.title, text=m.text, truncated=m.truncated,
        units=[(u["name"], u["role"], u["canonical"]) for u in d["units"]], units_open=m.units_open,
        quantities=d["quantities"], deadlines=d["deadlines"], highlights=sorted(highlights, key=lambda h: h.start),
    )


def _quantity_note(q: dict) -> str:
    kind = "目标" if q["kind"] == "target" else "参数"
    value = q["value"]
    shown = f"{value[0]}–{value[1]}" if isinstance(value, list) else f"{value}"
    return f"{kind}：{q['cmp']} {shown} {q['unit']}"


def find_units(session: Session, name: str) -> list[Unit]:
    """Units matching a name as written, its canonical form or a short name."""
    folded = fold(name)
    canonical = default_directory().canonical(name)
    return list(
        session.scalars(
            select(Unit).where(or_(Unit.name == folded, Unit.short_name == name, Unit.name == (canonical or folded)))
        )
    )


SORTS = {"document": "文件顺序", "due": "完成时限", "light": "预警等级", "updated": "最近更新"}
CLOSED = ("completed", "completed_late", "withdrawn")
_LIGHT_ORDER = {"red": 0, "orange": 1, "yellow": 2, "blue": 3, "green": 4, "none": 5}


def list_tasks(
    *,
    session: Session,
    actor: Actor,
    unit: str | None = None,
    section: int | None = None,
    light: str | None = None,
    status: str | None = None,
    due_before: date | None = None,
    q: str | None = None,
    include_subtasks: bool | None = None,
    lead_unit_id: int | None = None,
    open_only: bool = False,
    overdue: bool = False,
    sort: str = "document",
    limit: int = 50,
    offset: int = 0,
) -> Page[TaskRow]:
    """Current tasks with filters, a sort and a page. Sub-tasks are listed for unit reporters (they are
    often all a county has) and on request for everyone else. ``open_only``: not completed (nor
    withdrawn); ``overdue``: open and due before the ledger's day (``as_of``)."""
    require(actor, "task.view")
    limit = max(1, min(limit, MAX_PAGE))
    query = (
        select(Task)
        .join(Measure, Task.measure_id == Measure.id)
        .join(Policy, Measure.policy_id == Policy.id)
        .where(Policy.is_current.is_(True), Task.status != "withdrawn")
    )
    if not (actor.unit_scoped if include_subtasks is None else include_subtasks):
        query = query.where(Task.parent_id.is_(None))
    if unit:
        unit_ids = [u.id for u in find_units(session, unit)]
        query = query.where(Task.id.in_(select(Assignment.task_id).where(Assignment.unit_id.in_(unit_ids))))
    if section is not None:
        query = query.where(Measure.section_id.in_(select(Section.id).where(Section.no == section)))
    if light:
        query = query.where(Task.light == light)
    if status:
        query = query.where(Task.status == status)
    if due_before:
        query = query.where(Task.due_date.is_not(None), Task.due_date < due_before)
    if lead_unit_id is not None:
        query = query.where(Task.lead_unit_id == lead_unit_id)
    if open_only or overdue:
        query = query.where(Task.status.not_in(CLOSED))
    if overdue:
        query = query.where(Task.due_date < as_of(session))
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Task.title.like(pattern), Task.content.like(pattern)))
    query = scope_tasks(query, actor)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = {
        "document": (Policy.id, Measure.seq, Task.depth, Task.id),
        "due": (Task.due_date.is_(None), Task.due_date, Task.id),
        "light": (case(_LIGHT_ORDER, value=Task.light, else_=9), Task.due_date, Task.id),
        "updated": (Task.updated_at.desc(), Task.id),
    }.get(sort)
    if order is None:
        raise ValidationFailed(f"排序方式“{sort}”无效，可选：{'、'.join(f'{k}（{v}）' for k, v in SORTS.items())}。")
    tasks = session.scalars(
        query.options(
            selectinload(Task.assignments),  # task_row names units as written: no Unit rows needed
            selectinload(Task.indicators),
            selectinload(Task.measure).selectinload(Measure.section),
        )
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    ).all()
    return Page(items=[task_row(t) for t in tasks], total=total, limit=limit, offset=offset)


def task_row(t: Task) -> TaskRow:
    m = t.measure
    return TaskRow(
        id=t.id,
        measure_no=m.no,
        section_no=m.section.no if m.section else 0,
        section_title=m.section.title if m.section else "",
        title=t.title,
        content=t.content,
        lead_units=[a.name_as_written for a in t.assignments if a.role == "lead"],
        co_units=[a.name_as_written for a in t.assignments if a.role == "co"],
        units_open=m.units_open,
        due_date=t.due_date,
        due_note=t.due_note,
        status=t.status,
        light=t.light,
        light_reasons=list(t.light_reasons or []),
        parent_id=t.parent_id,
        depth=t.depth,
        indicators=[
            IndicatorRow(id=i.id, name=i.name, target_value=Decimal(i.target_value),
                         target_low=None if i.target_low is None else Decimal(i.target_low), unit=i.unit, cmp=i.cmp,
                         due_date=i.due_date)
            for i in t.indicators
        ],
        deadlines=[
            f"{d['quote']}（{d['date']}）" if d["date"] else f"{d['quote']}（{d['relative']}）"
            for d in m.details["deadlines"]
        ],
    )


def task_detail(task_id: int, *, session: Session, actor: Actor, today: date | None = None) -> TaskDetail:
    """One task as its page shows it: the measure's text with highlights, units, indicators with
    their approved figures and lights, sub-tasks with rolled-up figures."""
    require(actor, "task.view")
    task = visible_task(session, actor, task_id)
    policy = session.get(Policy, task.measure.policy_id)
    day = as_of(session, today)
    snap = snapshots(session, [task], cadence_of(policy))[task.id]
    result = task_light(snap, day, thresholds_of(policy))
    by_indicator = {i.indicator_id: i for i in result.indicators}
    rolled = rolled_up(session, task, day)
    indicators = []
    for i in task.indicators:
        judged = by_indicator.get(i.id)
        indicators.append(IndicatorProgress(
            id=i.id, name=i.name, target_value=Decimal(i.target_value),
            target_low=None if i.target_low is None else Decimal(i.target_low), unit=i.unit, cmp=i.cmp,
            due_date=i.due_date, actual=approved_value(snap, i.id, day), children_actual=rolled.get(i.id),
            light=judged.light if judged else "none", reason=judged.reason if judged else None,
            expected_share=judged.expected_share if judged else None,
            actual_share=judged.actual_share if judged else None, gap_pp=judged.gap_pp if judged else None,
        ))
    return TaskDetail(
        row=task_row(task), measure=_measure_view(task.measure), policy_id=policy.id, policy_title=policy.title,
        as_of=day, period=current_period(cadence_of(policy), day), start_date=task.start_date, closed_on=task.closed_on, light=result.light,
        light_computed=result.computed, light_reasons=list(result.reasons), light_period=result.period,
        overridden=result.overridden, indicators=indicators, subtasks=_subtask_rows(session, task, day, policy),
        parent=(task.parent.id, task.parent.title) if task.parent and can_see(session, actor, task.parent) else None,
        viewer_leads=leads(actor, task), viewer_assigned=not actor.unit_scoped or assigned(actor, task),
        warnings=subtarget_warnings(session, task),
    )


def rolled_up(session: Session, task: Task, day: date) -> dict[int, Decimal]:
    """Decomposed indicators: the roll-up of the sub-tasks' approved figures as of ``day``."""
    if not task.indicators or not task.children:
        return {}
    # The children's indicators in one query, not one per child.
    session.scalars(select(Task).where(Task.parent_id == task.id).options(selectinload(Task.indicators))).all()
    policy = session.get(Policy, task.measure.policy_id)
    snaps = snapshots(session, task.children, cadence_of(policy))
    out = {}
    for indicator in task.indicators:
        children = [(c, i) for c in task.children for i in c.indicators if i.parent_indicator_id == indicator.id]
        if not children:
            continue
        actuals = [ChildActual(task_id=c.id, actual=approved_value(snaps[c.id], i.id, day), target=Decimal(i.target_value))
                   for c, i in children]
        value = rollup(actuals, indicator.additive)
        if value is not None:
            out[indicator.id] = value
    return out


def _subtask_rows(session: Session, task: Task, day: date, policy: Policy) -> list[SubtaskRow]:
    if not task.children:
        return []
    snaps = snapshots(session, task.children, cadence_of(policy))
    rows = []
    for child in task.children:
        if child.status == "withdrawn":
            continue
        targets = {i.parent_indicator_id: Decimal(i.target_value) for i in child.indicators if i.parent_indicator_id}
        actuals = {}
        for i in child.indicators:
            value = approved_value(snaps[child.id], i.id, day)
            if i.parent_indicator_id and value is not None:
                actuals[i.parent_indicator_id] = value
        unit = child.lead_unit.short_name if child.lead_unit else "—"
        rows.append(SubtaskRow(id=child.id, title=child.title, unit=unit, kind=child.kind, due_date=child.due_date,
                               status=child.status, light=child.light, targets=targets, actuals=actuals))
    return rows


def ledger_export(*, session: Session, actor: Actor, unit: str | None = None) -> LedgerExport:
    """Every current task, in document order, for the Excel 台账."""
    require(actor, "ledger.export")
    policy = session.scalar(
        select(Policy).where(Policy.is_current.is_(True)).order_by(Policy.imported_at.desc(), Policy.id.desc()).limit(1)
    )
    if policy is None:
        return LedgerExport(policy_title="", issuer=None, issued_on=None, generated_at=utcnow(), rows=[])
    rows: list[TaskRow] = []
    offset = 0
    while True:
        page = list_tasks(session=session, actor=actor, unit=unit, limit=MAX_PAGE, offset=offset)
        rows.extend(page.items)
        offset += MAX_PAGE
        if offset >= page.total:
            break
    record("ledger.export", session=session, actor=actor, object_type="policy", object_id=policy.id,
           detail={"unit": unit, "rows": len(rows)})
    session.commit()
    return LedgerExport(
        policy_title=policy.title, issuer=policy.issuer, issued_on=policy.issued_on, generated_at=utcnow(),
        rows=rows, filter_note=f"单位：{unit}" if unit else "",
    )


def has_policies(*, session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(Policy)) > 0


def policy_document(policy_id: int, *, session: Session, actor: Actor) -> dict:
    """The stored parse of a policy (the `taizhang parse --json` shape) with its version."""
    require(actor, "policy.view")
    row = session.get(Policy, policy_id)
    if row is None:
        raise NotFound("没有这份政策文件。")
    return {"id": row.id, "version": row.version, "imported_at": row.imported_at.isoformat(), **row.parsed}


def list_units(*, session: Session, actor: Actor, kind: str | None = None) -> list[Unit]:
    require(actor, "unit.view")
    query = select(Unit).order_by(Unit.kind, Unit.id)
    if kind:
        query = query.where(Unit.kind == kind)
    return list(session.scalars(query))


@dataclass(frozen=True)
class SeriesPoint:
    period: str
    label: str
    expected: Decimal | None  # the figure 序时进度 asks for at the period's due day
    approved: Decimal | None  # the latest approved figure by then


@dataclass(frozen=True)
class IndicatorSeries:
    indicator_id: int
    name: str
    unit: str
    target: Decimal
    points: list[SeriesPoint]


def indicator_series(task_id: int, *, session: Session, actor: Actor, today: date | None = None) -> list[IndicatorSeries]:
    """Expected against approved figures, period by period, for each of a task's indicators."""
    require(actor, "task.view")
    task = visible_task(session, actor, task_id)
    policy = session.get(Policy, task.measure.policy_id)
    day = as_of(session, today)
    cadence = cadence_of(policy)
    snap = snapshots(session, [task], cadence)[task.id]
    periods = [p for p in owed_before(cadence, snap.start, snap.closed_on, date.fromordinal(day.toordinal() + 1))]
    out = []
    for indicator in snap.indicators:
        points = []
        for p in periods:
            due = period_due(cadence, p)
            share = expected_share(snap, indicator, due)
            expected = None if share is None or indicator.cmp.startswith("<") else share * indicator.target_value
            points.append(SeriesPoint(period=p, label=period_label(cadence, p), expected=expected,
                                      approved=approved_value(snap, indicator.id, due)))
        out.append(IndicatorSeries(indicator_id=indicator.id, name=indicator.name, unit=indicator.unit,
                                   target=indicator.target_value, points=points))
    return out


def task_trail(task_id: int, *, session: Session, actor: Actor, limit: int = 200) -> list[AuditEvent]:
    """Every recorded event about a task, its reports, their attachments and its notices (全程留痕);
    a unit sees the events about its own reports and notices."""
    require(actor, "task.view")
    task = visible_task(session, actor, task_id)
    reports = select(Report.id).where(Report.task_id == task.id)
    notices = select(Notice.id).where(Notice.task_id == task.id)
    if actor.unit_scoped:
        reports = reports.where(Report.unit_id == actor.unit_id)
        notices = notices.where(Notice.unit_id == actor.unit_id)
    report_ids = list(session.scalars(reports))
    attachments = session.scalars(select(Attachment.id).where(Attachment.report_id.in_(report_ids)))
    about = or_(
        and_(AuditEvent.object_type == "task", AuditEvent.object_id == str(task.id)),
        and_(AuditEvent.object_type == "report", AuditEvent.object_id.in_([str(i) for i in report_ids])),
        and_(AuditEvent.object_type == "attachment", AuditEvent.object_id.in_([str(i) for i in attachments])),
        and_(AuditEvent.object_type == "notice", AuditEvent.object_id.in_([str(i) for i in session.scalars(notices)])),
    )
    return list(session.scalars(select(AuditEvent).where(about).order_by(AuditEvent.id).limit(limit)))

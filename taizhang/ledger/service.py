"""Ledger use cases: import a policy as tasks, list tasks, read the policy, build the 台账.

The only module that writes ledger rows. Every write records an audit event and commits.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from taizhang.audit.service import record
from taizhang.auth.permissions import Actor, require
from taizhang.db.base import utcnow
from taizhang.errors import NotFound
from taizhang.ledger.derive import TaskPlan, content_hash, document_key, measure_key, plan_task
from taizhang.ledger.models import Assignment, Indicator, Measure, Policy, Section, Task, Unit
from taizhang.ledger.rows import (
    Highlight,
    ImportResult,
    IndicatorRow,
    LedgerExport,
    MeasureView,
    Page,
    PolicyView,
    SectionView,
    TaskRow,
)
from taizhang.policy import model as pm
from taizhang.policy.directory import Directory, default_directory, fold
from taizhang.policy.serialize import measure_to_json, policy_to_json

MAX_PAGE = 200


# ---------------------------------------------------------------- import


def import_policy(
    policy: pm.Policy, *, session: Session, actor: Actor, source_name: str, directory: Directory | None = None
) -> ImportResult:
    """Store a parsed policy and its tasks. Identical content changes nothing; changed content of a
    document already imported becomes its next version, and tasks follow their measures."""
    require(actor, "policy.import")
    directory = directory or default_directory()
    digest = content_hash(policy)
    existing = session.scalar(select(Policy).where(Policy.content_hash == digest))
    if existing is not None:
        return ImportResult(
            policy_id=existing.id, version=existing.version, created=False, tasks_created=0, changes=[],
            message=f"该文件与已导入的“{existing.title}”第{existing.version}版内容完全相同，未做任何更改。",
        )
    key = document_key(policy)
    previous = session.scalar(
        select(Policy).where(Policy.doc_key == key).order_by(Policy.version.desc()).limit(1)
    )
    if previous is not None:
        session.execute(Policy.__table__.update().where(Policy.doc_key == key).values(is_current=False))
    row = Policy(
        doc_key=key,
        version=(previous.version + 1) if previous else 1,
        content_hash=digest,
        is_current=True,
        title=policy.title or source_name,
        issuer=policy.issuer,
        issued_on=policy.issued_on,
        doc_number=policy.doc_number,
        source_name=source_name,
        source_text=policy.source,
        parsed=policy_to_json(policy),
    )
    session.add(row)
    session.flush()
    sections = {s.no: Section(policy_id=row.id, no=s.no, title=s.title) for s in policy.sections}
    session.add_all(sections.values())
    session.flush()
    changes = _describe_changes(previous, policy) if previous else []
    tasks_created = 0
    keys = measure_keys(policy)
    for seq, (measure, mkey) in enumerate(zip(policy.measures, keys, strict=True), start=1):
        m = Measure(
            policy_id=row.id,
            section_id=sections[measure.section].id if measure.section in sections else None,
            seq=seq,
            no=measure.no,
            title=measure.title,
            text=measure.text,
            span_start=measure.span.start,
            span_end=measure.span.end,
            units_open=measure.units_open,
            truncated=measure.truncated,
            details=measure_to_json(measure),
        )
        session.add(m)
        session.flush()
        plan = plan_task(policy, measure, directory)
        task = session.scalar(
            select(Task).where(Task.doc_key == key, Task.measure_key == mkey, Task.parent_id.is_(None))
        )
        if task is None:
            task = Task(doc_key=key, measure_key=mkey, status="not_started")
            session.add(task)
            tasks_created += 1
        elif task.status == "withdrawn":
            task.status = "not_started"
        _apply_plan(session, task, m, plan, directory)
    if previous is not None:
        kept = set(keys)
        for task in session.scalars(select(Task).where(Task.doc_key == key, Task.parent_id.is_(None))):
            if task.measure_key not in kept:
                task.status = "withdrawn"
    record(
        "policy.import", session=session, actor=actor, object_type="policy", object_id=row.id,
        detail={"source": source_name, "version": row.version, "measures": len(policy.measures),
                "tasks_created": tasks_created, "changes": changes},
    )
    session.commit()
    if previous is None:
        message = f"已导入“{row.title}”：{len(policy.measures)}项措施，生成{tasks_created}项任务。"
    else:
        message = f"“{row.title}”已更新为第{row.version}版，共{len(changes)}处变化。"
    return ImportResult(policy_id=row.id, version=row.version, created=True, tasks_created=tasks_created,
                        changes=changes, message=message)


def _apply_plan(session: Session, task: Task, measure: Measure, plan: TaskPlan, directory: Directory) -> None:
    task.measure_id = measure.id
    task.title = plan.title
    task.content = plan.content
    task.due_date = plan.due_date
    task.due_note = plan.due_note
    task.assignments.clear()
    task.indicators.clear()
    session.flush()
    seen: set[int] = set()
    for seq, a in enumerate(plan.assignments):
        unit = ensure_unit(session, a.name_as_written, a.canonical, collective=a.collective)
        if unit.id in seen:
            continue
        seen.add(unit.id)
        task.assignments.append(Assignment(unit_id=unit.id, role=a.role, seq=seq, name_as_written=a.name_as_written))
    for seq, ind in enumerate(plan.indicators, start=1):
        task.indicators.append(
            Indicator(seq=seq, name=ind.name, target_value=ind.target_value, target_low=ind.target_low,
                      unit=ind.unit, cmp=ind.cmp, due_date=ind.due_date, span_start=ind.span[0], span_end=ind.span[1])
        )


def ensure_unit(session: Session, written: str, canonical: str | None, *, collective: bool = False) -> Unit:
    """The unit a document names, created on first mention (unknown names are kept, flagged)."""
    name = canonical or fold(written)
    unit = session.scalar(select(Unit).where(Unit.name == name))
    if unit is None:
        unit = Unit(
            name=name,
            short_name=written,
            kind="collective" if collective else "department",
            in_directory=canonical is not None,
        )
        session.add(unit)
        session.flush()
    return unit


def _describe_changes(previous: Policy, new: pm.Policy) -> list[str]:
    old_measures = previous.parsed["measures"]
    old_keys = [f"{m['section']}.{m['no']}" for m in old_measures]
    old = dict(zip(_disambiguate(old_keys), old_measures, strict=True))
    fresh = dict(zip(measure_keys(new), new.measures, strict=True))
    changes: list[str] = []
    for key, m in fresh.items():
        before = old.get(key)
        if before is None:
            changes.append(f"新增第{m.no}项措施“{m.title}”")
            continue
        if before["text"] == m.text:
            continue
        after = measure_to_json(m)
        parts = [
            label
            for label, field, pick in (
                ("责任单位", "units", lambda x: (x["name"], x["role"])),
                ("量化指标", "quantities", lambda x: (x["value"], x["unit"], x["cmp"])),
                ("完成时限", "deadlines", lambda x: (x["date"], x["relative"])),
            )
            if [pick(x) for x in before[field]] != [pick(x) for x in after[field]]
        ]
        changes.append(f"第{m.no}项措施“{m.title}”有修改（{'、'.join(parts) or '文字表述'}）")
    for key, before in old.items():
        if key not in fresh:
            changes.append(f"删除第{before['no']}项措施“{before['title']}”，对应任务已撤销")
    return changes


def measure_keys(policy: pm.Policy) -> list[str]:
    return _disambiguate([measure_key(m) for m in policy.measures])


def _disambiguate(keys: list[str]) -> list[str]:
    """Numbering that restarts under subsections repeats keys: the second "1.1" becomes "1.1#2"."""
    seen: dict[str, int] = {}
    out = []
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
        out.append(k if seen[k] == 1 else f"{k}#{seen[k]}")
    return out


# ---------------------------------------------------------------- reading


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


def _scoped(query: Select, actor: Actor) -> Select:
    """A unit reporter sees only tasks where its unit is lead or co-unit."""
    if actor.unit_scoped:
        own = select(Assignment.task_id).where(Assignment.unit_id == actor.unit_id)
        query = query.where(Task.id.in_(own))
    return query


def find_units(session: Session, name: str) -> list[Unit]:
    """Units matching a name as written, its canonical form or a short name."""
    folded = fold(name)
    canonical = default_directory().canonical(name)
    return list(
        session.scalars(
            select(Unit).where(or_(Unit.name == folded, Unit.short_name == name, Unit.name == (canonical or folded)))
        )
    )


def list_tasks(
    *,
    session: Session,
    actor: Actor,
    unit: str | None = None,
    due_before: date | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[TaskRow]:
    require(actor, "task.view")
    limit = max(1, min(limit, MAX_PAGE))
    query = (
        select(Task)
        .join(Measure, Task.measure_id == Measure.id)
        .join(Policy, Measure.policy_id == Policy.id)
        .where(Policy.is_current.is_(True), Task.parent_id.is_(None), Task.status != "withdrawn")
    )
    if unit:
        unit_ids = [u.id for u in find_units(session, unit)]
        query = query.where(Task.id.in_(select(Assignment.task_id).where(Assignment.unit_id.in_(unit_ids))))
    if due_before:
        query = query.where(Task.due_date.is_not(None), Task.due_date < due_before)
    if status:
        query = query.where(Task.status == status)
    query = _scoped(query, actor)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    tasks = session.scalars(
        query.options(
            selectinload(Task.assignments).selectinload(Assignment.unit),
            selectinload(Task.indicators),
            selectinload(Task.measure).selectinload(Measure.section),
        )
        .order_by(Policy.id, Measure.seq, Task.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return Page(items=[_task_row(t) for t in tasks], total=total, limit=limit, offset=offset)


def _task_row(t: Task) -> TaskRow:
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
        indicators=[
            IndicatorRow(name=i.name, target_value=Decimal(i.target_value),
                         target_low=None if i.target_low is None else Decimal(i.target_low), unit=i.unit, cmp=i.cmp,
                         due_date=i.due_date)
            for i in t.indicators
        ],
        deadlines=[
            f"{d['quote']}（{d['date']}）" if d["date"] else f"{d['quote']}（{d['relative']}）"
            for d in m.details["deadlines"]
        ],
    )


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

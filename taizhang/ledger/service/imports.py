"""Importing a parsed policy: one task per measure, assigned to its units, versioned by content."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.audit.service import record
from taizhang.auth.permissions import Actor, require
from taizhang.db.base import utcnow
from taizhang.ledger.derive import TaskPlan, content_hash, document_key, measure_key, plan_task
from taizhang.ledger.models import Assignment, Indicator, Measure, Policy, Section, Task, Unit
from taizhang.ledger.rollup import is_additive
from taizhang.ledger.rows import ImportResult
from taizhang.policy import model as pm
from taizhang.policy.directory import Directory, default_directory, fold
from taizhang.policy.serialize import measure_to_json, policy_to_json


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
        task.start_date = task.start_date or policy.issued_on or utcnow().date()
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
    leads = [a.unit_id for a in task.assignments if a.role == "lead"]
    task.lead_unit_id = leads[0] if leads else None
    for seq, ind in enumerate(plan.indicators, start=1):
        task.indicators.append(
            Indicator(seq=seq, name=ind.name, target_value=ind.target_value, target_low=ind.target_low,
                      unit=ind.unit, cmp=ind.cmp, due_date=ind.due_date, span_start=ind.span[0], span_end=ind.span[1],
                      additive=is_additive(ind.unit))
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



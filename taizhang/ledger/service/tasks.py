"""Changing tasks: decomposition into sub-tasks (任务分解), assignment, closure, reporting cycle."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taizhang.audit.service import record
from taizhang.auth.permissions import Actor, require
from taizhang.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from taizhang.ledger.models import Assignment, Indicator, Policy, Task, Unit
from taizhang.ledger.periods import Cadence
from taizhang.ledger.rollup import subtargets_mismatch
from taizhang.ledger.scoring import PointsTable
from taizhang.ledger.service.access import leads, visible_task
from taizhang.ledger.service.lights import as_of, refresh_lights
from taizhang.ledger.status import Thresholds
from taizhang.ledger.vocabulary import SUBTASK_KINDS, UNIT_KINDS

MAX_DEPTH = 2  # measure → sub-task → sub-sub-task: three levels on a page is the sensible limit


@dataclass(frozen=True)
class SubtaskSpec:
    unit_id: int
    kind: str = "county"  # county | co_unit | item
    title: str | None = None
    due_date: date | None = None
    targets: dict[int, Decimal] = field(default_factory=dict)  # parent indicator id → sub-target


@dataclass(frozen=True)
class Decomposition:
    created: list[int]
    warnings: list[str]


def decompose(task_id: int, specs: list[SubtaskSpec], *, session: Session, actor: Actor) -> Decomposition:
    """Split a task into sub-tasks, each with its own unit, deadline and sub-targets. The supervision
    office may split any task; a lead unit may split its own."""
    require(actor, "task.decompose")
    parent = visible_task(session, actor, task_id)
    if not leads(actor, parent):
        raise PermissionDenied("只有督查室或本任务的牵头单位可以分解任务。")
    if parent.status in ("withdrawn", "completed", "completed_late"):
        raise Conflict("任务已办结或已撤销，不能再分解。")
    if parent.depth >= MAX_DEPTH:
        raise ValidationFailed(f"任务最多分解到第{MAX_DEPTH + 1}级，这项任务不能再分解。")
    if not specs:
        raise ValidationFailed("请至少添加一项子任务。")
    indicators = {i.id: i for i in parent.indicators}
    existing_units = {c.lead_unit_id for c in parent.children}
    problems: list[dict] = []
    for n, spec in enumerate(specs, start=1):
        problems += _check_spec(session, n, spec, parent, indicators, existing_units)
        existing_units.add(spec.unit_id)
    if problems:
        raise ValidationFailed("子任务有误：" + "；".join(p["message"] for p in problems) + "。", details=problems)
    created = [_create_subtask(session, parent, spec, indicators) for spec in specs]
    session.flush()
    warnings = subtarget_warnings(session, parent)
    refresh_lights(session, created, today=as_of(session))
    record("task.decompose", session=session, actor=actor, object_type="task", object_id=parent.id,
           detail={"subtasks": [t.id for t in created], "warnings": warnings})
    session.commit()
    return Decomposition(created=[t.id for t in created], warnings=warnings)


def _check_spec(session, n, spec, parent, indicators, existing_units) -> list[dict]:
    problems = []
    unit = session.get(Unit, spec.unit_id)
    if unit is None:
        problems.append({"row": n, "field": "unit_id", "message": f"第{n}项子任务的单位不存在"})
    elif spec.unit_id in existing_units:
        problems.append({"row": n, "field": "unit_id", "message": f"第{n}项子任务：{unit.short_name}已有子任务"})
    if spec.kind not in SUBTASK_KINDS:
        problems.append({"row": n, "field": "kind", "message": f"第{n}项子任务的类型“{spec.kind}”无效"})
    if spec.due_date and parent.due_date and spec.due_date > parent.due_date:
        problems.append({"row": n, "field": "due_date",
                         "message": f"第{n}项子任务的完成时限晚于上级任务（{parent.due_date}）"})
    for indicator_id, value in spec.targets.items():
        if indicator_id not in indicators:
            problems.append({"row": n, "field": "targets", "message": f"第{n}项子任务的指标不属于上级任务"})
        elif not _non_negative(value):
            problems.append({"row": n, "field": "targets", "message": f"第{n}项子任务的分解目标须为非负数"})
    return problems


def _non_negative(value) -> bool:
    try:
        return Decimal(value) >= 0
    except (InvalidOperation, TypeError):
        return False


def _create_subtask(session: Session, parent: Task, spec: SubtaskSpec, indicators: dict[int, Indicator]) -> Task:
    unit = session.get(Unit, spec.unit_id)
    siblings = session.scalar(select(func.count()).select_from(Task).where(Task.parent_id == parent.id)) or 0
    task = Task(
        doc_key=parent.doc_key, measure_key=f"{parent.measure_key}/{siblings + 1}", measure_id=parent.measure_id,
        kind=spec.kind, depth=parent.depth + 1, lead_unit_id=unit.id,
        title=spec.title or f"{parent.title}（{unit.short_name}）", content=parent.content,
        due_date=spec.due_date or parent.due_date, due_note=parent.due_note,
        # A sub-task owes reports from the day it is assigned, not from the parent's start.
        start_date=max(filter(None, (parent.start_date, as_of(session)))),
        status="not_started",
    )
    task.assignments.append(Assignment(unit_id=unit.id, role="lead", seq=0, name_as_written=unit.short_name))
    for seq, (indicator_id, value) in enumerate(sorted(spec.targets.items()), start=1):
        source = indicators[indicator_id]
        task.indicators.append(
            Indicator(seq=seq, name=source.name, target_value=Decimal(value), target_low=None, unit=source.unit,
                      cmp=source.cmp if source.cmp != "range" else ">=", due_date=spec.due_date or source.due_date,
                      additive=source.additive, parent_indicator_id=source.id)
        )
    parent.children.append(task)
    session.flush()
    return task


def subtarget_warnings(session: Session, parent: Task) -> list[str]:
    warnings = []
    for indicator in parent.indicators:
        children = session.scalars(select(Indicator).where(Indicator.parent_indicator_id == indicator.id)).all()
        if not children:
            continue
        message = subtargets_mismatch(
            Decimal(indicator.target_value), [Decimal(c.target_value) for c in children], indicator.additive,
            unit=indicator.unit,
        )
        if message:
            warnings.append(f"{indicator.name}：{message}")
    return warnings


def assign_unit(task_id: int, unit_id: int, role: str, *, session: Session, actor: Actor) -> None:
    require(actor, "task.assign")
    task = visible_task(session, actor, task_id)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ValidationFailed("单位不存在。")
    if role not in ("lead", "co"):
        raise ValidationFailed("角色只能是 lead（牵头）或 co（配合）。")
    if any(a.unit_id == unit_id for a in task.assignments):
        raise Conflict(f"{unit.short_name}已是这项任务的责任单位。")
    task.assignments.append(
        Assignment(unit_id=unit_id, role=role, seq=len(task.assignments), name_as_written=unit.short_name)
    )
    if role == "lead" and task.lead_unit_id is None:
        task.lead_unit_id = unit_id
    record("task.assign", session=session, actor=actor, object_type="task", object_id=task.id,
           detail={"unit_id": unit_id, "role": role})
    session.commit()


def close_task(task_id: int, *, session: Session, actor: Actor, today: date | None = None, note: str = "") -> Task:
    """办结: the supervision office confirms the task is done; late closure stays visible (逾期完成)."""
    require(actor, "task.close")
    task = visible_task(session, actor, task_id)
    if task.closed_on is not None or task.status == "withdrawn":
        raise Conflict("任务已办结或已撤销。")
    task.closed_on = as_of(session, today)
    task.closed_by = actor.user_id
    refresh_lights(session, [task], today=task.closed_on)
    record("task.close", session=session, actor=actor, object_type="task", object_id=task.id,
           detail={"closed_on": task.closed_on.isoformat(), "note": note})
    session.commit()
    return task


def configure_policy(
    policy_id: int, *, session: Session, actor: Actor, cadence: str | None = None, due_day: int | None = None,
    thresholds: dict | None = None, points: dict | None = None,
) -> Policy:
    """The reporting cycle, light thresholds and points table of a policy, validated by the rules' types."""
    require(actor, "policy.configure")
    policy = session.get(Policy, policy_id)
    if policy is None:
        raise NotFound("政策文件不存在。")
    try:
        Cadence(kind=cadence or policy.cadence, due_day=due_day if due_day is not None else policy.due_day)
        Thresholds(**{k: Decimal(str(v)) if k.endswith("_pp") else v for k, v in (thresholds or {}).items()})
        PointsTable(**{k: Decimal(str(v)) for k, v in (points or {}).items()})
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(f"配置无效：{exc}") from None
    before = {"cadence": policy.cadence, "due_day": policy.due_day, "thresholds": policy.thresholds,
              "points": policy.points}
    if cadence:
        policy.cadence = cadence
    if due_day is not None:
        policy.due_day = due_day
    if thresholds is not None:
        policy.thresholds = {k: str(v) for k, v in thresholds.items()}
    if points is not None:
        policy.points = {k: str(v) for k, v in points.items()}
    record("policy.configure", session=session, actor=actor, object_type="policy", object_id=policy.id,
           detail={"before": before, "after": {"cadence": policy.cadence, "due_day": policy.due_day,
                                               "thresholds": policy.thresholds, "points": policy.points}})
    session.commit()
    return policy


def create_unit(name: str, *, session: Session, actor: Actor, kind: str = "department",
                parent_id: int | None = None) -> Unit:
    """A unit the documents do not name (a county, a new department), added by an administrator."""
    require(actor, "user.manage")
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed("单位名称不能为空，且不超过100字。")
    if kind not in UNIT_KINDS:
        raise ValidationFailed(f"单位类型“{kind}”无效，可选：{'、'.join(UNIT_KINDS)}。")
    if session.scalar(select(Unit).where(Unit.name == name)):
        raise Conflict(f"单位“{name}”已存在。")
    unit = Unit(name=name, short_name=name, kind=kind, in_directory=False, parent_id=parent_id)
    session.add(unit)
    session.flush()
    record("unit.create", session=session, actor=actor, object_type="unit", object_id=unit.id,
           detail={"name": name, "kind": kind})
    session.commit()
    return unit

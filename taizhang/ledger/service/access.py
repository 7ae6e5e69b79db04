"""Who may see which task: the unit scope rule, applied to single objects and to lists.

A unit reporter sees a task when its unit is assigned to it (lead or co-unit), or leads the task's
parent or grandparent (a lead unit follows the sub-tasks it decomposed to counties), or is the
parent unit of the task's lead unit (a city government sees every task its departments and counties
lead: the city scope). Anything else answers "not found", so that an id from another unit reveals
nothing.
"""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from taizhang.auth.permissions import Actor
from taizhang.errors import NotFound
from taizhang.ledger.models import Assignment, Task, Unit

NOT_FOUND = "没有这项任务，或您无权查看。"


def scope_tasks(query: Select, actor: Actor) -> Select:
    """Restrict a query over Task to what the actor may see."""
    if not actor.unit_scoped:
        return query
    parent = aliased(Task)
    assigned = select(Assignment.task_id).where(Assignment.unit_id == actor.unit_id)
    led = select(Task.id).where(Task.lead_unit_id == actor.unit_id)
    led_grandchildren = select(parent.id).where(parent.parent_id.in_(led))
    subordinate = select(Unit.id).where(Unit.parent_id == actor.unit_id)
    return query.where(
        or_(Task.id.in_(assigned), Task.parent_id.in_(led), Task.parent_id.in_(led_grandchildren),
            Task.lead_unit_id.in_(subordinate))
    )


def can_see(session: Session, actor: Actor, task: Task) -> bool:
    if not actor.unit_scoped:
        return True
    if any(a.unit_id == actor.unit_id for a in task.assignments):
        return True
    if oversees(session, actor, task.lead_unit_id):
        return True
    ancestor, hops = task.parent, 0
    while ancestor is not None and hops < 2:
        if ancestor.lead_unit_id == actor.unit_id:
            return True
        ancestor, hops = ancestor.parent, hops + 1
    return False


def oversees(session: Session, actor: Actor, unit_id: int | None) -> bool:
    """The actor's unit is the parent unit of ``unit_id`` (a city government over its departments)."""
    if unit_id is None or actor.unit_id is None:
        return False
    unit = session.get(Unit, unit_id)
    return unit is not None and unit.parent_id == actor.unit_id


def visible_task(session: Session, actor: Actor, task_id: int, *, lock: bool = False) -> Task:
    """The task if the actor may see it. ``lock`` takes the task's row lock first (PostgreSQL
    ``FOR NO KEY UPDATE``; SQLite's write transactions are serial already), so that writers of one
    task — a report, its submission and the light it changes — queue instead of conflicting."""
    if lock:
        task = session.get(Task, task_id, with_for_update={"key_share": True}, populate_existing=True)
    else:
        task = session.get(Task, task_id)
    if task is None or not can_see(session, actor, task):
        raise NotFound(NOT_FOUND)
    return task


def leads(actor: Actor, task: Task) -> bool:
    """The actor's unit leads this task (or the actor is the supervision office)."""
    return not actor.unit_scoped or task.lead_unit_id == actor.unit_id


def leads_above(actor: Actor, task: Task) -> bool:
    """The actor's unit leads this task or one of the (up to three) tasks it was decomposed from."""
    node, hops = task, 0
    while node is not None and hops < 3:
        if node.lead_unit_id == actor.unit_id:
            return True
        node, hops = node.parent, hops + 1
    return False


def assigned(actor: Actor, task: Task) -> bool:
    return any(a.unit_id == actor.unit_id for a in task.assignments)

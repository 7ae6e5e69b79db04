"""Supervision use cases: what needs urging, 催办/督办 notices and replies, light overrides, scores."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from taizhang.audit.service import record
from taizhang.auth.permissions import Actor, require
from taizhang.clock import moment
from taizhang.db.base import utcnow
from taizhang.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from taizhang.ledger.models import Measure, Task, Unit
from taizhang.ledger.periods import period_bounds
from taizhang.ledger.reminders import NoticeRecord, Step, UrgeItem, needs_urging, next_step
from taizhang.ledger.scoring import ScoreLine, score, score_events_for_period
from taizhang.ledger.service.access import visible_task
from taizhang.ledger.service.lights import (
    as_of,
    cadence_of,
    current_policy_row,
    points_of,
    refresh_lights,
    snapshots,
    thresholds_of,
)
from taizhang.ledger.status import Override, task_light
from taizhang.ledger.vocabulary import NOTICE_STEPS
from taizhang.supervision.holidays import work_calendar
from taizhang.supervision.models import LightOverride, Notice

NOT_FOUND = "没有这份催办/督办单，或您无权查看。"


@dataclass(frozen=True)
class UrgeRow:
    item: UrgeItem
    task_title: str
    unit_name: str
    next: Step | None  # what may be issued today; None while the last notice runs or was answered
    notices: list[Notice] = field(default_factory=list)


def _open_tasks(session: Session) -> list[Task]:
    policy = current_policy_row(session)
    if policy is None:
        return []
    return list(session.scalars(
        select(Task).join(Measure, Measure.id == Task.measure_id)
        .where(Measure.policy_id == policy.id, Task.status != "withdrawn", Task.closed_on.is_(None))
        .options(selectinload(Task.indicators), selectinload(Task.assignments))
        .order_by(Task.id)
    ))


def urging_list(*, session: Session, actor: Actor, today: date | None = None) -> list[UrgeRow]:
    """Missing reports, red and orange tasks, deadlines within 7 days — with the next notice due."""
    require(actor, "urge.view")
    policy = current_policy_row(session)
    if policy is None:
        return []
    day = as_of(session, today)
    tasks = _open_tasks(session)
    snaps = snapshots(session, tasks, cadence_of(policy))
    items = needs_urging(list(snaps.values()), day, thresholds=thresholds_of(policy))
    by_id = {t.id: t for t in tasks}
    notices = _notices_by_key(session, [i.key for i in items])
    units = {u.id: u.short_name for u in session.scalars(select(Unit))}
    work = work_calendar()
    rows = []
    for item in items:
        history = notices.get(item.key, [])
        rows.append(UrgeRow(item=item, task_title=by_id[item.task_id].title, unit_name=units.get(item.unit_id, "—"),
                            next=next_step(_records(history), day, calendar=work), notices=history))
    return rows


def _notices_by_key(session: Session, keys: list[str]) -> dict[str, list[Notice]]:
    if not keys:
        return {}
    out: dict[str, list[Notice]] = {}
    for notice in session.scalars(select(Notice).where(Notice.item_key.in_(keys)).order_by(Notice.id)):
        out.setdefault(notice.item_key, []).append(notice)
    return out


def _records(notices: list[Notice]) -> list[NoticeRecord]:
    return [NoticeRecord(step=n.step, issued_on=n.issued_on, answered_on=n.answered_on) for n in notices]


def issue_notice(
    task_id: int, *, session: Session, actor: Actor, reason: str, body: str = "", item_key: str | None = None,
    start_at: str = "reminder", unit_id: int | None = None, today: date | None = None,
) -> Notice:
    """Send the next step of the ladder for an item (or start higher for an urgent one). Its time to
    answer is counted in working days on the shipped holiday calendar (``holidays.work_calendar``)."""
    require(actor, "notice.issue")
    task = visible_task(session, actor, task_id)
    if start_at not in NOTICE_STEPS:
        raise ValidationFailed(f"督办环节“{start_at}”无效，可选：{'、'.join(NOTICE_STEPS)}。")
    if not reason.strip():
        raise ValidationFailed("请写明催办/督办事由。", details=[{"field": "reason", "message": "请填写事由"}])
    unit_id = unit_id or task.lead_unit_id
    if unit_id is None or not any(a.unit_id == unit_id for a in task.assignments):
        raise ValidationFailed("只能向这项任务的责任单位发催办/督办单。")
    key = item_key or f"{task.id}:manual"
    if not key.startswith(f"{task.id}:"):
        raise ValidationFailed("催办事项与任务不符。")
    day = as_of(session, today)
    history = session.scalars(select(Notice).where(Notice.item_key == key).order_by(Notice.id)).all()
    step = next_step(_records(list(history)), day, calendar=work_calendar(), start_at=start_at)
    if step is None:
        raise Conflict("该事项的上一份催办/督办单尚在办理时限内或已答复，暂不能升级；到期未答复后才能发下一级。")
    notice = Notice(task_id=task.id, unit_id=unit_id, step=step.step, item_key=key, reason=reason.strip(),
                    body=body.strip(), issued_by=actor.user_id, issued_on=day, answer_by=step.answer_by)
    session.add(notice)
    session.flush()
    record("notice.issue", session=session, actor=actor, object_type="notice", object_id=notice.id,
           detail={"task_id": task.id, "unit_id": unit_id, "step": step.step, "key": key})
    session.commit()
    return notice


def visible_notice(session: Session, actor: Actor, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None or (actor.unit_scoped and notice.unit_id != actor.unit_id):
        raise NotFound(NOT_FOUND)
    return notice


def inbox(*, session: Session, actor: Actor, status: str | None = None, limit: int = 200) -> tuple[list[Notice], int]:
    """A unit's notices (the office sees all), newest first, and how many are unread."""
    require(actor, "notice.view")
    query = select(Notice)
    if actor.unit_scoped:
        query = query.where(Notice.unit_id == actor.unit_id)
    if status:
        query = query.where(Notice.status == status)
    notices = session.scalars(query.order_by(Notice.id.desc()).limit(limit)).all()
    unread = select(func.count()).select_from(Notice).where(Notice.read_at.is_(None))
    if actor.unit_scoped:
        unread = unread.where(Notice.unit_id == actor.unit_id)
    return list(notices), session.scalar(unread) or 0


def read_notice(notice_id: int, *, session: Session, actor: Actor) -> Notice:
    require(actor, "notice.view")
    notice = visible_notice(session, actor, notice_id)
    if actor.unit_id == notice.unit_id and notice.read_at is None:
        notice.read_at = utcnow()
        record("notice.read", session=session, actor=actor, object_type="notice", object_id=notice.id)
        session.commit()
    return notice


def reply_notice(notice_id: int, answer: str, *, session: Session, actor: Actor, today: date | None = None) -> Notice:
    require(actor, "notice.reply")
    notice = visible_notice(session, actor, notice_id)
    if actor.unit_id != notice.unit_id:
        raise PermissionDenied("只有被督办单位可以答复。")
    if notice.status == "closed":
        raise InvalidTransition("督办单已办结，不能再答复。")
    if not answer.strip():
        raise ValidationFailed("请填写答复内容。", details=[{"field": "answer", "message": "请填写答复内容"}])
    notice.answer, notice.answered_by = answer.strip(), actor.user_id
    notice.answered_on = as_of(session, today)
    notice.answered_at = moment(notice.answered_on)
    notice.read_at = notice.read_at or notice.answered_at
    notice.status = "answered"
    record("notice.reply", session=session, actor=actor, object_type="notice", object_id=notice.id)
    session.commit()
    return notice


def close_notice(notice_id: int, *, session: Session, actor: Actor) -> Notice:
    require(actor, "notice.close")
    notice = visible_notice(session, actor, notice_id)
    if notice.status == "closed":
        raise InvalidTransition("督办单已办结。")
    notice.status, notice.closed_at, notice.closed_by = "closed", utcnow(), actor.user_id
    record("notice.close", session=session, actor=actor, object_type="notice", object_id=notice.id)
    session.commit()
    return notice


def override_light(task_id: int, light: str, reason: str, *, session: Session, actor: Actor,
                   today: date | None = None) -> LightOverride:
    """Set a task's light by hand, with a mandatory reason; the computed light is kept beside it."""
    require(actor, "light.override")
    task = visible_task(session, actor, task_id)
    day = as_of(session, today)
    Override(light=light, reason=reason, by=actor.username, at=day)  # validates light and reason
    row = LightOverride(task_id=task.id, light=light, computed=task.light_computed, reason=reason.strip(),
                        overridden_by=actor.user_id, overridden_on=day)
    session.add(row)
    session.flush()
    refresh_lights(session, [task], today=day)
    record("light.override", session=session, actor=actor, object_type="task", object_id=task.id,
           detail={"light": light, "computed": row.computed, "reason": reason.strip()})
    session.commit()
    return row


@dataclass(frozen=True)
class UnitScoreRow:
    unit_id: int
    unit_name: str
    total: Decimal
    rank: int
    lines: tuple[ScoreLine, ...]


def unit_scores(period: str, *, session: Session, actor: Actor) -> list[UnitScoreRow]:
    """考核: each lead unit's points for a period (月 2020-09, 季 2020-Q3), with the events behind them."""
    require(actor, "score.view")
    policy = current_policy_row(session)
    if policy is None:
        return []
    cadence = cadence_of(policy)
    try:
        first_day, last_day = period_bounds(period)
    except ValueError:
        raise ValidationFailed(f"考核期次“{period}”格式不对（如 2020-09、2020-Q3）。") from None
    if first_day > as_of(session):  # nothing to score yet (and no walk through centuries of periods)
        raise ValidationFailed(f"考核期次“{period}”尚未开始，不能考核。")
    tasks = [t for t in _open_tasks_all(session, policy.id) if t.lead_unit_id is not None]
    snaps = list(snapshots(session, tasks, cadence).values())
    thresholds = thresholds_of(policy)
    lights = {s.task_id: task_light(s, last_day, thresholds).light for s in snaps}
    events = score_events_for_period(snaps, period, lights=lights)
    units = {u.id: u.short_name for u in session.scalars(select(Unit))}
    results = score(events, points_of(policy), units=sorted({t.lead_unit_id for t in tasks}))
    return [UnitScoreRow(unit_id=r.unit_id, unit_name=units.get(r.unit_id, "—"), total=r.total, rank=r.rank,
                         lines=r.events) for r in results]


def _open_tasks_all(session: Session, policy_id: int) -> list[Task]:
    return list(session.scalars(
        select(Task).join(Measure, Measure.id == Task.measure_id)
        .where(Measure.policy_id == policy_id, Task.status != "withdrawn")
        .options(selectinload(Task.indicators)).order_by(Task.id)
    ))


def task_notices(task_id: int, *, session: Session, actor: Actor) -> list[Notice]:
    """The notices about one task (a unit sees only those sent to it)."""
    require(actor, "notice.view")
    task = visible_task(session, actor, task_id)
    query = select(Notice).where(Notice.task_id == task.id)
    if actor.unit_scoped:
        query = query.where(Notice.unit_id == actor.unit_id)
    return list(session.scalars(query.order_by(Notice.id)))

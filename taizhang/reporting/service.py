"""Progress reports: a unit fills in its report for a period, submits it, the office reviews it.

One report per task, period and unit. The lead unit's report is the one reviewed; a co-unit's report
is its contribution, which the lead unit compiles into its own. Only approved figures count anywhere
downstream. Every submission is kept as a version and every decision as a review (全程留痕).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from taizhang.audit.service import record
from taizhang.auth.permissions import Actor, require
from taizhang.clock import local_date, moment
from taizhang.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from taizhang.ledger.models import Indicator, Task
from taizhang.ledger.periods import current_period, period_label
from taizhang.ledger.service.access import can_see, leads_above, visible_task
from taizhang.ledger.service.lights import as_of, cadence_of, policy_of, refresh_lights
from taizhang.ledger.service.queries import rolled_up
from taizhang.reporting.models import Attachment, Report, ReportValue, ReportVersion, Review
from taizhang.reporting.uploads import evidence_kind

MAX_TEXT = 5000
NOT_FOUND = "没有这份进展报告，或您无权查看。"


@dataclass(frozen=True)
class ReportInput:
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    claimed_status: str = "in_progress"
    values: dict[int, str | Decimal] | None = None  # indicator id → cumulative actual


@dataclass(frozen=True)
class Evidence:
    """An uploaded evidence file (佐证材料), and where and up to what size it may be stored."""

    filename: str
    data: bytes
    storage: Path
    max_bytes: int


def visible_report(session: Session, actor: Actor, report_id: int) -> Report:
    """A report the actor may see: its own unit's, or any on a task the actor's unit leads."""
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(NOT_FOUND)
    task = session.get(Task, report.task_id)
    if actor.unit_scoped and report.unit_id != actor.unit_id and not leads_above(actor, task):
        raise NotFound(NOT_FOUND)
    if not can_see(session, actor, task):
        raise NotFound(NOT_FOUND)
    return report


def save_report(task_id: int, period: str, data: ReportInput, *, session: Session, actor: Actor,
                today: date | None = None, evidence: Evidence | None = None, submit: bool = False) -> Report:
    """Create or update the actor's unit's working copy for a period (a draft until submitted).

    ``evidence`` is attached to it and ``submit`` submits it (保存并报送) in the same transaction:
    either all of it is kept or, on any refusal, nothing — no draft, no file, no submission. A
    concurrent save by the same unit cannot slip in between and be submitted in its place."""
    require(actor, "report.write")
    if evidence is not None:
        require(actor, "attachment.upload")
    task = visible_task(session, actor, task_id, lock=True)
    unit_id = _reporting_unit(actor, task)
    today = as_of(session, today)
    _check_open(task)
    _check_period(session, task, period, today)
    problems = _validate(task, data)
    if problems:
        raise ValidationFailed("进展报告有误：" + "；".join(p["message"] for p in problems) + "。", details=problems)
    report = _claim_report(session, task, period, unit_id, actor)
    if report.status == "approved":
        raise InvalidTransition(f"{period_label(cadence_of(policy_of(session, task)), period)}进展已审核通过，不能再修改。")
    report.progress, report.problems, report.next_steps = data.progress, data.problems, data.next_steps
    report.claimed_status = data.claimed_status
    report.status = "draft"
    _set_values(session, report, task, data.values or {})
    session.flush()
    attachment = _attach(report, evidence, session=session, actor=actor) if evidence else None
    submitted = _submit(report, task, session=session, actor=actor, today=today) if submit else None
    # Audit records last: appending to the chain serialises writers until the commit.
    record("report.save", session=session, actor=actor, object_type="report", object_id=report.id,
           detail={"task_id": task.id, "period": period})
    if attachment:
        _record_upload(attachment, session=session, actor=actor)
    if submitted:
        record("report.submit", session=session, actor=actor, object_type="report", object_id=report.id,
               detail=submitted)
    _commit(session, evidence, attachment)
    return report


def _claim_report(session: Session, task: Task, period: str, unit_id: int, actor: Actor) -> Report:
    """The unit's report for the period, locked until commit; created when there is none yet.

    Identical first saves may race (a double click, a client retrying): the loser's insert fails on
    the unique constraint inside a savepoint, and it waits for and updates the winner's report instead.
    The row lock makes concurrent saves of one report take turns rather than fail on its row version.
    """
    report = _locked_report(session, task.id, period, unit_id)
    if report is not None:
        return report
    try:
        with session.begin_nested():
            report = Report(task_id=task.id, period=period, unit_id=unit_id, created_by=actor.user_id,
                            kind="lead" if unit_id == task.lead_unit_id else "contribution")
            session.add(report)
    except IntegrityError:
        report = _locked_report(session, task.id, period, unit_id)
        if report is None:
            raise
    return report


def _locked_report(session: Session, task_id: int, period: str, unit_id: int) -> Report | None:
    return session.scalar(
        select(Report).where(Report.task_id == task_id, Report.period == period, Report.unit_id == unit_id)
        .with_for_update().execution_options(populate_existing=True)
    )


def _reporting_unit(actor: Actor, task: Task) -> int:
    if actor.unit_id is None:
        raise PermissionDenied("只有绑定单位的填报员可以填报进展。")
    if not any(a.unit_id == actor.unit_id for a in task.assignments):
        raise PermissionDenied("您的单位不是这项任务的牵头或配合单位，不能为它填报进展。")
    return actor.unit_id


def _check_open(task: Task) -> None:
    if task.status == "withdrawn":
        raise InvalidTransition("任务已撤销，不能填报进展。")
    if task.closed_on is not None:
        raise InvalidTransition("任务已办结，不能再填报进展。")


def _check_period(session: Session, task: Task, period: str, today: date) -> None:
    cadence = cadence_of(policy_of(session, task))
    try:
        label = period_label(cadence, period)
    except ValueError:
        raise ValidationFailed(f"报送期次“{period}”格式不对（按月如 2020-09，按周如 2020-W37，按季如 2020-Q3）。") from None
    if period > current_period(cadence, today):
        raise ValidationFailed(f"{label}尚未开始，不能提前填报。")


def _validate(task: Task, data: ReportInput) -> list[dict]:
    problems = []
    for name, text in (("progress", data.progress), ("problems", data.problems), ("next_steps", data.next_steps)):
        if len(text) > MAX_TEXT:
            problems.append({"field": name, "message": f"内容超过{MAX_TEXT}字"})
    if data.claimed_status not in ("in_progress", "completed"):
        problems.append({"field": "claimed_status", "message": "完成状态只能是“推进中”或“已完成”"})
    indicators = {i.id for i in task.indicators}
    for indicator_id, value in (data.values or {}).items():
        if int(indicator_id) not in indicators:
            problems.append({"field": f"values.{indicator_id}", "message": "指标不属于这项任务"})
            continue
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            problems.append({"field": f"values.{indicator_id}", "message": f"完成值“{value}”不是数字"})
            continue
        if not number.is_finite() or number < 0:
            problems.append({"field": f"values.{indicator_id}", "message": "完成值不能为负数"})
    return problems


def _set_values(session: Session, report: Report, task: Task, values: dict) -> None:
    decomposed = _decomposed_indicators(session, task)
    given = {int(k): Decimal(str(v).strip()) for k, v in values.items() if str(v).strip() != ""}
    _put_values(report, {i: v for i, v in given.items() if i not in decomposed}, keep=decomposed)


def _put_values(report: Report, values: dict[int, Decimal], *, keep: set[int] = frozenset()) -> None:
    """Update figures in place (a delete and re-insert of one indicator would collide on uniqueness)."""
    existing = {v.indicator_id: v for v in report.values}
    for indicator_id, value in values.items():
        if indicator_id in existing:
            existing[indicator_id].actual = value
        else:
            report.values.append(ReportValue(indicator_id=indicator_id, actual=value))
    for indicator_id, row in existing.items():
        if indicator_id not in values and indicator_id not in keep:
            report.values.remove(row)


def _decomposed_indicators(session: Session, task: Task) -> set[int]:
    ids = [i.id for i in task.indicators]
    if not ids:
        return set()
    return set(session.scalars(select(Indicator.parent_indicator_id).where(Indicator.parent_indicator_id.in_(ids))))


def submit_report(report_id: int, *, session: Session, actor: Actor, today: date | None = None) -> Report:
    """Send the working copy for review (the lead unit) or to the lead unit (a co-unit)."""
    require(actor, "report.write")
    report = visible_report(session, actor, report_id)
    task = visible_task(session, actor, report.task_id, lock=True)
    session.refresh(report)  # as it stands now that this task's writers queue behind us
    if report.unit_id != actor.unit_id:
        raise PermissionDenied("只能报送本单位的进展报告。")
    _check_open(task)
    if report.status in ("submitted", "approved"):
        return report  # submitting the same report twice changes nothing
    submitted = _submit(report, task, session=session, actor=actor, today=today)
    record("report.submit", session=session, actor=actor, object_type="report", object_id=report.id,
           detail=submitted)
    session.commit()
    return report


def _submit(report: Report, task: Task, *, session: Session, actor: Actor, today: date | None) -> dict:
    """Submit the working copy (no commit); the audit record's detail."""
    if not report.progress.strip():
        raise ValidationFailed("进展情况不能为空。", details=[{"field": "progress", "message": "请填写进展情况"}])
    if report.kind == "lead":
        rolled = rolled_up(session, task, as_of(session, today))
        if rolled:
            current = {v.indicator_id: Decimal(v.actual) for v in report.values}
            _put_values(report, {**current, **rolled})
    now = moment(as_of(session, today))
    report.version += 1
    report.status = "submitted"
    report.submitted_at, report.submitted_by = now, actor.user_id
    report.first_submitted_at = report.first_submitted_at or now
    session.add(ReportVersion(report_id=report.id, version=report.version, snapshot=_snapshot(report),
                              submitted_by=actor.user_id, submitted_at=now))
    # The light shows the submission (报送待审核); the completion status moves with approved facts and
    # the calendar — at review and in the daily refresh — not with an unreviewed submission.
    refresh_lights(session, [task], today=local_date(now), status=False)
    return {"task_id": task.id, "period": report.period, "version": report.version, "kind": report.kind}


def _snapshot(report: Report) -> dict:
    return {
        "progress": report.progress, "problems": report.problems, "next_steps": report.next_steps,
        "claimed_status": report.claimed_status,
        "values": {str(v.indicator_id): str(v.actual) for v in report.values},
    }


def review_report(report_id: int, decision: str, *, session: Session, actor: Actor, reason: str = "",
                  today: date | None = None) -> Report:
    """Approve, or return with a reason. Approving a report that claims completion closes the task."""
    require(actor, "report.review")
    report = visible_report(session, actor, report_id)
    task = session.get(Task, report.task_id)
    if report.kind != "lead":
        raise InvalidTransition("配合单位的报送由牵头单位汇总，督查室审核牵头单位的报告。")
    if report.status != "submitted":
        states = {"draft": "还是草稿，尚未报送", "returned": "已退回，等待单位修改", "approved": "已审核通过"}
        raise InvalidTransition(f"这份报告{states[report.status]}，不能审核。")
    if decision not in ("approved", "returned"):
        raise ValidationFailed("审核结论只能是“通过”（approved）或“退回”（returned）。")
    if decision == "returned" and not reason.strip():
        raise ValidationFailed("退回必须写明理由。", details=[{"field": "reason", "message": "请填写退回理由"}])
    day = as_of(session, today)
    now = moment(day)
    session.add(Review(report_id=report.id, version=report.version, decision=decision, reason=reason.strip(),
                       reviewer_id=actor.user_id, reviewed_at=now))
    report.status = decision
    if decision == "approved":
        report.approved_at = now
        if report.kind == "lead":
            # Decomposed figures are whatever the sub-tasks have had approved by now.
            rolled = rolled_up(session, task, day)
            if rolled:
                _put_values(report, {**{v.indicator_id: Decimal(v.actual) for v in report.values}, **rolled})
        if report.claimed_status == "completed" and task.closed_on is None:
            task.closed_on, task.closed_by = day, actor.user_id
    else:
        report.returned_at = now
    session.flush()
    refresh_lights(session, _with_ancestors(task), today=day)
    record(f"report.{decision}", session=session, actor=actor, object_type="report", object_id=report.id,
           detail={"task_id": task.id, "period": report.period, "version": report.version, "reason": reason})
    session.commit()
    return report


def _with_ancestors(task: Task) -> list[Task]:
    out, node = [], task
    while node is not None:
        out.append(node)
        node = node.parent
    return out


def task_reports(task_id: int, *, session: Session, actor: Actor) -> list[Report]:
    """Every report on a task the actor may see, newest period first, with versions and reviews."""
    require(actor, "report.view")
    task = visible_task(session, actor, task_id)
    query = (
        select(Report).where(Report.task_id == task.id)
        .options(selectinload(Report.values), selectinload(Report.reviews), selectinload(Report.versions),
                 selectinload(Report.attachments))
        .order_by(Report.period.desc(), Report.kind, Report.id)
    )
    reports = session.scalars(query).all()
    if actor.unit_scoped and not leads_above(actor, task):
        reports = [r for r in reports if r.unit_id == actor.unit_id]
    return list(reports)


def pending_reviews(*, session: Session, actor: Actor, limit: int = 100) -> list[Report]:
    require(actor, "report.review")
    return list(session.scalars(
        select(Report).where(Report.status == "submitted", Report.kind == "lead")
        .order_by(Report.submitted_at).limit(limit)
    ))


def add_attachment(report_id: int, evidence: Evidence, *, session: Session, actor: Actor) -> Attachment:
    """Attach evidence to a report the actor's unit has already saved."""
    require(actor, "attachment.upload")
    report = visible_report(session, actor, report_id)
    if report.unit_id != actor.unit_id:
        raise PermissionDenied("只能为本单位的进展报告上传附件。")
    attachment = _attach(report, evidence, session=session, actor=actor)
    _record_upload(attachment, session=session, actor=actor)
    _commit(session, evidence, attachment)
    return attachment


def _attach(report: Report, evidence: Evidence, *, session: Session, actor: Actor) -> Attachment:
    """The evidence's row, its type checked by content and its file named by us (no commit; the file is
    written by ``_commit``)."""
    if report.status == "approved":
        raise InvalidTransition("报告已审核通过，不能再添加附件。")
    name = Path(evidence.filename or "附件").name[:200]
    kind = evidence_kind(evidence.data, name=name, max_bytes=evidence.max_bytes)
    attachment = Attachment(report_id=report.id, original_name=name,
                            stored_name=f"{secrets.token_hex(16)}.{kind.extension}", content_type=kind.content_type,
                            size=len(evidence.data), sha256=hashlib.sha256(evidence.data).hexdigest(),
                            uploaded_by=actor.user_id)
    session.add(attachment)
    session.flush()
    return attachment


def _record_upload(attachment: Attachment, *, session: Session, actor: Actor) -> None:
    record("attachment.upload", session=session, actor=actor, object_type="attachment", object_id=attachment.id,
           detail={"report_id": attachment.report_id, "name": attachment.original_name, "size": attachment.size,
                   "type": attachment.content_type})


def _commit(session: Session, evidence: Evidence | None, attachment: Attachment | None) -> None:
    """Commit; an evidence file is stored (outside the web root) just before, and removed again when the
    commit fails, so that a stored file exists exactly when its row does."""
    if evidence is None or attachment is None:
        session.commit()
        return
    evidence.storage.mkdir(parents=True, exist_ok=True)
    path = evidence.storage / attachment.stored_name
    path.write_bytes(evidence.data)
    try:
        session.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def open_attachment(attachment_id: int, *, session: Session, actor: Actor, storage: Path) -> tuple[Attachment, bytes]:
    require(actor, "attachment.download")
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("没有这个附件，或您无权查看。")
    try:
        visible_report(session, actor, attachment.report_id)
    except NotFound:
        raise NotFound("没有这个附件，或您无权查看。") from None
    data = (storage / attachment.stored_name).read_bytes()
    record("attachment.download", session=session, actor=actor, object_type="attachment", object_id=attachment.id,
           detail={"report_id": attachment.report_id})
    session.commit()
    return attachment, data


def compile_draft(task_id: int, period: str, *, session: Session, actor: Actor) -> ReportInput:
    """What the lead unit starts from: its co-units' contributions and the sub-tasks' approved figures."""
    require(actor, "report.write")
    task = visible_task(session, actor, task_id)
    if actor.unit_scoped and task.lead_unit_id != actor.unit_id:
        raise PermissionDenied("只有牵头单位汇总报送。")
    parts = session.scalars(
        select(Report).where(Report.task_id == task.id, Report.period == period, Report.kind == "contribution",
                             Report.status == "submitted")
    ).all()
    children = session.scalars(
        select(Report).where(Report.task_id.in_([c.id for c in task.children]), Report.period == period,
                             Report.status.in_(("submitted", "approved")))
    ).all()
    names = {a.unit_id: a.name_as_written for t in [task, *task.children] for a in t.assignments}
    lines = [f"{names.get(r.unit_id, '')}：{r.progress}" for r in [*parts, *children] if r.progress]
    return ReportInput(progress="\n".join(lines), values=dict(rolled_up(session, task, as_of(session))))


def submitted_on(report: Report) -> date | None:
    return local_date(report.first_submitted_at) if report.first_submitted_at else None

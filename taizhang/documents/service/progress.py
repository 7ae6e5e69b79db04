"""The progress template round trip: a unit's template for a period out, the filled file back in.

The import checks the whole file first and applies every filled task as a draft report through
``reporting.service.save_report``, or none: the drafts are written in savepoints of one transaction
that is committed only when every row went in. Rows identical to the unit's working copy, and rows
left empty, change nothing — so uploading the same file twice changes nothing the second time.
A rejected file is recorded in the audit trail (who tried what) and changes nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.audit.service import record
from taizhang.auth.permissions import REPORTER, Actor, require
from taizhang.documents.service.facts import policy_or_fail, resolve_period
from taizhang.documents.service.template import decomposed
from taizhang.documents.signing import FileIdentity
from taizhang.documents.template_read import FilledTask, FilledTemplate, problem, read_template
from taizhang.documents.workbook import open_workbook
from taizhang.errors import TaizhangError, ValidationFailed
from taizhang.exports.template_xlsx import IDENTITY, PROGRESS, VALUE
from taizhang.ledger.models import Task, Unit
from taizhang.ledger.periods import period_label
from taizhang.ledger.service.lights import cadence_of
from taizhang.reporting.models import Report
from taizhang.reporting.service import ReportInput, save_report


@dataclass(frozen=True)
class ProgressImport:
    unit_name: str
    period: str
    saved: tuple[int, ...]  # task ids whose draft was written
    unchanged: int
    empty: int
    message: str


@contextmanager
def all_or_nothing(session: Session) -> Iterator[Session]:
    """A session whose commits are savepoints inside ``session``'s transaction; an exception undoes all."""
    inner = Session(bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield inner
    except BaseException:
        inner.close()
        session.rollback()
        raise
    inner.close()


def import_progress(data: bytes, *, filename: str, session: Session, actor: Actor, secret: str, max_bytes: int,
                    period: str | None = None) -> ProgressImport:
    """Validate a filled template and save every filled task as a draft report, or nothing."""
    require(actor, "progress.import")
    detail = {"file": filename, "size": len(data), "period": period}
    try:
        filled = read_template(open_workbook(data, name=filename, max_bytes=max_bytes), secret=secret)
        unit, period = _check_file(session, actor, filled, period)
        detail.update(unit=unit.short_name, period=period)
        reporter = actor if actor.unit_scoped else Actor(user_id=actor.user_id, username=actor.username, role=REPORTER,
                                                         unit_id=unit.id, source_ip=actor.source_ip)
        inputs, unchanged, empty = _inputs(session, reporter, filled, period)
        with all_or_nothing(session) as inner:
            for task, data_in in inputs:
                _save(inner, task, period, data_in, reporter)
    except TaizhangError as exc:
        session.rollback()
        record("progress.import", session=session, actor=actor, outcome="rejected",
               detail={**detail, "reason": exc.message, "problems": exc.details[:50]})
        session.commit()
        raise
    saved = tuple(task.task_id for task, _ in inputs)
    record("progress.import", session=session, actor=actor, object_type="unit", object_id=unit.id,
           detail={**detail, "rows": len(saved) + unchanged + empty, "saved": list(saved), "unchanged": unchanged,
                   "empty": empty, "on_behalf": not actor.unit_scoped})
    session.commit()
    label = period_label(cadence_of(policy_or_fail(session)), period)
    message = (f"已导入{unit.short_name}{label}进展：保存草稿{len(saved)}项，与系统中相同{unchanged}项，未填写{empty}项。"
               + ("草稿须在系统中报送后才进入审核。" if saved else ""))
    return ProgressImport(unit_name=unit.short_name, period=period, saved=saved, unchanged=unchanged, empty=empty,
                          message=message)


def _check_file(session: Session, actor: Actor, filled: FilledTemplate, period: str | None) -> tuple[Unit, str]:
    if filled.file is None:
        _reject(filled.problems)
    file: FileIdentity = filled.file
    policy = policy_or_fail(session)
    unit = session.get(Unit, file.unit_id)
    where = [problem(1, IDENTITY, None, "模板的单位、报送期或政策版本与本次导入不符")]
    if unit is None or file.policy_id != policy.id:
        raise ValidationFailed("这份模板来自已被替换的政策文件版本或已不存在的单位，请重新下载模板。", details=where)
    if actor.unit_scoped and unit.id != actor.unit_id:
        raise ValidationFailed(f"这是“{unit.short_name}”的填报模板，不能以本单位的名义导入：请下载本单位的模板填写。",
                               details=where)
    expected, expected_label, _ = resolve_period(session, policy, period)
    if file.period != expected:
        cadence = cadence_of(policy)
        raise ValidationFailed(f"这是{period_label(cadence, file.period)}的填报模板，本次导入的是{expected_label}："
                               f"请下载{expected_label}的模板填写，或导入时指定报送期{file.period}。", details=where)
    if filled.problems:
        _reject(filled.problems)
    return unit, expected


def _reject(problems: list[dict]) -> None:
    shown = "；".join(f"第{p['row']}行{p['column'] or ''}列：{p['reason']}" if p["row"] else p["reason"]
                     for p in problems[:5])
    more = f"等{len(problems)}处" if len(problems) > 5 else f"{len(problems)}处"
    raise ValidationFailed(f"填报模板有{more}问题，未导入任何数据：{shown}。", details=problems)


def _inputs(session: Session, reporter: Actor, filled: FilledTemplate,
            period: str) -> tuple[list[tuple[FilledTask, ReportInput]], int, int]:
    problems, inputs, unchanged, empty = [], [], 0, 0
    for task_in in filled.tasks:
        if task_in.empty:
            empty += 1
            continue
        task = session.get(Task, task_in.task_id)
        reason = _task_problem(task, task_in, reporter)
        report = session.scalar(select(Report).where(Report.task_id == task_in.task_id, Report.period == period,
                                                     Report.unit_id == reporter.unit_id)) if not reason else None
        data = ReportInput(progress=task_in.texts["progress"], problems=task_in.texts["problems"],
                           next_steps=task_in.texts["next_steps"], claimed_status=task_in.status or "in_progress",
                           values={i: str(v) for i, v in task_in.values.items()})
        skip = decomposed(session, task) if task is not None else set()
        if not reason and report is not None and _same(report, data, skip):
            unchanged += 1
            continue
        if not reason and report is not None and report.status == "approved":
            reason = "该任务本期进展已审核通过，不能再修改：请清空本行填写的内容后重新上传"
        if reason:
            problems.append(problem(task_in.first_row, PROGRESS, None, reason))
            continue
        inputs.append((task_in, data))
    if problems:
        _reject(problems)
    return inputs, unchanged, empty


def _task_problem(task: Task | None, task_in: FilledTask, reporter: Actor) -> str | None:
    if task is None or task.status == "withdrawn":
        return "该任务已撤销，不能填报"
    if task.closed_on is not None:
        return "该任务已办结，不能再填报进展"
    if not any(a.unit_id == reporter.unit_id for a in task.assignments):
        return "本单位已不是该任务的牵头或配合单位，不能填报"
    if tuple(i.id for i in task.indicators) != task_in.indicator_ids:
        return "该任务的量化指标已调整，请重新下载模板"
    return None


def _same(report: Report, data: ReportInput, skip: set[int]) -> bool:
    values = {v.indicator_id: Decimal(v.actual) for v in report.values if v.indicator_id not in skip}
    given = {int(i): Decimal(v) for i, v in (data.values or {}).items() if int(i) not in skip}
    return (report.progress, report.problems, report.next_steps, report.claimed_status) == (
        data.progress, data.problems, data.next_steps, data.claimed_status) and values == given


def _save(inner: Session, task_in: FilledTask, period: str, data: ReportInput, reporter: Actor) -> None:
    try:
        save_report(task_in.task_id, period, data, session=inner, actor=reporter)
    except TaizhangError as exc:  # a change between the check and the write: the whole file is refused
        row = task_in.rows.get(0, task_in.first_row)
        raise ValidationFailed(f"第{row}行：{exc.message}未导入任何数据。",
                               details=[problem(row, VALUE, None, exc.message)]) from None

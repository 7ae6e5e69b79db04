"""/api/v1/tasks: the ledger's tasks, their sub-tasks, reports, light overrides and closure."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from taizhang.documents import service as documents
from taizhang.ledger import service as ledger
from taizhang.ledger.rows import Page, Rollup, TaskRow
from taizhang.ledger.service import summaries
from taizhang.ledger.service.tasks import Decomposition
from taizhang.reporting import service as reporting
from taizhang.supervision import service as supervision
from taizhang.supervision.models import LightOverride
from taizhang.web.api.schemas import (
    AssignIn,
    CloseIn,
    DecomposeIn,
    Light,
    OverrideIn,
    OverrideOut,
    ReportIn,
    ReportOut,
    RollupOut,
    TaskDetailOut,
    TaskHistoryOut,
    TaskOut,
)
from taizhang.web.api.views import report_out, task_detail_out, task_history_out
from taizhang.web.deps import Login, ReadSession, WriteSession, permit
from taizhang.web.downloads import download

router = APIRouter(prefix="/tasks", tags=["任务"])


@router.get("", summary="任务列表（筛选、排序、分页；填报员只能看到本单位的任务）", response_model=Page[TaskOut])
def list_tasks(
    login: Annotated[Login, permit("task.view")],
    session: ReadSession,
    unit: Annotated[str | None, Query(max_length=200, description="单位名称（牵头或配合）")] = None,
    section: Annotated[int | None, Query(ge=0, le=99, description="部分序号")] = None,
    light: Annotated[Light | None, Query(description="预警灯")] = None,
    status: Annotated[str | None, Query(max_length=20, description="完成状态")] = None,
    due_before: Annotated[date | None, Query(description="在此日期之前到期")] = None,
    q: Annotated[str | None, Query(max_length=100, description="标题或内容包含的文字")] = None,
    include_subtasks: Annotated[bool | None, Query(description="是否列出子任务")] = None,
    lead_unit_id: Annotated[int | None, Query(ge=1, description="牵头单位 id")] = None,
    open: Annotated[bool, Query(description="只列未完成的任务")] = False,
    overdue: Annotated[bool, Query(description="只列逾期未完成的任务（完成时限早于台账计算日）")] = False,
    sort: Annotated[str, Query(pattern="^(document|due|light|updated)$")] = "document",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[TaskRow]:
    return ledger.list_tasks(session=session, actor=login.actor, unit=unit, section=section, light=light,
                             status=status, due_before=due_before, q=q, include_subtasks=include_subtasks,
                             lead_unit_id=lead_unit_id, open_only=open, overdue=overdue, sort=sort, limit=limit,
                             offset=offset)


@router.get("/rollup", summary="按完成状态汇总：某单位及其下属单位牵头的任务（市政府即全市）", response_model=RollupOut)
def rollup(login: Annotated[Login, permit("task.view")], session: ReadSession,
           unit_id: Annotated[int | None, Query(ge=1, description="单位 id（填报员默认本单位）")] = None) -> Rollup:
    return summaries.unit_rollup(unit_id, session=session, actor=login.actor)


@router.get("/export", summary="导出某单位及其下属单位的全部任务（市政府即全市台账；Excel 或 CSV）",
            response_class=Response)
def export(login: Annotated[Login, permit("ledger.export")], session: WriteSession,
           unit_id: Annotated[int | None, Query(ge=1, description="单位 id（填报员默认本单位）")] = None,
           format: Annotated[Literal["xlsx", "csv"], Query(description="文件格式")] = "xlsx") -> Response:
    file = documents.export_unit_ledger(unit_id, session=session, actor=login.actor, fmt=format)
    return download(file.data, file.filename, file.content_type)


@router.get("/{task_id}", summary="任务详情：指标、审核通过的完成值、预警灯、子任务汇总", response_model=TaskDetailOut)
def detail(task_id: int, login: Annotated[Login, permit("task.view")], session: ReadSession) -> dict[str, Any]:
    return task_detail_out(ledger.task_detail(task_id, session=session, actor=login.actor))


@router.post("/{task_id}/subtasks", summary="分解任务（按县、按配合单位或按事项）", status_code=201,
             response_model=Decomposition)
def decompose(task_id: int, body: DecomposeIn, login: Annotated[Login, permit("task.decompose")],
              session: WriteSession) -> Decomposition:
    specs = [ledger.SubtaskSpec(unit_id=s.unit_id, kind=s.kind, title=s.title, due_date=s.due_date,
                                targets=dict(s.targets)) for s in body.subtasks]
    return ledger.decompose(task_id, specs, session=session, actor=login.actor)


@router.post("/{task_id}/assignments", summary="增加责任单位（牵头或配合）", status_code=201, response_model=TaskOut)
def assign(task_id: int, body: AssignIn, login: Annotated[Login, permit("task.assign")],
           session: WriteSession) -> TaskRow:
    ledger.assign_unit(task_id, body.unit_id, body.role, session=session, actor=login.actor)
    return ledger.task_detail(task_id, session=session, actor=login.actor).row


@router.post("/{task_id}/close", summary="任务办结", response_model=TaskOut)
def close(task_id: int, body: CloseIn, login: Annotated[Login, permit("task.close")], session: WriteSession) -> TaskRow:
    ledger.close_task(task_id, session=session, actor=login.actor, note=body.note)
    return ledger.task_detail(task_id, session=session, actor=login.actor).row


@router.post("/{task_id}/light-override", summary="人工调整预警灯（须写明理由）", status_code=201,
             response_model=OverrideOut)
def override(task_id: int, body: OverrideIn, login: Annotated[Login, permit("light.override")],
             session: WriteSession) -> LightOverride:
    return supervision.override_light(task_id, body.light, body.reason, session=session, actor=login.actor)


@router.get("/{task_id}/history", summary="任务概要与最近的报送（每次报送一条，新的在前）", response_model=TaskHistoryOut)
def history(task_id: int, login: Annotated[Login, permit("report.view")], session: ReadSession,
            limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
    return task_history_out(summaries.task_history(task_id, session=session, actor=login.actor, limit=limit))


@router.get("/{task_id}/reports", summary="任务的进展报告（含各版本审核记录）", response_model=list[ReportOut])
def reports(task_id: int, login: Annotated[Login, permit("report.view")], session: ReadSession) -> list[dict[str, Any]]:
    return [report_out(r) for r in reporting.task_reports(task_id, session=session, actor=login.actor)]


@router.put("/{task_id}/reports/{period}", summary="保存本单位本期进展（草稿；submit=true 则保存并报送）",
            response_model=ReportOut)
def save_report(task_id: int, period: str, body: ReportIn, login: Annotated[Login, permit("report.write")],
                session: WriteSession,
                submit: Annotated[bool, Query(description="保存后在同一事务中报送")] = False) -> dict[str, Any]:
    data = reporting.ReportInput(progress=body.progress, problems=body.problems, next_steps=body.next_steps,
                                 claimed_status=body.claimed_status, values=dict(body.values))
    return report_out(reporting.save_report(task_id, period, data, session=session, actor=login.actor,
                                            submit=submit))


@router.get("/{task_id}/reports/{period}/compiled", summary="牵头单位汇总底稿：配合单位报送与子任务审核值",
            response_model=ReportIn)
def compiled(task_id: int, period: str, login: Annotated[Login, permit("report.write")],
             session: ReadSession) -> ReportIn:
    draft = reporting.compile_draft(task_id, period, session=session, actor=login.actor)
    return ReportIn(progress=draft.progress, values=dict(draft.values or {}))

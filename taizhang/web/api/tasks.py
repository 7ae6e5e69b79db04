"""/api/v1/tasks: the ledger's tasks, their sub-tasks, reports, light overrides and closure."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from taizhang.ledger import service as ledger
from taizhang.reporting import service as reporting
from taizhang.supervision import service as supervision
from taizhang.web.api.schemas import (
    AssignIn,
    CloseIn,
    DecomposeIn,
    DecompositionOut,
    Light,
    OverrideIn,
    OverrideOut,
    PageOut,
    ReportIn,
    ReportOut,
    TaskDetailOut,
    TaskOut,
)
from taizhang.web.api.views import report_out, task_detail_out
from taizhang.web.deps import Login, ReadSession, WriteSession, permit

router = APIRouter(prefix="/tasks", tags=["任务"])


@router.get("", summary="任务列表（筛选、排序、分页；填报员只能看到本单位的任务）", response_model=PageOut[TaskOut])
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
    sort: Annotated[str, Query(pattern="^(document|due|light|updated)$")] = "document",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PageOut[TaskOut]:
    page = ledger.list_tasks(session=session, actor=login.actor, unit=unit, section=section, light=light,
                             status=status, due_before=due_before, q=q, include_subtasks=include_subtasks, sort=sort,
                             limit=limit, offset=offset)
    return PageOut[TaskOut](items=[TaskOut.model_validate(t) for t in page.items], total=page.total,
                            limit=page.limit, offset=page.offset)


@router.get("/{task_id}", summary="任务详情：指标、审核通过的完成值、预警灯、子任务汇总", response_model=TaskDetailOut)
def detail(task_id: int, login: Annotated[Login, permit("task.view")], session: ReadSession) -> TaskDetailOut:
    return task_detail_out(ledger.task_detail(task_id, session=session, actor=login.actor))


@router.post("/{task_id}/subtasks", summary="分解任务（按县、按配合单位或按事项）", status_code=201,
             response_model=DecompositionOut)
def decompose(task_id: int, body: DecomposeIn, login: Annotated[Login, permit("task.decompose")],
              session: WriteSession) -> DecompositionOut:
    specs = [ledger.SubtaskSpec(unit_id=s.unit_id, kind=s.kind, title=s.title, due_date=s.due_date,
                                targets=dict(s.targets)) for s in body.subtasks]
    result = ledger.decompose(task_id, specs, session=session, actor=login.actor)
    return DecompositionOut(created=result.created, warnings=result.warnings)


@router.post("/{task_id}/assignments", summary="增加责任单位（牵头或配合）", status_code=201, response_model=TaskOut)
def assign(task_id: int, body: AssignIn, login: Annotated[Login, permit("task.assign")],
           session: WriteSession) -> TaskOut:
    ledger.assign_unit(task_id, body.unit_id, body.role, session=session, actor=login.actor)
    return TaskOut.model_validate(ledger.task_detail(task_id, session=session, actor=login.actor).row)


@router.post("/{task_id}/close", summary="任务办结", response_model=TaskOut)
def close(task_id: int, body: CloseIn, login: Annotated[Login, permit("task.close")], session: WriteSession) -> TaskOut:
    ledger.close_task(task_id, session=session, actor=login.actor, note=body.note)
    return TaskOut.model_validate(ledger.task_detail(task_id, session=session, actor=login.actor).row)


@router.post("/{task_id}/light-override", summary="人工调整预警灯（须写明理由）", status_code=201,
             response_model=OverrideOut)
def override(task_id: int, body: OverrideIn, login: Annotated[Login, permit("light.override")],
             session: WriteSession) -> OverrideOut:
    row = supervision.override_light(task_id, body.light, body.reason, session=session, actor=login.actor)
    return OverrideOut.model_validate(row)


@router.get("/{task_id}/reports", summary="任务的进展报告（含各版本审核记录）", response_model=list[ReportOut])
def reports(task_id: int, login: Annotated[Login, permit("report.view")], session: ReadSession) -> list[ReportOut]:
    return [report_out(r) for r in reporting.task_reports(task_id, session=session, actor=login.actor)]


@router.put("/{task_id}/reports/{period}", summary="保存本单位本期进展（草稿）", response_model=ReportOut)
def save_report(task_id: int, period: str, body: ReportIn, login: Annotated[Login, permit("report.write")],
                session: WriteSession) -> ReportOut:
    data = reporting.ReportInput(progress=body.progress, problems=body.problems, next_steps=body.next_steps,
                                 claimed_status=body.claimed_status, values=dict(body.values))
    return report_out(reporting.save_report(task_id, period, data, session=session, actor=login.actor))


@router.get("/{task_id}/reports/{period}/compiled", summary="牵头单位汇总底稿：配合单位报送与子任务审核值",
            response_model=ReportIn)
def compiled(task_id: int, period: str, login: Annotated[Login, permit("report.write")],
             session: ReadSession) -> ReportIn:
    draft = reporting.compile_draft(task_id, period, session=session, actor=login.actor)
    return ReportIn(progress=draft.progress, values=dict(draft.values or {}))

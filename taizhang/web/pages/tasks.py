"""The task list and the task page with its forms: progress report, review, decomposition, 催办/督办,
light override, closure. A form with errors comes back with every typed value kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from taizhang.auth.permissions import allowed
from taizhang.errors import Conflict, DocumentTooLarge, TaizhangError, ValidationFailed
from taizhang.ledger import service as ledger
from taizhang.ledger.vocabulary import TASK_STATUSES
from taizhang.reporting import service as reporting
from taizhang.supervision import service as supervision
from taizhang.web.deps import Login, ReadSession, WriteSession, permit, read_evidence
from taizhang.web.pages.common import page

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
DONE = {
    "saved": "进展已保存为草稿。", "submitted": "进展已报送。", "approved": "已审核通过。", "returned": "已退回，单位会看到理由。",
    "decomposed": "任务已分解。", "notice": "催办/督办单已发出。", "override": "预警灯已调整。", "closed": "任务已办结。",
}


@router.get("/tasks", name="tasks")
def task_list(
    request: Request,
    login: Annotated[Login, permit("task.view")],
    session: ReadSession,
    section: Annotated[int | None, Query(ge=0, le=99)] = None,
    unit: Annotated[str | None, Query(max_length=100)] = None,
    light: Annotated[str | None, Query(pattern="^(none|green|blue|yellow|orange|red)$")] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    due_before: Annotated[date | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    sort: Annotated[str, Query(pattern="^(document|due|light|updated)$")] = "document",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> Response:
    filters = {"section": section, "unit": unit or None, "light": light, "status": status or None,
               "due_before": due_before, "q": q or None}
    result = ledger.list_tasks(session=session, actor=login.actor, sort=sort, limit=PAGE_SIZE,
                               offset=(page_no - 1) * PAGE_SIZE, **filters)
    view = ledger.current_policy(session=session, actor=login.actor)
    query = {k: v for k, v in {**filters, "sort": sort}.items() if v not in (None, "")}
    template = "_task_table.html" if request.headers.get("HX-Request") else "tasks.html"
    export = {k: v for k, v in {"unit": unit, "section": section, "light": light}.items() if v not in (None, "")}
    return page(request, template, session=session, login=login, result=result, filters=filters, sort=sort,
                can_export=allowed(login.actor, "ledger.export"), export_query=urlencode(export),
                sections=view.sections if view else [], statuses=TASK_STATUSES, sorts=ledger.SORTS,
                page_no=page_no, pages=max(1, -(-result.total // PAGE_SIZE)), query=urlencode(query))


def _task_page(request: Request, session, login: Login, task_id: int, *, status_code: int = 200,
               forms: dict | None = None) -> Response:
    actor = login.actor
    detail = ledger.task_detail(task_id, session=session, actor=actor)
    period = detail.period
    reports = reporting.task_reports(task_id, session=session, actor=actor)
    mine = next((r for r in reports if r.period == period and r.unit_id == actor.unit_id), None)
    forms = forms or {}
    report_form = forms.get("report") or _report_defaults(mine, period)
    if mine is None and "report" not in forms and actor.unit_scoped and detail.row.id and detail.viewer_leads \
            and (detail.subtasks or len(detail.row.co_units)):
        # The lead unit starts from what its co-units and sub-tasks reported (汇总).
        draft = reporting.compile_draft(task_id, period, session=session, actor=actor)
        report_form = {**report_form, "progress": draft.progress,
                       "values": {k: str(v.normalize()) for k, v in (draft.values or {}).items()}}
    return page(
        request, "task.html", status_code=status_code, session=session, login=login, d=detail, reports=reports,
        notices=supervision.task_notices(task_id, session=session, actor=actor),
        trail=ledger.task_trail(task_id, session=session, actor=actor),
        series=(series := ledger.indicator_series(task_id, session=session, actor=actor)),
        series_json=[_series_json(s) for s in series],
        units=ledger.list_units(session=session, actor=actor, kind="county") if detail.viewer_leads else [],
        period=period, mine=mine, report_form=report_form, forms=forms,
        indicator_names={i.id: (i.name, i.unit) for i in detail.indicators},
        can={"report": allowed(actor, "report.write") and detail.viewer_assigned and not detail.closed_on,
             "review": allowed(actor, "report.review"), "decompose": allowed(actor, "task.decompose")
             and detail.viewer_leads and detail.row.depth < 2, "notice": allowed(actor, "notice.issue"),
             "override": allowed(actor, "light.override"), "close": allowed(actor, "task.close")
             and not detail.closed_on},
        done=DONE.get(request.query_params.get("done", "")),
    )


def _series_json(s) -> dict:
    number = lambda v: None if v is None else float(v)  # noqa: E731 (chart data only)
    return {"id": s.indicator_id, "name": s.name, "unit": s.unit, "target": number(s.target),
            "labels": [p.label for p in s.points], "expected": [number(p.expected) for p in s.points],
            "approved": [number(p.approved) for p in s.points]}


def _report_defaults(report, period: str) -> dict[str, Any]:
    if report is None:
        return {"period": period, "progress": "", "problems": "", "next_steps": "", "claimed_status": "in_progress",
                "values": {}, "errors": {}}
    return {"period": report.period, "progress": report.progress, "problems": report.problems,
            "next_steps": report.next_steps, "claimed_status": report.claimed_status,
            "values": {v.indicator_id: str(v.actual.normalize()) for v in report.values}, "errors": {}}


@router.get("/tasks/{task_id}", name="task")
def task_page(task_id: int, request: Request, login: Annotated[Login, permit("task.view")],
              session: ReadSession) -> Response:
    return _task_page(request, session, login, task_id)


def _back(task_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/tasks/{task_id}?done={done}#top", status_code=303)


def _field_errors(exc: TaizhangError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for d in exc.details:
        key = str(d.get("field") or d.get("row") or "form")
        errors[key] = "；".join(filter(None, (errors.get(key), d.get("message"))))
    return errors or {"form": exc.message}


@router.post("/tasks/{task_id}/report", name="task_report")
async def task_report(task_id: int, request: Request, login: Annotated[Login, permit("report.write")],
                      session: WriteSession) -> Response:
    form = await request.form()
    values = {int(k.removeprefix("value_")): str(v).strip() for k, v in form.items()
              if k.startswith("value_") and str(v).strip()}
    typed = {"period": str(form.get("period", "")), "progress": str(form.get("progress", "")),
             "problems": str(form.get("problems", "")), "next_steps": str(form.get("next_steps", "")),
             "claimed_status": str(form.get("claimed_status", "in_progress")), "values": values}
    upload = form.get("attachment")
    evidence = await read_evidence(request, upload) if isinstance(upload, UploadFile) and upload.filename else None
    submit = form.get("action") == "submit"
    data = reporting.ReportInput(progress=typed["progress"], problems=typed["problems"],
                                 next_steps=typed["next_steps"], claimed_status=typed["claimed_status"], values=values)
    try:
        reporting.save_report(task_id, typed["period"], data, session=session, actor=login.actor, evidence=evidence,
                              submit=submit)
    except (ValidationFailed, Conflict, DocumentTooLarge) as exc:  # nothing was kept; the form comes back as typed
        session.rollback()
        typed["errors"] = _field_errors(exc)
        status = exc.status if isinstance(exc, DocumentTooLarge) else 422
        return _task_page(request, session, login, task_id, status_code=status, forms={"report": typed})
    return _back(task_id, "submitted" if submit else "saved")


@router.post("/reports/{report_id}/review", name="report_review")
def report_review(
    report_id: int, request: Request, login: Annotated[Login, permit("report.review")], session: WriteSession,
    decision: Annotated[str, Form(pattern="^(approved|returned)$")], reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    report = reporting.visible_report(session, login.actor, report_id)
    try:
        reporting.review_report(report_id, decision, session=session, actor=login.actor, reason=reason)
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        forms = {"review": {"report_id": report_id, "reason": reason, "errors": _field_errors(exc)}}
        return _task_page(request, session, login, report.task_id, status_code=422, forms=forms)
    return _back(report.task_id, decision)


@router.post("/tasks/{task_id}/decompose", name="task_decompose")
async def task_decompose(task_id: int, request: Request, login: Annotated[Login, permit("task.decompose")],
                         session: WriteSession) -> Response:
    form = await request.form()
    rows, typed = [], []
    for n in range(1, 19):
        unit = str(form.get(f"unit_{n}", "")).strip()
        if not unit:
            continue
        targets = {int(k.split("_")[2]): str(v).strip() for k, v in form.items()
                   if k.startswith(f"target_{n}_") and str(v).strip()}
        due = str(form.get(f"due_{n}", "")).strip()
        typed.append({"n": n, "unit": unit, "targets": targets, "due": due})
        try:
            rows.append(ledger.SubtaskSpec(unit_id=int(unit), kind=str(form.get("kind", "county")),
                                           due_date=date.fromisoformat(due) if due else None,
                                           targets={k: Decimal(v) for k, v in targets.items()}))
        except (ValueError, InvalidOperation):
            rows.append(None)
    try:
        if any(r is None for r in rows):
            raise ValidationFailed("子任务的完成时限或分解目标格式不对（日期如 2020-12-31，目标为数字）。")
        ledger.decompose(task_id, rows, session=session, actor=login.actor)
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        forms = {"decompose": {"rows": typed, "errors": _field_errors(exc), "message": exc.message}}
        return _task_page(request, session, login, task_id, status_code=422, forms=forms)
    return _back(task_id, "decomposed")


@router.post("/tasks/{task_id}/notice", name="task_notice")
def task_notice(
    task_id: int, request: Request, login: Annotated[Login, permit("notice.issue")], session: WriteSession,
    reason: Annotated[str, Form(max_length=2000)] = "", body: Annotated[str, Form(max_length=5000)] = "",
    start_at: Annotated[str, Form(pattern="^(reminder|blue|orange|red)$")] = "reminder",
    item_key: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    try:
        supervision.issue_notice(task_id, session=session, actor=login.actor, reason=reason, body=body,
                                 start_at=start_at, item_key=item_key or None)
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        forms = {"notice": {"reason": reason, "body": body, "start_at": start_at, "errors": _field_errors(exc)}}
        return _task_page(request, session, login, task_id, status_code=422, forms=forms)
    return _back(task_id, "notice")


@router.post("/tasks/{task_id}/override", name="task_override")
def task_override(
    task_id: int, request: Request, login: Annotated[Login, permit("light.override")], session: WriteSession,
    light: Annotated[str, Form(pattern="^(none|green|blue|yellow|orange|red)$")],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        supervision.override_light(task_id, light, reason, session=session, actor=login.actor)
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        forms = {"override": {"light": light, "reason": reason, "errors": {"reason": exc.message}}}
        return _task_page(request, session, login, task_id, status_code=422, forms=forms)
    return _back(task_id, "override")


@router.post("/tasks/{task_id}/close", name="task_close")
def task_close(task_id: int, login: Annotated[Login, permit("task.close")], session: WriteSession,
               note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    ledger.close_task(task_id, session=session, actor=login.actor, note=note)
    return _back(task_id, "closed")

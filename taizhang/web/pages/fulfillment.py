"""免申即享 pages for the 督查室 and leaders: the batch list with the upload form, one batch's page
(progress, bad rows, masked payouts, review, 公示, 拨付/退回, downloads) and the audited reveal of one
payout's identity. They call the same service functions as ``/api/v1/fulfillment``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from taizhang.auth.permissions import allowed
from taizhang.benefits import rule_book
from taizhang.clock import local_today
from taizhang.errors import Conflict, TaizhangError, ValidationFailed
from taizhang.fulfillment import service, worker
from taizhang.fulfillment.models import JOB_STATUSES, PAYOUT_STATUSES, REVIEW_STATUSES
from taizhang.fulfillment.service import REASON_LENGTH, TRANSITIONS
from taizhang.rules.money import format_yuan
from taizhang.rules.rule import BoundRule
from taizhang.web.deps import Login, ReadSession, WriteSession, data_key, get_settings, permit
from taizhang.web.downloads import NO_STORE
from taizhang.web.pages.common import page
from taizhang.web.render import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
PROBLEM_LIMIT = 200
STATUS_PATTERN = "^(" + "|".join(PAYOUT_STATUSES) + ")$"
STATUS_FILTER = "^(|" + "|".join(PAYOUT_STATUSES) + ")$"  # "" is the filter's 全部
DONE = {"approved": "批次已审核通过，可以公示。", "rejected": "批次已退回，理由已记录。",
        "published": "拟兑现记录已全部改为已公示。", "status": "兑现状态已登记。"}


def yuan(amount: str | Decimal) -> str:
    """A service amount in 元 ("90000.00") as the pages write money: "90,000.00元"."""
    return f"{Decimal(amount):,.2f}元"


def payable_rules() -> list[BoundRule]:
    """The rules a batch can run: those with an amount to pay (check rules have none)."""
    return [bound for bound in rule_book() if bound.rule.amount_label is not None]


def rule_label(name: str) -> str:
    return next((b.rule.label for b in rule_book() if b.rule.name == name), name)


def next_statuses(status: str, review: str) -> list[str]:
    """The statuses a payout may be moved to, for the form's choices (the service decides)."""
    return [to for to in PAYOUT_STATUSES
            if (status, to) in TRANSITIONS and (review == "approved" or to == "returned")]


@dataclass(frozen=True)
class UploadForm:
    rule: str = ""
    on: str = ""
    errors: dict[str, str] | None = None


def _list_page(request: Request, session: Session, login: Login, *, form: UploadForm | None = None,
               status_code: int = 200) -> Response:
    jobs = service.list_jobs(session=session, actor=login.actor)
    return page(request, "fulfillment/index.html", status_code=status_code, session=session, login=login, jobs=jobs,
                rules=payable_rules(), rule_label=rule_label, form=form or UploadForm(on=local_today().isoformat()),
                can_run=allowed(login.actor, "fulfillment.run"), job_statuses=JOB_STATUSES,
                review_statuses=REVIEW_STATUSES, format_yuan=format_yuan)


@router.get("/fulfillment", name="fulfillment")
def index(request: Request, login: Annotated[Login, permit("fulfillment.view")], session: ReadSession) -> Response:
    return _list_page(request, session, login)


@router.post("/fulfillment", name="fulfillment_upload")
async def upload(request: Request, login: Annotated[Login, permit("fulfillment.run")],
                 session: WriteSession) -> Response:
    form = await request.form()
    typed = UploadForm(rule=str(form.get("rule", ""))[:64], on=str(form.get("date", "")).strip()[:20])
    extract = form.get("file")
    if not isinstance(extract, UploadFile) or not extract.filename:
        return _refuse_upload(request, session, login, typed, "file", "请选择登记信息文件（.csv、.xlsx 或 .parquet）。")
    try:
        on = date.fromisoformat(typed.on) if typed.on else local_today()
    except ValueError:
        return _refuse_upload(request, session, login, typed, "date", "评估日期格式应为 2020-09-01。")
    settings = get_settings(request)
    data = await extract.read(settings.upload_max_bytes + 1)
    data_key(request)  # refuse the upload now, not in the background, if the key file is missing
    try:
        job = service.create_job(typed.rule, extract.filename, data, session=session, actor=login.actor, on=on,
                                 storage=settings.data_dir / "fulfillment", max_bytes=settings.upload_max_bytes)
    except TaizhangError as exc:  # an unknown or check-only rule, an empty, oversize or unreadable file
        session.rollback()
        if typed.rule not in {b.rule.name for b in payable_rules()}:
            return _refuse_upload(request, session, login, typed, "rule", exc.message)
        return _refuse_upload(request, session, login, typed, "file", exc.message, status_code=exc.status)
    worker.enqueue(job.id, session=session, actor=login.actor)
    background = getattr(request.app.state, "background", None)
    if background is not None:
        background.wake()
    return RedirectResponse(f"/fulfillment/{job.id}", status_code=303)


def _refuse_upload(request: Request, session: Session, login: Login, typed: UploadForm, field: str, message: str,
                   *, status_code: int = 422) -> Response:
    form = UploadForm(rule=typed.rule, on=typed.on, errors={field: message})
    return _list_page(request, session, login, form=form, status_code=status_code)


def _job_page(request: Request, session: Session, login: Login, job_id: int, *, page_no: int = 1,
              status: str | None = None, forms: dict[str, Any] | None = None, error: str = "",
              status_code: int = 200) -> Response:
    """The batch page; ``forms`` brings back a refused form with its typed values and the error next to
    its field, ``error`` a refusal that belongs to no field (the batch has moved on meanwhile)."""
    actor, key = login.actor, data_key(request)
    job = service.get_job(job_id, session=session, actor=actor)
    bound = rule_book()[job.rule]
    payouts, total = service.list_payouts(job_id, session=session, actor=actor, key=key, status=status,
                                          limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE)
    problems, problem_total = service.list_problems(job_id, session=session, actor=actor, limit=PROBLEM_LIMIT)
    can = {"review": allowed(actor, "fulfillment.review"), "export": allowed(actor, "fulfillment.reveal"),
           "reveal": allowed(actor, "personal.reveal")}
    proposed = 0
    if can["review"] and job.review == "approved":
        proposed = service.list_payouts(job_id, session=session, actor=actor, key=key, status="proposed",
                                        limit=1)[1]
    return page(request, "fulfillment/job.html", status_code=status_code, session=session, login=login, job=job,
                rule=bound.rule, identity_labels=[f.label for f in bound.rule.fields if f.identity],
                payouts=payouts, total=total, page_no=page_no, pages=max(1, -(-total // PAGE_SIZE)), status=status,
                problems=problems, problem_total=problem_total, proposed=proposed, can=can, forms=forms or {},
                next_statuses=next_statuses, job_statuses=JOB_STATUSES, review_statuses=REVIEW_STATUSES,
                payout_statuses=PAYOUT_STATUSES, yuan=yuan, format_yuan=format_yuan, reason_length=REASON_LENGTH,
                running=job.status in ("queued", "running"), error=error,
                done=DONE.get(request.query_params.get("done", "")))


@router.get("/fulfillment/{job_id}", name="fulfillment_job")
def job_page(request: Request, job_id: int, login: Annotated[Login, permit("fulfillment.view")],
             session: ReadSession, status: Annotated[str, Query(pattern=STATUS_FILTER)] = "",
             page_no: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1) -> Response:
    return _job_page(request, session, login, job_id, page_no=page_no, status=status or None)


@router.get("/fulfillment/{job_id}/progress", name="fulfillment_progress")
def progress(request: Request, job_id: int, login: Annotated[Login, permit("fulfillment.view")],
             session: ReadSession) -> Response:
    """The progress fragment the batch page polls while the batch is queued or running; once it has
    finished, htmx is told to reload the whole page (its payouts and bad rows are now there)."""
    job = service.get_job(job_id, session=session, actor=login.actor)
    running = job.status in ("queued", "running")
    headers = {"HX-Refresh": "true"} if request.headers.get("HX-Request") and not running else None
    return render(request, "fulfillment/_progress.html", headers=headers, job=job, running=running,
                  job_statuses=JOB_STATUSES)


def _back(job_id: int, done: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/fulfillment/{job_id}?done={done}{anchor}", status_code=303)


@router.post("/fulfillment/{job_id}/review", name="fulfillment_review")
def review(request: Request, job_id: int, login: Annotated[Login, permit("fulfillment.review")],
           session: WriteSession, decision: Annotated[str, Form(pattern="^(approved|rejected)$")],
           note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    try:
        service.review_job(job_id, decision, session=session, actor=login.actor, note=note)
    except ValidationFailed as exc:
        session.rollback()
        forms = {"review": {"note": note, "errors": {"note": exc.message}}}
        return _job_page(request, session, login, job_id, forms=forms, status_code=exc.status)
    except Conflict as exc:
        session.rollback()
        return _job_page(request, session, login, job_id, error=exc.message, status_code=exc.status)
    return _back(job_id, decision)


@router.post("/fulfillment/{job_id}/publish", name="fulfillment_publish")
def publish(request: Request, job_id: int, login: Annotated[Login, permit("fulfillment.review")],
            session: WriteSession) -> Response:
    try:
        service.publish_job(job_id, session=session, actor=login.actor)
    except Conflict as exc:
        session.rollback()
        return _job_page(request, session, login, job_id, error=exc.message, status_code=exc.status)
    return _back(job_id, "published")


@router.post("/fulfillment/{job_id}/payouts/{payout_id}/status", name="fulfillment_payout_status")
def payout_status(request: Request, job_id: int, payout_id: int,
                  login: Annotated[Login, permit("fulfillment.review")], session: WriteSession,
                  status: Annotated[str, Form(pattern=STATUS_PATTERN)],
                  note: Annotated[str, Form(max_length=2000)] = "",
                  page_no: Annotated[int, Form(alias="page", ge=1, le=1_000_000)] = 1) -> Response:
    try:
        view = service.set_payout_status(payout_id, status, session=session, actor=login.actor,
                                         key=data_key(request), note=note)
    except ValidationFailed as exc:
        session.rollback()
        forms = {"status": {"payout_id": payout_id, "status": status, "note": note, "error": exc.message}}
        return _job_page(request, session, login, job_id, page_no=page_no, forms=forms, status_code=exc.status)
    except Conflict as exc:
        session.rollback()
        return _job_page(request, session, login, job_id, page_no=page_no, error=exc.message,
                         status_code=exc.status)
    return _back(view.job_id, "status", f"&page={page_no}#payout-{payout_id}")


@router.post("/fulfillment/{job_id}/payouts/{payout_id}/reveal", name="fulfillment_payout_reveal")
def reveal(request: Request, job_id: int, payout_id: int, login: Annotated[Login, permit("personal.reveal")],
           session: WriteSession, reason: Annotated[str, Form(max_length=2000)] = "",
           page_no: Annotated[int, Form(alias="page", ge=1, le=1_000_000)] = 1) -> Response:
    """One payout's whole identity, once, on a page no browser or proxy may keep (audited by the service)."""
    try:
        view = service.reveal_payout(payout_id, reason, session=session, actor=login.actor, key=data_key(request))
    except ValidationFailed as exc:
        session.rollback()
        forms = {"reveal": {"payout_id": payout_id, "reason": reason, "error": exc.message}}
        return _job_page(request, session, login, job_id, page_no=page_no, forms=forms, status_code=exc.status)
    job = service.get_job(view.job_id, session=session, actor=login.actor)
    response = page(request, "fulfillment/reveal.html", session=session, login=login, view=view, job=job,
                    rule=rule_book()[job.rule].rule, reason=reason.strip(), yuan=yuan, back=page_no)
    response.headers.update(NO_STORE)
    return response

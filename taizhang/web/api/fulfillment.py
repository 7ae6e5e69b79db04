"""/api/v1/fulfillment: 免申即享 — upload a registry extract, watch the batch run, review it, publish the
masked 公示 list, export the payout list, and record each payout's 拨付 or 退回.

Identities are masked in every response. The whole identity of one payout (``…/reveal``) and the payout
list for the bank (``payouts.xlsx``) need a permission and a reason, are audited, and are sent with
``Cache-Control: no-store`` so that no browser or proxy keeps a copy."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from taizhang.clock import local_today
from taizhang.fulfillment import service, worker
from taizhang.fulfillment.models import JOB_STATUSES, REVIEW_STATUSES
from taizhang.fulfillment.service import REASON_LENGTH, PayoutView
from taizhang.rules.money import fen_to_yuan
from taizhang.web.api.schemas import response_body
from taizhang.web.deps import Login, ReadSession, WriteSession, data_key, get_settings, permit
from taizhang.web.downloads import NO_STORE, download

router = APIRouter(prefix="/fulfillment", tags=["免申即享"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON_TEXT = "查看或导出完整个人信息的理由（4—200字，记入审计记录）"


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class JobReviewIn(In):
    decision: Literal["approved", "rejected"]
    note: str = Field(default="", max_length=2000)


class PayoutStatusIn(In):
    status: Literal["proposed", "published", "paid", "returned"]
    note: str = Field(default="", max_length=2000)


class RevealIn(In):
    reason: str = Field(min_length=REASON_LENGTH[0], max_length=REASON_LENGTH[1], description=REASON_TEXT)


class LookupIn(In):
    rule: str = Field(max_length=64, description="规则名称，如 startup_loan_ceiling")
    applicant: dict[str, str] = Field(description="申请对象的识别字段（如 {\"id_number\": \"…\"}，英文名或中文列名）")


class JobOut(BaseModel):
    id: int
    rule: str
    evaluation_date: date
    source_name: str
    status: str
    status_label: str
    review: str
    review_label: str
    total_rows: int | None
    processed_rows: int
    computed_rows: int
    eligible_rows: int
    error_rows: int
    payout_count: int
    total_amount: str = Field(description="拟兑现金额合计（元）")
    failed_counts: dict[str, int]
    message: str
    created_at: datetime
    finished_at: datetime | None
    source_deleted_at: datetime | None = Field(description="登记信息文件删除时间（批次计算完成后删除，只保留 SHA-256）")
    sha256: str
    review_note: str


# The service's PayoutView, its identity documented as masked (or, on …/reveal, as whole and audited).
PayoutOut = response_body("PayoutOut", PayoutView, describe={"applicant": "申请对象（脱敏；完整信息须经 …/reveal 查看）"})
RevealOut = response_body("RevealOut", PayoutView, describe={"applicant": "申请对象的完整身份信息（已记入审计记录）"})


class PayoutPageOut(BaseModel):
    items: list[PayoutOut]
    total: int


class ProblemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    row_no: int
    field: str
    label: str
    value: str
    reason: str


class ProblemPageOut(BaseModel):
    items: list[ProblemOut]
    total: int


def job_out(job) -> JobOut:
    return JobOut(id=job.id, rule=job.rule, evaluation_date=job.evaluation_date, source_name=job.source_name,
                  status=job.status, status_label=JOB_STATUSES[job.status], review=job.review,
                  review_label=REVIEW_STATUSES[job.review], total_rows=job.total_rows,
                  processed_rows=job.processed_rows, computed_rows=job.computed_rows, eligible_rows=job.eligible_rows,
                  error_rows=job.error_rows, payout_count=job.payout_count,
                  total_amount=str(fen_to_yuan(job.total_amount_fen)), failed_counts=job.failed_counts or {},
                  message=job.message, created_at=job.created_at, finished_at=job.finished_at,
                  source_deleted_at=job.source_deleted_at, sha256=job.sha256, review_note=job.review_note)


@router.post("/jobs", summary="上传登记信息，建立并在后台运行兑现批次", status_code=202, response_model=JobOut)
async def create(request: Request, login: Annotated[Login, permit("fulfillment.run")], session: WriteSession,
                 rule: Annotated[str, Form(max_length=64, description="规则名称，如 job_retention_refund")],
                 file: Annotated[UploadFile, File(description=".csv、.xlsx 或 .parquet")],
                 on: Annotated[date | None, Form(alias="date", description="评估日期，默认今天")] = None) -> JobOut:
    settings = get_settings(request)
    data = await file.read(settings.upload_max_bytes + 1)
    storage = settings.data_dir / "fulfillment"
    job = service.create_job(rule, file.filename or "登记信息.csv", data, session=session, actor=login.actor,
                             on=on or local_today(), storage=storage, max_bytes=settings.upload_max_bytes)
    data_key(request)  # refuse the upload now, not in the background, if the key file is missing
    worker.enqueue(job.id, session=session, actor=login.actor)
    background = getattr(request.app.state, "background", None)
    if background is not None:
        background.wake()
    return job_out(job)


@router.get("/jobs", summary="兑现批次列表", response_model=list[JobOut])
def jobs(login: Annotated[Login, permit("fulfillment.view")], session: ReadSession) -> list[JobOut]:
    return [job_out(job) for job in service.list_jobs(session=session, actor=login.actor)]


@router.get("/jobs/{job_id}", summary="兑现批次：进度与结果汇总", response_model=JobOut)
def job(job_id: int, login: Annotated[Login, permit("fulfillment.view")], session: ReadSession) -> JobOut:
    return job_out(service.get_job(job_id, session=session, actor=login.actor))


@router.get("/jobs/{job_id}/payouts", summary="拟兑现名单（脱敏）", response_model=PayoutPageOut)
def payouts(request: Request, job_id: int, login: Annotated[Login, permit("fulfillment.view")],
            session: ReadSession,
            status: Annotated[Literal["proposed", "published", "paid", "returned"] | None, Query()] = None,
            limit: Annotated[int, Query(ge=1, le=500)] = 100,
            offset: Annotated[int, Query(ge=0)] = 0) -> PayoutPageOut:
    items, total = service.list_payouts(job_id, session=session, actor=login.actor, key=data_key(request),
                                        status=status, limit=limit, offset=offset)
    return PayoutPageOut(items=items, total=total)


@router.get("/jobs/{job_id}/errors", summary="无法计算的行：行号、字段、原因", response_model=ProblemPageOut)
def problems(job_id: int, login: Annotated[Login, permit("fulfillment.view")], session: ReadSession,
             limit: Annotated[int, Query(ge=1, le=1000)] = 200,
             offset: Annotated[int, Query(ge=0)] = 0) -> ProblemPageOut:
    items, total = service.list_problems(job_id, session=session, actor=login.actor, limit=limit, offset=offset)
    return ProblemPageOut(items=items, total=total)


@router.post("/jobs/{job_id}/review", summary="审核兑现批次（通过或退回，退回须写明理由）", response_model=JobOut)
def review(job_id: int, body: JobReviewIn, login: Annotated[Login, permit("fulfillment.review")],
           session: WriteSession) -> JobOut:
    return job_out(service.review_job(job_id, body.decision, session=session, actor=login.actor, note=body.note))


@router.post("/jobs/{job_id}/publish", summary="公示：审核通过的批次中拟兑现记录改为已公示", response_model=dict)
def publish(job_id: int, login: Annotated[Login, permit("fulfillment.review")], session: WriteSession) -> dict:
    return {"published": service.publish_job(job_id, session=session, actor=login.actor)}


@router.get("/jobs/{job_id}/publicity.xlsx", summary="下载公示名单（姓名、证件号脱敏）", response_class=Response)
def publicity(request: Request, job_id: int, login: Annotated[Login, permit("fulfillment.view")],
              session: ReadSession) -> Response:
    name, data = service.publicity_workbook(job_id, session=session, actor=login.actor, key=data_key(request))
    return download(data, name, XLSX)


@router.get("/jobs/{job_id}/payouts.xlsx", summary="下载拨付清单（完整身份信息；须写明理由，导出留痕）",
            response_class=Response)
def payout_list(request: Request, job_id: int, login: Annotated[Login, permit("fulfillment.reveal")],
                session: WriteSession, reason: Annotated[str, Query(min_length=REASON_LENGTH[0], max_length=REASON_LENGTH[1],
                                                     description=REASON_TEXT)]) -> Response:
    name, data = service.payout_workbook(job_id, session=session, actor=login.actor, key=data_key(request),
                                         reason=reason)
    return download(data, name, XLSX, personal=True)


@router.post("/payouts/{payout_id}/status", summary="登记一笔兑现的状态（拟兑现、已公示、已拨付、退回）",
             response_model=PayoutOut)
def payout_status(request: Request, payout_id: int, body: PayoutStatusIn,
                  login: Annotated[Login, permit("fulfillment.review")], session: WriteSession) -> PayoutView:
    return service.set_payout_status(payout_id, body.status, session=session, actor=login.actor, key=data_key(request),
                                     note=body.note)


@router.post("/payouts/{payout_id}/reveal", summary="查看一笔兑现的完整身份信息（须写明理由，留痕，不缓存）",
             response_model=RevealOut)
def reveal(request: Request, payout_id: int, body: RevealIn, login: Annotated[Login, permit("personal.reveal")],
           session: WriteSession, response: Response) -> PayoutView:
    view = service.reveal_payout(payout_id, body.reason, session=session, actor=login.actor, key=data_key(request))
    response.headers.update(NO_STORE)
    return view


@router.post("/lookup", summary="按身份证号码或统一社会信用代码查找某一申请对象在各批次的兑现记录（脱敏）",
             response_model=list[PayoutOut])
def lookup(request: Request, body: LookupIn, login: Annotated[Login, permit("fulfillment.view")],
           session: ReadSession) -> list[PayoutView]:
    return service.find_applicant(body.rule, body.applicant, session=session, actor=login.actor,
                                  key=data_key(request))

"""/api/v1/reports: submitting, reviewing and attaching evidence to progress reports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile

from taizhang.reporting import service as reporting
from taizhang.reporting.models import Attachment
from taizhang.web.api.schemas import AttachmentOut, ReportOut, ReviewIn
from taizhang.web.api.views import report_out
from taizhang.web.deps import Login, ReadSession, WriteSession, permit, read_evidence

router = APIRouter(prefix="/reports", tags=["进展报告"])


@router.get("/pending", summary="待审核的报告（督查室）", response_model=list[ReportOut])
def pending(login: Annotated[Login, permit("report.review")], session: ReadSession) -> list[dict[str, Any]]:
    return [report_out(r) for r in reporting.pending_reviews(session=session, actor=login.actor)]


@router.get("/{report_id}", summary="一份进展报告", response_model=ReportOut)
def one(report_id: int, login: Annotated[Login, permit("report.view")], session: ReadSession) -> dict[str, Any]:
    return report_out(reporting.visible_report(session, login.actor, report_id))


@router.post("/{report_id}/submit", summary="报送（牵头单位报督查室，配合单位报牵头单位）", response_model=ReportOut)
def submit(report_id: int, login: Annotated[Login, permit("report.write")], session: WriteSession) -> dict[str, Any]:
    return report_out(reporting.submit_report(report_id, session=session, actor=login.actor))


@router.post("/{report_id}/review", summary="审核：通过或退回（退回须写明理由）", response_model=ReportOut)
def review(report_id: int, body: ReviewIn, login: Annotated[Login, permit("report.review")],
           session: WriteSession) -> dict[str, Any]:
    report = reporting.review_report(report_id, body.decision, session=session, actor=login.actor, reason=body.reason)
    return report_out(report)


@router.post("/{report_id}/attachments", summary="上传佐证材料（PDF、Word、Excel、JPG、PNG）", status_code=201,
             response_model=AttachmentOut)
async def attach(report_id: int, request: Request, login: Annotated[Login, permit("attachment.upload")],
                 session: WriteSession, file: Annotated[UploadFile, File()]) -> Attachment:
    evidence = await read_evidence(request, file)
    return reporting.add_attachment(report_id, evidence, session=session, actor=login.actor)

"""/api/v1/documents: the 台账 export, the progress template round trip and the monthly 通报.

Downloads are attachments (never rendered inline) with ``nosniff``; the upload is read up to the
configured limit and no further. Every download and import is recorded in the audit trail by the
service that produced it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from taizhang.documents import service as documents
from taizhang.documents.service.bulletin import bulletin_file
from taizhang.web.api.schemas import Light
from taizhang.web.deps import Login, WriteSession, get_settings, permit
from taizhang.web.downloads import download

router = APIRouter(prefix="/documents", tags=["文档"])
Period = Annotated[str | None, Query(pattern=r"^\d{4}-(\d{2}|Q[1-4]|W\d{2})$", description="报送期，如 2020-09")]


class ProgressImportOut(BaseModel):
    unit: str
    period: str
    saved: list[int]
    unchanged: int
    empty: int
    message: str


@router.get("/ledger", summary="导出台账（Excel 或 CSV；审核通过的数据；填报员只含本单位任务）", response_class=Response)
def ledger(
    login: Annotated[Login, permit("ledger.export")],
    session: WriteSession,
    period: Period = None,
    unit: Annotated[str | None, Query(max_length=200, description="单位名称（牵头或配合）")] = None,
    section: Annotated[int | None, Query(ge=0, le=99, description="部分序号")] = None,
    light: Annotated[Light | None, Query(description="预警灯")] = None,
    format: Annotated[Literal["xlsx", "csv"], Query(description="文件格式")] = "xlsx",
) -> Response:
    file = documents.export_ledger(session=session, actor=login.actor, period=period, unit=unit, section=section,
                                   light=light, fmt=format)
    return download(file.data, file.filename, file.content_type)


@router.get("/progress-template", summary="下载进展填报模板（填报员只能下载本单位的）", response_class=Response)
def progress_template(
    request: Request,
    login: Annotated[Login, permit("template.download")],
    session: WriteSession,
    period: Period = None,
    unit_id: Annotated[int | None, Query(ge=1, description="单位 id（督查室必填，填报员默认本单位）")] = None,
) -> Response:
    secret = get_settings(request).secret_key.get_secret_value()
    file = documents.progress_template(session=session, actor=login.actor, secret=secret, unit=unit_id, period=period)
    return download(file.data, file.filename, file.content_type)


@router.post("/progress", summary="上传填好的进展填报模板：全部保存为草稿，或一项也不保存", response_model=ProgressImportOut)
async def import_progress(
    request: Request,
    login: Annotated[Login, permit("progress.import")],
    session: WriteSession,
    file: Annotated[UploadFile, File(description="填好的 .xlsx 模板")],
    period: Annotated[str | None, Form(pattern=r"^\d{4}-(\d{2}|Q[1-4]|W\d{2})$")] = None,
) -> ProgressImportOut:
    settings = get_settings(request)
    data = await file.read(settings.upload_max_bytes + 1)  # one byte past the limit tells "too large"
    result = documents.import_progress(data, filename=file.filename or "进展填报.xlsx", session=session, actor=login.actor,
                                       secret=settings.secret_key.get_secret_value(),
                                       max_bytes=settings.upload_max_bytes, period=period)
    return ProgressImportOut(unit=result.unit_name, period=result.period, saved=list(result.saved),
                             unchanged=result.unchanged, empty=result.empty, message=result.message)


@router.get("/bulletin", summary="生成月度通报（Word；format=pdf 时为 PDF）", response_class=Response)
def bulletin(
    login: Annotated[Login, permit("bulletin.create")],
    session: WriteSession,
    period: Annotated[str, Query(pattern=r"^\d{4}-(\d{2}|Q[1-4]|W\d{2})$", description="报送期，如 2020-09")],
    format: Annotated[Literal["docx", "pdf"], Query(description="文件格式")] = "docx",
) -> Response:
    file = bulletin_file(session=session, actor=login.actor, period=period, pdf=format == "pdf")
    return download(file.data, file.filename, file.content_type)

"""/api/v1/attachments: downloading evidence (as a download, never rendered inline)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from taizhang.reporting import service as reporting
from taizhang.web.deps import Login, WriteSession, get_settings, permit
from taizhang.web.downloads import download

router = APIRouter(prefix="/attachments", tags=["进展报告"])


@router.get("/{attachment_id}", summary="下载佐证材料", response_class=Response)
def download_attachment(attachment_id: int, request: Request, login: Annotated[Login, permit("attachment.download")],
             session: WriteSession) -> Response:
    attachment, data = reporting.open_attachment(attachment_id, session=session, actor=login.actor,
                                                 storage=get_settings(request).data_dir / "attachments")
    return download(data, attachment.original_name, attachment.content_type)

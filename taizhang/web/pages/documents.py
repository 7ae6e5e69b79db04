"""台账文档: the documents that enter and leave — the 台账 export (whole or filtered), the progress
template a unit fills offline and uploads, and the monthly 通报. Downloads are the API's GET routes
(the session cookie authenticates them); the upload is a form here, saved all or nothing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from taizhang.auth.permissions import allowed
from taizhang.documents import service as documents
from taizhang.errors import TaizhangError, ValidationFailed
from taizhang.ledger import service as ledger
from taizhang.ledger.vocabulary import LIGHT_LABELS
from taizhang.web.deps import Login, ReadSession, WriteSession, get_settings, permit
from taizhang.web.pages.common import page

router = APIRouter(include_in_schema=False)


def _documents_page(request: Request, session, login: Login, *, status_code: int = 200, **context) -> Response:
    actor = login.actor
    view = ledger.current_policy(session=session, actor=actor)
    office = not actor.unit_scoped
    units = ledger.list_units(session=session, actor=actor) if office and allowed(actor, "unit.view") else []
    return page(request, "documents.html", session=session, login=login, status_code=status_code,
                sections=view.sections if view else [], lights=LIGHT_LABELS, units=units, office=office,
                can={action: allowed(actor, action) for action in ("template.download", "progress.import",
                                                                    "bulletin.create")},
                **context)


@router.get("/documents", name="documents")
def documents_page(request: Request, login: Annotated[Login, permit("ledger.export")], session: ReadSession) -> Response:
    return _documents_page(request, session, login, imported=None, error=None, problems=[])


@router.post("/documents/progress", name="documents_progress")
async def import_progress(request: Request, login: Annotated[Login, permit("progress.import")],
                          session: WriteSession) -> Response:
    form = await request.form()
    upload, period = form.get("file"), str(form.get("period", "")).strip() or None
    settings = get_settings(request)
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed("请选择填好的进展填报模板（.xlsx）。")
        data = await upload.read(settings.upload_max_bytes + 1)
        result = documents.import_progress(data, filename=upload.filename, session=session, actor=login.actor,
                                           secret=settings.secret_key.get_secret_value(),
                                           max_bytes=settings.upload_max_bytes, period=period)
    except TaizhangError as exc:
        session.rollback()
        return _documents_page(request, session, login, status_code=exc.status, imported=None, error=exc.message,
                               problems=[d for d in exc.details if isinstance(d, dict)])
    return _documents_page(request, session, login, imported=result, error=None, problems=[])

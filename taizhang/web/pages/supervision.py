"""催办督办 pages: a unit's inbox with replies, the office's urging list, and the score table."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from taizhang.errors import Conflict, ValidationFailed
from taizhang.overview import service as overview
from taizhang.supervision import service as supervision
from taizhang.web.deps import Login, ReadSession, WriteSession, permit
from taizhang.web.pages.common import page

router = APIRouter(include_in_schema=False)


@router.get("/notices", name="notices")
def inbox(request: Request, login: Annotated[Login, permit("notice.view")], session: ReadSession,
          status: Annotated[str | None, Query(pattern="^(open|answered|closed)$")] = None) -> Response:
    notices, unread = supervision.inbox(session=session, actor=login.actor, status=status)
    return page(request, "notices.html", session=session, login=login, notices=notices, unread=unread,
                status=status, errors={}, typed={})


@router.post("/notices/{notice_id}/read", name="notice_read")
def read(notice_id: int, request: Request, login: Annotated[Login, permit("notice.view")],
         session: WriteSession) -> Response:
    notice = supervision.read_notice(notice_id, session=session, actor=login.actor)
    if request.headers.get("HX-Request"):
        return page(request, "_notice.html", session=session, login=login, n=notice, errors={}, typed={})
    return RedirectResponse("/notices", status_code=303)


@router.post("/notices/{notice_id}/reply", name="notice_reply")
def reply(notice_id: int, request: Request, login: Annotated[Login, permit("notice.reply")], session: WriteSession,
          answer: Annotated[str, Form(max_length=5000)] = "") -> Response:
    try:
        supervision.reply_notice(notice_id, answer, session=session, actor=login.actor)
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        notices, unread = supervision.inbox(session=session, actor=login.actor)
        return page(request, "notices.html", status_code=422, session=session, login=login, notices=notices,
                    unread=unread, status=None, errors={notice_id: exc.message}, typed={notice_id: answer})
    return RedirectResponse("/notices?done=1", status_code=303)


@router.post("/notices/{notice_id}/close", name="notice_close")
def close(notice_id: int, login: Annotated[Login, permit("notice.close")], session: WriteSession) -> Response:
    supervision.close_notice(notice_id, session=session, actor=login.actor)
    return RedirectResponse("/notices", status_code=303)


@router.get("/urging", name="urging")
def urging(request: Request, login: Annotated[Login, permit("urge.view")], session: ReadSession) -> Response:
    rows = supervision.urging_list(session=session, actor=login.actor)
    return page(request, "urging.html", session=session, login=login, rows=rows, error=None)


@router.post("/urging", name="urging_issue")
def urging_issue(
    request: Request, login: Annotated[Login, permit("notice.issue")], session: WriteSession,
    task_id: Annotated[int, Form(ge=1)], item_key: Annotated[str, Form(max_length=80)],
    reason: Annotated[str, Form(max_length=2000)], start_at: Annotated[str, Form(pattern="^(reminder|blue|orange|red)$")] = "reminder",
) -> Response:
    try:
        supervision.issue_notice(task_id, session=session, actor=login.actor, reason=reason, item_key=item_key,
                                 start_at=start_at)
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        rows = supervision.urging_list(session=session, actor=login.actor)
        return page(request, "urging.html", status_code=409, session=session, login=login, rows=rows,
                    error=exc.message)
    return RedirectResponse("/urging", status_code=303)


@router.get("/scores", name="scores")
def scores(request: Request, login: Annotated[Login, permit("score.view")], session: ReadSession,
           period: Annotated[str | None, Query(pattern=r"^\d{4}-(\d{2}|Q[1-4]|W\d{2})$")] = None) -> Response:
    board = overview.dashboard(session=session, actor=login.actor)
    chosen = period or (board.ranking_period if board else None)
    rows = supervision.unit_scores(chosen, session=session, actor=login.actor) if chosen else []
    return page(request, "scores.html", session=session, login=login, rows=rows, period=chosen)

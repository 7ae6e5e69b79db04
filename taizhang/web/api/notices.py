"""/api/v1/notices: 催办/督办 notices, a unit's inbox, replies and closure."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from taizhang.supervision import service as supervision
from taizhang.supervision.models import Notice
from taizhang.web.api.schemas import InboxOut, NoticeIn, NoticeOut, ReplyIn
from taizhang.web.deps import Login, ReadSession, WriteSession, permit

router = APIRouter(prefix="/notices", tags=["催办督办"])


@router.get("", summary="收件箱（填报员只看本单位的），含未读数", response_model=InboxOut)
def inbox(login: Annotated[Login, permit("notice.view")], session: ReadSession,
          status: Annotated[str | None, Query(pattern="^(open|answered|closed)$")] = None) -> InboxOut:
    notices, unread = supervision.inbox(session=session, actor=login.actor, status=status)
    return InboxOut(items=notices, unread=unread)


@router.post("", summary="发出催办或督办单（逐级升级；紧急事项可直接从高一级开始）", status_code=201,
             response_model=NoticeOut)
def issue(body: NoticeIn, login: Annotated[Login, permit("notice.issue")], session: WriteSession) -> Notice:
    return supervision.issue_notice(body.task_id, session=session, actor=login.actor, reason=body.reason,
                                    body=body.body, item_key=body.item_key, start_at=body.start_at,
                                    unit_id=body.unit_id)


@router.post("/{notice_id}/read", summary="标记已读", response_model=NoticeOut)
def read(notice_id: int, login: Annotated[Login, permit("notice.view")], session: WriteSession) -> Notice:
    return supervision.read_notice(notice_id, session=session, actor=login.actor)


@router.post("/{notice_id}/reply", summary="单位答复", response_model=NoticeOut)
def reply(notice_id: int, body: ReplyIn, login: Annotated[Login, permit("notice.reply")],
          session: WriteSession) -> Notice:
    return supervision.reply_notice(notice_id, body.answer, session=session, actor=login.actor)


@router.post("/{notice_id}/close", summary="督办单办结", response_model=NoticeOut)
def close(notice_id: int, login: Annotated[Login, permit("notice.close")], session: WriteSession) -> Notice:
    return supervision.close_notice(notice_id, session=session, actor=login.actor)

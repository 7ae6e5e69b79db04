"""/api/v1/policies: the imported documents and their parse."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from taizhang.errors import NotFound
from taizhang.ledger import service as ledger
from taizhang.web.deps import CurrentLogin, ReadSession

router = APIRouter(prefix="/policies", tags=["政策文件"])


@router.get("/current", summary="当前政策文件（含章节、措施及其解析结果）")
def current(login: CurrentLogin, session: ReadSession) -> dict[str, Any]:
    view = ledger.current_policy(session=session, actor=login.actor)
    if view is None:
        raise NotFound("尚未导入任何政策文件。")
    return ledger.policy_document(view.id, session=session, actor=login.actor)

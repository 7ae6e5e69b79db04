"""/api/v1/urging: what needs urging today, and the next step of each item's ladder."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from taizhang.supervision import service as supervision
from taizhang.web.api.schemas import UrgeOut
from taizhang.web.api.views import urge_out
from taizhang.web.deps import Login, ReadSession, permit

router = APIRouter(prefix="/urging", tags=["催办督办"])


@router.get("", summary="待催办事项：漏报、红灯橙灯、临期任务", response_model=list[UrgeOut])
def urging(login: Annotated[Login, permit("urge.view")], session: ReadSession) -> list[dict[str, Any]]:
    return [urge_out(row) for row in supervision.urging_list(session=session, actor=login.actor)]

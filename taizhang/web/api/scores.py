"""/api/v1/scores: 考核 — each unit's points for a period, with the events behind them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from taizhang.supervision import service as supervision
from taizhang.supervision.service import UnitScoreRow
from taizhang.web.deps import Login, ReadSession, permit

router = APIRouter(prefix="/scores", tags=["考核"])


@router.get("", summary="考核得分与排名（某月 2020-09 或某季 2020-Q3）", response_model=list[UnitScoreRow])
def scores(login: Annotated[Login, permit("score.view")], session: ReadSession,
           period: Annotated[str, Query(pattern=r"^\d{4}-(\d{2}|Q[1-4]|W\d{2})$")]) -> list[UnitScoreRow]:
    return supervision.unit_scores(period, session=session, actor=login.actor)

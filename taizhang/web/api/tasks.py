"""/api/v1/tasks: the ledger's tasks, filtered and paginated."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from taizhang.ledger import service as ledger
from taizhang.web.deps import CurrentLogin, ReadSession

router = APIRouter(prefix="/tasks", tags=["任务"])


@router.get("", summary="任务列表（填报员只能看到本单位的任务）")
def list_tasks(
    login: CurrentLogin,
    session: ReadSession,
    unit: Annotated[str | None, Query(max_length=200, description="单位名称（牵头或配合）")] = None,
    due_before: Annotated[date | None, Query(description="在此日期之前到期")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    page = ledger.list_tasks(session=session, actor=login.actor, unit=unit, due_before=due_before, limit=limit,
                             offset=offset)
    return {"items": [asdict(t) for t in page.items], "total": page.total, "limit": page.limit,
            "offset": page.offset}

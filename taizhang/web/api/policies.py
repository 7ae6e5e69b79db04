"""/api/v1/policies: imported documents, their parse and their ledger settings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from taizhang.errors import NotFound
from taizhang.ledger import service as ledger
from taizhang.web.api.schemas import PolicySettingsIn
from taizhang.web.deps import Login, ReadSession, WriteSession, permit

router = APIRouter(prefix="/policies", tags=["政策文件"])


@router.get("/current", summary="当前政策文件（含章节、措施及其解析结果）")
def current(login: Annotated[Login, permit("policy.view")], session: ReadSession) -> dict[str, Any]:
    view = ledger.current_policy(session=session, actor=login.actor)
    if view is None:
        raise NotFound("尚未导入任何政策文件。")
    return ledger.policy_document(view.id, session=session, actor=login.actor)


@router.get("/{policy_id}", summary="某一版政策文件")
def one(policy_id: int, login: Annotated[Login, permit("policy.view")], session: ReadSession) -> dict[str, Any]:
    return ledger.policy_document(policy_id, session=session, actor=login.actor)


@router.patch("/{policy_id}/settings", summary="设置报送周期、预警阈值、考核分值")
def settings(
    policy_id: int, body: PolicySettingsIn, login: Annotated[Login, permit("policy.configure")], session: WriteSession
) -> dict[str, Any]:
    policy = ledger.configure_policy(policy_id, session=session, actor=login.actor, cadence=body.cadence,
                                     due_day=body.due_day, thresholds=body.thresholds, points=body.points)
    return {"cadence": policy.cadence, "due_day": policy.due_day, "thresholds": policy.thresholds,
            "points": policy.points}

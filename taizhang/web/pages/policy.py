"""The policy page: measures by section with units, targets and deadlines highlighted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from taizhang.errors import NotFound
from taizhang.ledger import service as ledger
from taizhang.web.deps import Login, ReadSession, permit
from taizhang.web.pages.common import page

router = APIRouter(include_in_schema=False)


@router.get("/policy", name="policy_current")
def policy_current(request: Request, login: Annotated[Login, permit("policy.view")], session: ReadSession) -> Response:
    policy = ledger.current_policy(session=session, actor=login.actor)
    return page(request, "policy.html", session=session, login=login, policy=policy)


@router.get("/policies/{policy_id}", name="policy")
def policy_page(
    policy_id: int, request: Request, login: Annotated[Login, permit("policy.view")], session: ReadSession
) -> Response:
    policy = ledger.policy_view(policy_id, session=session, actor=login.actor)
    if policy is None:
        raise NotFound("没有这份政策文件。")
    return page(request, "policy.html", session=session, login=login, policy=policy)

"""/api/v1 administration: units, users and API tokens (系统管理员)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from taizhang.auth import service as accounts
from taizhang.auth.service import NewAccount
from taizhang.ledger import service as ledger
from taizhang.ledger.models import Unit
from taizhang.web.api.schemas import TokenIn, TokenOut, UnitIn, UnitOut, UserIn
from taizhang.web.deps import Login, ReadSession, WriteSession, permit

router = APIRouter(tags=["系统管理"])


@router.get("/units", summary="单位名录", response_model=list[UnitOut])
def units(login: Annotated[Login, permit("unit.view")], session: ReadSession,
          kind: Annotated[str | None, Query(pattern="^(department|county|collective|other)$")] = None) -> list[Unit]:
    return ledger.list_units(session=session, actor=login.actor, kind=kind)


@router.post("/units", summary="新增单位", status_code=201, response_model=UnitOut)
def create_unit(body: UnitIn, login: Annotated[Login, permit("user.manage")], session: WriteSession) -> Unit:
    return ledger.create_unit(body.name, session=session, actor=login.actor, kind=body.kind, parent_id=body.parent_id)


@router.post("/users", summary="新增用户（返回一次性密码）", status_code=201, response_model=NewAccount)
def create_user(body: UserIn, login: Annotated[Login, permit("user.manage")], session: WriteSession) -> NewAccount:
    return accounts.create_user(body.username, session=session, actor=login.actor, role=body.role,
                                display_name=body.display_name, unit_id=body.unit_id)


@router.post("/tokens", summary="为用户创建 API 令牌（明文只返回一次）", status_code=201, response_model=TokenOut)
def create_token(body: TokenIn, login: Annotated[Login, permit("token.manage")], session: WriteSession) -> TokenOut:
    token, secret = accounts.create_token(body.user_id, body.name, session=session, actor=login.actor)
    return TokenOut(id=token.id, name=token.name, user_id=token.user_id, token=secret)


@router.delete("/tokens/{token_id}", summary="吊销 API 令牌", status_code=204)
def revoke_token(token_id: int, login: Annotated[Login, permit("token.manage")], session: WriteSession) -> None:
    accounts.revoke_token(token_id, session=session, actor=login.actor)

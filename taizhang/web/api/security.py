"""/api/v1 security administration (安全管理员: roles, unlocks, second factor; 系统管理员: enable and
disable accounts) and the audit trail (审计管理员: read and verify, never change)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from taizhang.audit import service as audit
from taizhang.audit.models import AuditEvent
from taizhang.auth import service as accounts
from taizhang.auth.models import User
from taizhang.ledger.rows import Page
from taizhang.web.api.schemas import AccountSecurityOut, AuditEventOut, ChainOut, RoleIn
from taizhang.web.deps import Login, ReadSession, WriteSession, permit

router = APIRouter(tags=["安全与审计"])


@router.get("/users", summary="用户列表（含锁定、动态口令状态）", response_model=list[AccountSecurityOut])
def users(login: Annotated[Login, permit("user.view")], session: ReadSession) -> list[User]:
    return accounts.list_users(session=session, actor=login.actor)


@router.post("/users/{user_id}/disable", summary="停用账号（立即结束其全部会话）", response_model=AccountSecurityOut)
def disable(user_id: int, login: Annotated[Login, permit("user.manage")], session: WriteSession) -> User:
    return accounts.set_active(user_id, False, session=session, actor=login.actor)


@router.post("/users/{user_id}/enable", summary="启用账号", response_model=AccountSecurityOut)
def enable(user_id: int, login: Annotated[Login, permit("user.manage")], session: WriteSession) -> User:
    return accounts.set_active(user_id, True, session=session, actor=login.actor)


@router.post("/users/{user_id}/role", summary="授予或变更角色（安全管理员；不能改自己的）", response_model=AccountSecurityOut)
def grant_role(user_id: int, body: RoleIn, login: Annotated[Login, permit("role.grant")],
               session: WriteSession) -> User:
    return accounts.grant_role(user_id, body.role, session=session, actor=login.actor)


@router.post("/users/{user_id}/unlock", summary="解除账号锁定", response_model=AccountSecurityOut)
def unlock(user_id: int, login: Annotated[Login, permit("user.unlock")], session: WriteSession) -> User:
    return accounts.unlock(user_id, session=session, actor=login.actor)


@router.post("/users/{user_id}/reset-second-factor", summary="重置动态口令（下次登录重新绑定）", status_code=204)
def reset_second_factor(user_id: int, login: Annotated[Login, permit("user.unlock")], session: WriteSession) -> None:
    accounts.reset_second_factor(user_id, session=session, actor=login.actor)


@router.get("/audit", summary="审计记录（新的在前；只读）", response_model=Page[AuditEventOut])
def audit_events(
    login: Annotated[Login, permit("audit.view")],
    session: ReadSession,
    action: Annotated[str | None, Query(max_length=64, description="事件，如 login.failure；以“.”结尾为前缀")] = None,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    outcome: Literal["success", "failure"] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[AuditEvent]:
    where = audit.AuditFilter(action=action, actor=actor, outcome=outcome, since=since, until=until)
    return audit.list_events(session=session, actor=login.actor, where=where, limit=limit, offset=offset)


@router.get("/audit/verify", summary="校验审计哈希链：报告第一处被修改或删除的记录", response_model=ChainOut)
def verify(login: Annotated[Login, permit("audit.verify")], session: ReadSession) -> ChainOut:
    report = audit.verify_chain(session=session, actor=login.actor)
    return ChainOut(checked=report.checked, intact=report.broken_at is None, broken_at=report.broken_at,
                    reason=report.reason)

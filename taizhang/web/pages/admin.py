"""Administration pages: accounts (系统管理员 enables and disables; 安全管理员 grants roles, unlocks,
resets the second factor) and the audit trail (审计管理员 reads and verifies it)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from taizhang.audit import service as audit
from taizhang.auth import service as accounts
from taizhang.auth.models import ROLES
from taizhang.auth.permissions import allowed
from taizhang.clock import LOCAL_TZ
from taizhang.db.base import utcnow
from taizhang.web.deps import Login, ReadSession, WriteSession, permit
from taizhang.web.pages.common import page

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 50


@router.get("/admin/users", name="admin_users")
def users(request: Request, login: Annotated[Login, permit("user.view")], session: ReadSession,
          done: str = "") -> Response:
    rows = accounts.list_users(session=session, actor=login.actor)
    return page(request, "admin/users.html", session=session, login=login, users=rows, roles=ROLES, now=utcnow(),
                can={a: allowed(login.actor, a) for a in ("user.manage", "role.grant", "user.unlock")},
                done=DONE.get(done, ""))


DONE = {"disable": "账号已停用，其全部会话已结束。", "enable": "账号已启用。", "unlock": "已解除锁定。",
        "reset": "动态口令已重置，该用户下次登录时重新绑定。", "role": "角色已变更，该用户须重新登录。"}


def _back(done: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/users?done={done}", status_code=303)


@router.post("/admin/users/{user_id}/disable", name="admin_disable")
def disable(user_id: int, login: Annotated[Login, permit("user.manage")], session: WriteSession) -> Response:
    accounts.set_active(user_id, False, session=session, actor=login.actor)
    return _back("disable")


@router.post("/admin/users/{user_id}/enable", name="admin_enable")
def enable(user_id: int, login: Annotated[Login, permit("user.manage")], session: WriteSession) -> Response:
    accounts.set_active(user_id, True, session=session, actor=login.actor)
    return _back("enable")


@router.post("/admin/users/{user_id}/unlock", name="admin_unlock")
def unlock(user_id: int, login: Annotated[Login, permit("user.unlock")], session: WriteSession) -> Response:
    accounts.unlock(user_id, session=session, actor=login.actor)
    return _back("unlock")


@router.post("/admin/users/{user_id}/reset-second-factor", name="admin_reset_second_factor")
def reset_second_factor(user_id: int, login: Annotated[Login, permit("user.unlock")],
                        session: WriteSession) -> Response:
    accounts.reset_second_factor(user_id, session=session, actor=login.actor)
    return _back("reset")


@router.post("/admin/users/{user_id}/role", name="admin_role")
def grant_role(user_id: int, login: Annotated[Login, permit("role.grant")], session: WriteSession,
               role: Annotated[str, Form(max_length=20)] = "") -> Response:
    accounts.grant_role(user_id, role, session=session, actor=login.actor)
    return _back("role")


@router.get("/audit", name="audit_log")
def audit_log(
    request: Request,
    login: Annotated[Login, permit("audit.view")],
    session: ReadSession,
    action: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=64)] = "",
    outcome: Annotated[str, Query(pattern="^(|success|failure)$")] = "",
    day: Annotated[str, Query(pattern=r"^(|\d{4}-\d{2}-\d{2})$")] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=200_000)] = 1,
) -> Response:
    since = until = None
    if day:
        since = datetime.combine(date.fromisoformat(day), time(), LOCAL_TZ)
        until = since + timedelta(days=1)
    where = audit.AuditFilter(action=action or None, actor=actor or None, outcome=outcome or None,
                              since=since, until=until)
    events = audit.list_events(session=session, actor=login.actor, where=where, limit=AUDIT_PAGE,
                               offset=(page_no - 1) * AUDIT_PAGE)
    return page(request, "admin/audit.html", session=session, login=login, events=events, page_no=page_no,
                filters={"action": action, "actor": actor, "outcome": outcome, "day": day}, chain=None)


@router.get("/audit/verify", name="audit_verify")
def audit_verify(request: Request, login: Annotated[Login, permit("audit.verify")], session: ReadSession) -> Response:
    report = audit.verify_chain(session=session, actor=login.actor)
    events = audit.list_events(session=session, actor=login.actor, limit=AUDIT_PAGE)
    return page(request, "admin/audit.html", session=session, login=login, events=events, page_no=1,
                filters={"action": "", "actor": "", "outcome": "", "day": ""}, chain=report)

"""Request dependencies: sessions, who is asking, what they may do, CSRF — in one place.

Every route declares its permission with ``Permit("action")`` (or ``Permit(None)`` for the few public
routes); a test walks the route table and fails on a route without one. A request is authenticated
by the session cookie (pages, and the API from the pages) or by an API token
(``Authorization: Bearer tz_…``). State-changing requests made with the cookie must carry the
session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``); token clients need none.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from taizhang.auth.models import User
from taizhang.auth.permissions import Actor, require
from taizhang.auth.service import actor_for, resolve_session, resolve_token
from taizhang.db.engine import Database
from taizhang.errors import NotAuthenticated, PasswordChangeRequired, PermissionDenied
from taizhang.settings import Settings

SESSION_COOKIE = "tz_session"
LOGIN_CSRF_COOKIE = "tz_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Where a user who must change the password may still go.
PASSWORD_CHANGE_PATHS = frozenset({"/account/password", "/logout", "/api/v1/me"})


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_database(request: Request) -> Database:
    return request.app.state.database


def read_session(request: Request) -> Iterator[Session]:
    with get_database(request).reading() as session:
        yield session


def write_session(request: Request) -> Iterator[Session]:
    with get_database(request).writing() as session:
        yield session


ReadSession = Annotated[Session, Depends(read_session)]
WriteSession = Annotated[Session, Depends(write_session)]


@dataclass(frozen=True)
class Login:
    user: User
    actor: Actor
    csrf_token: str
    by_token: bool = False


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def authenticate(request: Request) -> Login:
    """The user of this request, by bearer token or session cookie (raises NotAuthenticated)."""
    cached = getattr(request.state, "login", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization", "")
    with get_database(request).writing() as session:
        if header.lower().startswith("bearer "):
            user = resolve_token(header[7:].strip(), session=session)
            if user is None:
                raise NotAuthenticated("API 令牌无效、已吊销或所属用户已停用。")
            session.expunge(user)
            login = Login(user=user, actor=actor_for(user, client_ip(request)), csrf_token="", by_token=True)
        else:
            login = _by_cookie(request, session)
    request.state.login = login
    return login


def _by_cookie(request: Request, session: Session) -> Login:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotAuthenticated("请先登录。")
    settings = get_settings(request)
    found = resolve_session(
        token,
        session=session,
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )
    if found is None:
        raise NotAuthenticated("登录已过期，请重新登录。")
    user, web_session = found
    session.expunge(user)
    return Login(user=user, actor=actor_for(user, client_ip(request)), csrf_token=web_session.csrf_token)


def check_csrf(login: Login, submitted: str | None) -> None:
    if login.by_token:
        return
    if not submitted or not hmac.compare_digest(submitted, login.csrf_token):
        raise PermissionDenied("表单已失效或来源不明（CSRF 校验失败），请刷新页面后重新提交。")


class Permit:
    """The permission a route needs; its instance is the route's dependency (see the module doc)."""

    def __init__(self, action: str | None) -> None:
        self.action = action

    async def __call__(self, request: Request) -> Login | None:
        if self.action is None:
            return None
        login = await run_in_threadpool(authenticate, request)
        if login.user.must_change_password and request.url.path not in PASSWORD_CHANGE_PATHS:
            raise PasswordChangeRequired("首次登录须先修改一次性密码。")
        require(login.actor, self.action)
        if request.method not in SAFE_METHODS:
            check_csrf(login, await _submitted_csrf(request))
        return login

    def __repr__(self) -> str:
        return f"Permit({self.action!r})"


async def _submitted_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def permit(action: str | None):
    """``login: Annotated[Login, permit("task.view")]`` — the route's permission and its user."""
    return Depends(Permit(action))

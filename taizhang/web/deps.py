"""Request dependencies: database sessions, the current user, CSRF checks.

``ReadSession`` / ``WriteSession`` give a route the session its use case needs; ``CurrentActor``
resolves the session cookie (pages redirect to the login page, the API answers 401).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from taizhang.auth.models import User
from taizhang.auth.permissions import Actor
from taizhang.auth.service import actor_for, resolve_session
from taizhang.db.engine import Database
from taizhang.errors import NotAuthenticated, PasswordChangeRequired, PermissionDenied
from taizhang.settings import Settings

SESSION_COOKIE = "tz_session"
LOGIN_CSRF_COOKIE = "tz_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
# Where a user who must change the password may still go.
PASSWORD_CHANGE_PATHS = frozenset({"/account/password", "/logout"})


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


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def current_login(request: Request) -> Login:
    """The logged-in user of this request (raises NotAuthenticated)."""
    cached = getattr(request.state, "login", None)
    if cached is not None:
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotAuthenticated("请先登录。")
    settings = get_settings(request)
    with get_database(request).writing() as session:
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
        login = Login(user=user, actor=actor_for(user, client_ip(request)), csrf_token=web_session.csrf_token)
    request.state.login = login
    if user.must_change_password and request.url.path not in PASSWORD_CHANGE_PATHS:
        raise PasswordChangeRequired("首次登录须先修改一次性密码。")
    return login


CurrentLogin = Annotated[Login, Depends(current_login)]


def check_csrf(login: Login, submitted: str | None) -> None:
    if not submitted or not hmac.compare_digest(submitted, login.csrf_token):
        raise PermissionDenied("表单已失效或来源不明（CSRF 校验失败），请刷新页面后重新提交。")

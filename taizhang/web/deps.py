"""Request dependencies: sessions, who is asking, what they may do, CSRF — in one place.

Every route declares its permission with ``Permit("action")`` (or ``Permit(None)`` for the few public
routes); a test walks the route table and fails on a route without one. A request is authenticated
by the session cookie (pages, and the API from the pages) or by an API token
(``Authorization: Bearer tz_…``). State-changing requests made with the cookie must come from our
own origin and carry the session's CSRF token (form field ``csrf_token`` or header
``X-CSRF-Token``); token clients need neither. A session half-way through the second factor counts
as not logged in everywhere except the code page.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from taizhang.auth import service as accounts
from taizhang.auth.models import User
from taizhang.auth.permissions import Actor, require
from taizhang.auth.policy import LockoutPolicy, PasswordPolicy
from taizhang.db.engine import Database
from taizhang.errors import NotAuthenticated, PasswordChangeRequired, PermissionDenied
from taizhang.privacy.crypto import DataKey, load_key
from taizhang.reporting.service import Evidence
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


def data_key(request: Request) -> DataKey:
    """The personal-data key, read from its file on first use (never created by the web app: a
    new key would silently make the stored data unreadable)."""
    key = getattr(request.app.state, "data_key", None)
    if key is None:
        key = request.app.state.data_key = load_key(get_settings(request).key_file)
    return key


async def read_evidence(request: Request, upload: UploadFile) -> Evidence:
    """An uploaded evidence file, read up to one byte past the limit (which tells "too large") and no further."""
    settings = get_settings(request)
    data = await upload.read(settings.upload_max_bytes + 1)
    return Evidence(filename=upload.filename or "附件", data=data, storage=settings.data_dir / "attachments",
                    max_bytes=settings.upload_max_bytes)


def password_policy(settings: Settings) -> PasswordPolicy:
    return PasswordPolicy(min_length=settings.password_min_length, min_classes=settings.password_min_classes,
                          history=settings.password_history, max_age_days=settings.password_max_age_days)


def lockout_policy(settings: Settings) -> LockoutPolicy:
    return LockoutPolicy(threshold=settings.lockout_threshold,
                         window=timedelta(minutes=settings.lockout_window_minutes),
                         duration=timedelta(minutes=settings.lockout_minutes))


def authenticate(request: Request) -> Login:
    """The user of this request, by bearer token or session cookie (raises NotAuthenticated).
    Reads only, except the occasional touch of an idle timer or the end of a timed-out session."""
    cached = getattr(request.state, "login", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization", "")
    database = get_database(request)
    if header.lower().startswith("bearer "):
        secret = header[7:].strip()
        with database.reading() as session:
            token = accounts.resolve_token(secret, session=session)
            if token is None:
                raise NotAuthenticated("API 令牌无效、已吊销或所属用户已停用。")
            user, token_id, stale = token.user, token.id, accounts.token_needs_touch(token)
            session.expunge(user)
        if stale:
            with database.writing() as session:
                accounts.touch_token(token_id, session=session)
        login = Login(user=user, actor=accounts.actor_for(user, client_ip(request)), csrf_token="", by_token=True)
    else:
        login = _by_cookie(request, database)
    request.state.login = login
    return login


def _by_cookie(request: Request, database: Database) -> Login:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotAuthenticated("请先登录。")
    settings = get_settings(request)
    with database.reading() as session:
        found = accounts.find_session(token, session=session, idle=timedelta(minutes=settings.session_idle_minutes),
                                      absolute=timedelta(hours=settings.session_absolute_hours))
        if found is None:
            raise NotAuthenticated("请先登录。")
        user, state, stage, csrf = found.user, found.state, found.row.stage, found.row.csrf_token
        session.expunge(user)
    if state == "expired":
        with database.writing() as session:
            accounts.expire_session(token, session=session, source_ip=client_ip(request))
        raise NotAuthenticated("登录已超时，请重新登录。")
    if stage != accounts.FULL:
        raise NotAuthenticated("请先完成动态口令验证。")
    if state == "stale":
        with database.writing() as session:
            accounts.touch_session(token, session=session)
    return Login(user=user, actor=accounts.actor_for(user, client_ip(request)), csrf_token=csrf)


def check_same_origin(request: Request) -> None:
    """A cookie-authenticated write must come from one of our own pages: an Origin (or, failing
    that, Referer) header naming another site is refused. The CSRF token is checked as well."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed or claimed == "null":
        return
    origin = urlsplit(claimed)
    if (origin.scheme, origin.netloc) != (request.url.scheme, request.url.netloc):
        raise PermissionDenied("请求来自其他网站（来源校验失败），已拒绝。")


def check_csrf(login: Login, submitted: str | None) -> None:
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
        if request.method not in SAFE_METHODS and not login.by_token:
            check_same_origin(request)
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

"""Login, logout and password change pages."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from taizhang.auth import service as accounts
from taizhang.errors import ValidationFailed
from taizhang.web.deps import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Login,
    WriteSession,
    client_ip,
    permit,
)
from taizhang.web.render import render

router = APIRouter(include_in_schema=False)


def _is_https(request: Request) -> bool:
    return request.url.scheme == "https"


@router.get("/login", name="login_form")
def login_form(request: Request, _: Annotated[None, permit(None)], next: str = "/") -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", login_csrf=token, next=_safe_next(next), error=None, username="")
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=_is_https(request))
    return response


@router.post("/login", name="login")
def login(
    request: Request,
    session: WriteSession,
    _: Annotated[None, permit(None)],
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    # Before login there is no session: the form's token is checked against its own cookie.
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token):
        return render(request, "login.html", status_code=403, login_csrf=cookie, next=_safe_next(next),
                      error="页面已过期，请刷新后重新登录。", username=username)
    user = accounts.authenticate(username.strip(), password, session=session, source_ip=client_ip(request))
    if user is None:
        return render(request, "login.html", status_code=401, login_csrf=cookie, next=_safe_next(next),
                      error="用户名或密码不正确。", username=username)
    info = accounts.start_session(user, session=session)
    target = "/account/password" if user.must_change_password else _safe_next(next)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, info.token, httponly=True, samesite="lax", secure=_is_https(request))
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout", name="logout")
def logout(request: Request, login: Annotated[Login, permit("account.session")], session: WriteSession) -> Response:
    accounts.end_session(request.cookies.get(SESSION_COOKIE, ""), session=session, actor=login.actor)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account/password", name="password_form")
def password_form(request: Request, _: Annotated[Login, permit("account.password")]) -> Response:
    return render(request, "password.html", errors={}, done=False)


@router.post("/account/password", name="change_password")
def change_password(
    request: Request,
    login: Annotated[Login, permit("account.password")],
    session: WriteSession,
    current: Annotated[str, Form(max_length=256)] = "",
    new: Annotated[str, Form(max_length=256)] = "",
    confirm: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    if new != confirm:
        return render(request, "password.html", status_code=422, errors={"confirm": "两次输入的新密码不一致"},
                      done=False)
    try:
        accounts.change_password(login.user.id, current, new, session=session, actor=login.actor)
    except ValidationFailed as exc:
        errors: dict[str, str] = {}
        for d in exc.details:
            errors[d["field"]] = "；".join(filter(None, (errors.get(d["field"]), d["message"])))
        return render(request, "password.html", status_code=422, errors=errors or {"new": exc.message}, done=False)
    return render(request, "password.html", errors={}, done=True)


def _safe_next(target: str) -> str:
    """Only same-site paths: never redirect to another host after login."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target

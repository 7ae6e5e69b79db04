"""Login (password, then the one-time code when required), logout, password and second-factor pages."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from taizhang.auth import service as accounts
from taizhang.auth import totp
from taizhang.errors import PermissionDenied, ValidationFailed
from taizhang.web.deps import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Login,
    ReadSession,
    WriteSession,
    client_ip,
    data_key,
    get_settings,
    lockout_policy,
    password_policy,
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
    settings = get_settings(request)
    user = accounts.authenticate(username.strip(), password, session=session, source_ip=client_ip(request),
                                 lockout=lockout_policy(settings), password_policy=password_policy(settings))
    if user is None:
        return render(request, "login.html", status_code=401, login_csrf=cookie, next=_safe_next(next),
                      error=accounts.LOGIN_FAILED, username=username)
    second_factor = user.totp_enabled or user.role in settings.second_factor_role_set
    if second_factor and user.totp_secret is None:
        accounts.enrol_second_factor(user.id, session=session, actor=accounts.actor_for(user, client_ip(request)),
                                     key=data_key(request))
    info = accounts.start_session(user, session=session, second_factor=second_factor)
    if second_factor:
        target = "/login/code?next=" + quote(_safe_next(next))
    else:
        target = "/account/password" if user.must_change_password else _safe_next(next)
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(request, response, info.token)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.get("/login/code", name="code_form")
def code_form(request: Request, session: ReadSession, _: Annotated[None, permit(None)], next: str = "/") -> Response:
    """The second step: the one-time code; on first use, the secret to add to an authenticator app."""
    pending = accounts.pending_second_factor(request.cookies.get(SESSION_COOKIE, ""), session=session)
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    user, row = pending
    enrolment = None if user.totp_enabled else _enrolment(request, user)
    return render(request, "login_code.html", csrf_token=row.csrf_token, next=_safe_next(next), error=None,
                  enrolment=enrolment)


@router.post("/login/code", name="check_code")
def check_code(
    request: Request,
    session: WriteSession,
    _: Annotated[None, permit(None)],
    code: Annotated[str, Form(max_length=16)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    pending = accounts.pending_second_factor(token, session=session)
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    user, row = pending
    if not hmac.compare_digest(row.csrf_token, csrf_token):
        raise PermissionDenied("表单已失效或来源不明（CSRF 校验失败），请刷新页面后重新提交。")
    enrolled = user.totp_enabled
    info = accounts.check_code(token, code, session=session, key=data_key(request), source_ip=client_ip(request))
    if info is None:
        if accounts.pending_second_factor(token, session=session) is None:  # the third wrong code
            response = render(request, "login.html", status_code=401, login_csrf="", next=_safe_next(next),
                              error="动态口令连续输错，请重新输入用户名和密码。", username="")
            response.delete_cookie(SESSION_COOKIE)
            return response
        session.refresh(user)
        return render(request, "login_code.html", status_code=401, csrf_token=row.csrf_token,
                      next=_safe_next(next), error="动态口令不正确或已使用过，请输入验证器上的最新口令。",
                      enrolment=None if enrolled else _enrolment(request, user))
    target = "/account/password" if user.must_change_password else _safe_next(next)
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(request, response, info.token)
    return response


def _enrolment(request: Request, user) -> dict[str, str]:
    secret = data_key(request).decrypt(user.totp_secret)
    uri = totp.provisioning_uri(secret, user.username)
    return {"secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), "uri": uri,
            "qr_svg": totp.qr_svg(uri)}


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=_is_https(request))


@router.post("/logout", name="logout")
def logout(request: Request, login: Annotated[Login, permit("account.session")], session: WriteSession) -> Response:
    accounts.end_sessions(login.user.id, session=session, actor=login.actor)
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
        accounts.change_password(login.user.id, current, new, session=session, actor=login.actor,
                                 policy=password_policy(get_settings(request)))
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


@router.get("/account/second-factor", name="second_factor")
def second_factor_page(request: Request, login: Annotated[Login, permit("account.password")],
                       session: ReadSession) -> Response:
    user = accounts.get_user(login.user.id, session=session)
    pending = user.totp_secret is not None and not user.totp_enabled
    return render(request, "second_factor.html", error=None, enrolment=_enrolment(request, user) if pending else None,
                  required=user.role in get_settings(request).second_factor_role_set)


@router.post("/account/second-factor", name="start_second_factor")
def start_second_factor(request: Request, login: Annotated[Login, permit("account.password")],
                        session: WriteSession) -> Response:
    accounts.enrol_second_factor(login.user.id, session=session, actor=login.actor, key=data_key(request))
    return RedirectResponse("/account/second-factor", status_code=303)


@router.post("/account/second-factor/confirm", name="confirm_second_factor")
def confirm_second_factor(
    request: Request,
    login: Annotated[Login, permit("account.password")],
    session: WriteSession,
    code: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    if accounts.confirm_second_factor(login.user.id, code, session=session, actor=login.actor, key=data_key(request)):
        return RedirectResponse("/account/second-factor", status_code=303)
    user = accounts.get_user(login.user.id, session=session)
    return render(request, "second_factor.html", status_code=422, error="动态口令不正确，请输入验证器上的最新口令。",
                  enrolment=_enrolment(request, user), required=False)

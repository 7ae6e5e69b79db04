"""create_app(): the web application — pages, JSON API, static assets, error mapping, headers."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taizhang.audit.service import request_id as audit_request_id
from taizhang.db.engine import Database
from taizhang.errors import Conflict, NotAuthenticated, PasswordChangeRequired, TaizhangError, ValidationFailed
from taizhang.jobs.worker import BackgroundWorker
from taizhang.settings import Settings, get_settings
from taizhang.web import api
from taizhang.web.api.schemas import error_response
from taizhang.web.deps import SAFE_METHODS, SESSION_COOKIE
from taizhang.web.pages import admin, auth, documents, home, policy, supervision, tasks
from taizhang.web.pages import fulfillment as fulfillment_pages
from taizhang.web.pages import rules as rules_pages
from taizhang.web.ratelimit import RateLimits, SharedWindow, credential_key, retry_after
from taizhang.web.render import render
from taizhang.web.retry import RetryTransientErrors

log = logging.getLogger("taizhang.web")
STATIC = Path(__file__).with_name("static")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,40}")
# Routes anyone may call: limited per IP address whatever cookie comes with them.
PUBLIC_PATHS = frozenset({"/login", "/login/code"})

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="重点任务推进台账 API",
        version="1",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database or Database.from_url(settings.database_url)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for pages in (auth, home, tasks, supervision, policy, admin, documents):
        app.include_router(pages.router)
    app.include_router(rules_pages.router)
    app.include_router(fulfillment_pages.router)
    app.include_router(api.router)
    _install_error_handlers(app)
    # Added before `Guard`, so it runs inside it: one rate-limit count and request id for all attempts.
    app.add_middleware(RetryTransientErrors, body_limit=settings.upload_max_bytes + 1024 * 1024)

    limits = app.state.rate_limits = RateLimits(SharedWindow(settings.rate_limit_per_minute, app.state.database),
                                                SharedWindow(settings.login_rate_per_minute, app.state.database))
    app.add_middleware(Guard, limits=limits)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """A served process runs queued background jobs in a thread of its own (``jobs.worker``)."""
    background = None
    if app.state.settings.background_jobs:
        background = app.state.background = BackgroundWorker(app.state.database, app.state.settings)
        background.start()
    try:
        yield
    finally:
        if background is not None:
            background.stop()


class Guard:
    """Request id, rate limits, the API's content type and the security headers, for every request.
    A plain ASGI middleware (not ``@app.middleware``): it adds headers as the response starts,
    without copying each response through a second task."""

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        request.state.request_id = _request_id(request.headers.get("x-request-id"))
        token = audit_request_id.set(request.state.request_id)
        try:
            refusal = await _refusal(request, self.limits)
            if refusal is not None:
                await _with_headers(request, refusal)(scope, receive, send)
                return

            async def send_secured(message: Message) -> None:
                if message["type"] == "http.response.start":
                    _secure(request, MutableHeaders(scope=message))
                await send(message)

            await self.app(scope, receive, send_secured)
        finally:
            audit_request_id.reset(token)


def _with_headers(request: Request, response: Response) -> Response:
    """``response`` with the request id and the security headers (a 500 is answered outside ``Guard``)."""
    _secure(request, response.headers)
    return response


def _secure(request: Request, headers: MutableHeaders) -> None:
    headers["X-Request-ID"] = getattr(request.state, "request_id", "")
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    if request.url.scheme == "https":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if not request.url.path.startswith("/static/"):
        headers.setdefault("Cache-Control", "no-store")


def _request_id(claimed: str | None) -> str:
    """The caller's X-Request-ID when it is a sane token (a proxy's id ties the logs together), else a new one."""
    if claimed and REQUEST_ID.fullmatch(claimed):
        return claimed
    return uuid.uuid4().hex


async def _refusal(request: Request, limits: RateLimits) -> Response | None:
    """A response refusing the request before any route runs: too many requests, or an API write
    whose body is not JSON (uploads excepted). None lets the request through."""
    path = request.url.path
    if path.startswith("/static/"):
        return None
    who = credential_key(request.cookies.get(SESSION_COOKIE), request.headers.get("authorization"))
    if path in PUBLIC_PATHS or who is None:
        limiter, key = limits.per_address, "ip:" + (request.client.host if request.client else "?")
    else:
        limiter, key = limits.per_credential, who
    total, due = limiter.count(key)
    if due:
        try:
            total = await run_in_threadpool(limiter.exchange, key)
        except Exception:  # an unreachable table must not refuse every request: go on with local counts
            log.warning("请求频率计数未能写入数据库，暂按本进程计数限流", exc_info=True)
    wait = limiter.wait(total)
    if wait:
        return _error(request, 429, "rate_limited", "请求过于频繁，请稍后再试。",
                      headers={"Retry-After": retry_after(wait)})
    if path.startswith("/api/") and request.method not in SAFE_METHODS and _has_body(request):
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in ("application/json", "multipart/form-data"):
            return error_response(415, "unsupported_media_type",
                                  "接口只接受 JSON（Content-Type: application/json）；上传文件请用 multipart/form-data。")
    return None


def _has_body(request: Request) -> bool:
    return request.headers.get("content-length", "0") not in ("", "0") or "transfer-encoding" in request.headers


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, code: str, message: str, details: Sequence[dict] = (),
           headers: dict[str, str] | None = None) -> Response:
    """An error as its caller reads it: the API's error body (``error_response``), or the error page."""
    if _wants_json(request):
        return error_response(status, code, message, details, headers)
    return render(request, "error.html", status_code=status, message=message, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TaizhangError)
    async def taizhang_error(request: Request, exc: TaizhangError) -> Response:
        if not _wants_json(request):  # a browser is sent to the page that lets it go on
            if isinstance(exc, NotAuthenticated):
                return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
            if isinstance(exc, PasswordChangeRequired):
                return RedirectResponse("/account/password", status_code=303)
        return _error(request, exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        details = [{"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors()]
        message = "请求参数不正确：" + "；".join(f"{d['field']}（{d['message']}）" for d in details)
        return _error(request, 422, "invalid_request", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "页面不存在。", 405: "不支持此请求方式。"}
        message = messages.get(exc.status_code, "请求无法处理。")
        return _error(request, exc.status_code, f"http_{exc.status_code}", message)

    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def out_of_range(request: Request, exc: Exception) -> Response:
        # Values the request's types allowed but the database cannot hold (an id beyond 2^31 …).
        log.info("value refused by the database on %s %s", request.method, request.url.path)
        return await taizhang_error(request, ValidationFailed("参数超出范围：数值过大或格式不被接受。"))

    @app.exception_handler(StaleDataError)
    @app.exception_handler(IntegrityError)
    async def concurrent_edit(request: Request, exc: Exception) -> Response:
        log.info("conflicting write on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return await taizhang_error(request, Conflict("数据已被他人同时修改，请刷新后重试。"))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        message = "服务器内部错误，请稍后重试；如问题持续，请联系系统管理员。"
        return _with_headers(request, _error(request, 500, "internal", message))

"""create_app(): the web application — pages, JSON API, static assets, error mapping, headers."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from taizhang.db.engine import Database
from taizhang.errors import Conflict, NotAuthenticated, PasswordChangeRequired, TaizhangError
from taizhang.settings import Settings, get_settings
from taizhang.web import api
from taizhang.web.pages import auth, home, policy, supervision, tasks
from taizhang.web.render import render

log = logging.getLogger("taizhang.web")
STATIC = Path(__file__).with_name("static")

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
        title="重点任务推进台账 API",
        version="1",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database or Database.from_url(settings.database_url)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for pages in (auth, home, tasks, supervision, policy):
        app.include_router(pages.router)
    app.include_router(api.router)
    _install_error_handlers(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.scheme == "https":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TaizhangError)
    async def taizhang_error(request: Request, exc: TaizhangError) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": {"code": exc.code, "message": exc.message, "details": exc.details}},
                                status_code=exc.status)
        if isinstance(exc, NotAuthenticated):
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        if isinstance(exc, PasswordChangeRequired):
            return RedirectResponse("/account/password", status_code=303)
        return render(request, "error.html", status_code=exc.status, message=exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        details = [{"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors()]
        message = "请求参数不正确：" + "；".join(f"{d['field']}（{d['message']}）" for d in details)
        if _wants_json(request):
            return JSONResponse({"error": {"code": "invalid_request", "message": message, "details": details}},
                                status_code=422)
        return render(request, "error.html", status_code=422, message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "页面不存在。", 405: "不支持此请求方式。"}
        message = messages.get(exc.status_code, "请求无法处理。")
        if _wants_json(request):
            return JSONResponse({"error": {"code": f"http_{exc.status_code}", "message": message, "details": []}},
                                status_code=exc.status_code)
        return render(request, "error.html", status_code=exc.status_code, message=message)

    @app.exception_handler(StaleDataError)
    @app.exception_handler(IntegrityError)
    async def concurrent_edit(request: Request, exc: Exception) -> Response:
        log.info("conflicting write on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return await taizhang_error(request, Conflict("数据已被他人同时修改，请刷新后重试。"))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        message = "服务器内部错误，请稍后重试；如问题持续，请联系系统管理员。"
        if _wants_json(request):
            return JSONResponse({"error": {"code": "internal", "message": message, "details": []}}, status_code=500)
        return render(request, "error.html", status_code=500, message=message)

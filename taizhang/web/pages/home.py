"""工作台 (the home page, per role) and the 驾驶舱 dashboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from taizhang.auth.permissions import AUDIT_ADMIN, SECURITY_ADMIN, require
from taizhang.overview import service as overview
from taizhang.supervision import service as supervision
from taizhang.web.deps import Login, ReadSession, permit
from taizhang.web.pages.common import page

router = APIRouter(include_in_schema=False)
ADMIN_HOMES = {SECURITY_ADMIN: "/admin/users", AUDIT_ADMIN: "/audit"}


@router.get("/", name="home")
def home(request: Request, login: Annotated[Login, permit("account.session")], session: ReadSession) -> Response:
    """The role's own start page: the 工作台 for the business; the security and audit administrators,
    who have no business access (三权分立), start on their own pages."""
    if login.user.role in ADMIN_HOMES:
        return RedirectResponse(ADMIN_HOMES[login.user.role], status_code=303)
    require(login.actor, "task.view")
    bench = overview.workbench(session=session, actor=login.actor)
    return page(request, "home.html", session=session, login=login, bench=bench)


@router.get("/dashboard", name="dashboard")
def dashboard(request: Request, login: Annotated[Login, permit("task.view")], session: ReadSession) -> Response:
    board = overview.dashboard(session=session, actor=login.actor)
    ranking = supervision.unit_scores(board.ranking_period, session=session, actor=login.actor) if board else []
    return page(request, "dashboard.html", session=session, login=login, board=board, ranking=ranking,
                charts=_chart_data(board, ranking) if board else {})


def _chart_data(board, ranking) -> dict:
    """Series for the charts (read by static/js/dashboard.js from a JSON data block)."""
    lights = ("green", "blue", "yellow", "orange", "red", "none")
    return {
        "sections": {
            "labels": [f"{s.no}. {s.title}" for s in board.sections],
            "numbers": [s.no for s in board.sections],
            "series": {light: [s.lights.get(light, 0) for s in board.sections] for light in lights},
        },
        "ranking": {"labels": [r.unit_name for r in ranking[:15]], "totals": [float(r.total) for r in ranking[:15]]},
        "counties": {
            "labels": [c.unit for c in board.counties],
            "completion": [round(float(c.completion) * 100, 1) if c.completion is not None else None
                           for c in board.counties],
        },
        "trend": {
            "labels": [p.label for p in board.trend],
            "on_track": [p.on_track for p in board.trend],
            "behind": [p.behind for p in board.trend],
            "completed": [p.completed for p in board.trend],
        },
    }

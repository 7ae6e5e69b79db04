"""What every page handler shares: the frame's navigation facts and one way to render a page."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from taizhang.overview.service import navigation
from taizhang.web.deps import Login
from taizhang.web.render import render


def page(request: Request, template: str, *, session: Session, login: Login, status_code: int = 200,
         **context: Any) -> HTMLResponse:
    """Render a page inside the frame (navigation, unread count, demo banner)."""
    return render(request, template, status_code=status_code, nav=navigation(session=session, actor=login.actor),
                  **context)

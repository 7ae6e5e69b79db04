"""Server-rendered pages: the template environment and the one render() every page uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from taizhang.ledger.rows import Highlight
from taizhang.ledger.vocabulary import status_label

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
TEMPLATES.env.filters["status_label"] = status_label
TEMPLATES.env.globals["site_name"] = "重点任务推进台账"


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str | None = None
    note: str = ""


def segments(text: str, highlights: list[Highlight]) -> list[Segment]:
    """Split a measure's text into plain and highlighted runs; overlapping marks keep the first."""
    out: list[Segment] = []
    pos = 0
    for h in sorted(highlights, key=lambda h: (h.start, -h.end)):
        if h.start < pos or h.end > len(text) or h.start >= h.end:
            continue
        if h.start > pos:
            out.append(Segment(text[pos : h.start]))
        out.append(Segment(text[h.start : h.end], h.kind, h.note))
        pos = h.end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


TEMPLATES.env.globals["segments"] = segments


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    login = getattr(request.state, "login", None)
    context.setdefault("login", login)
    context.setdefault("csrf_token", login.csrf_token if login else context.get("login_csrf", ""))
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)

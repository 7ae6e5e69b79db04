"""Server-rendered pages: the template environment and the one render() every page uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from taizhang.audit.models import ACTION_LABELS
from taizhang.auth.models import ROLES
from taizhang.clock import LOCAL_TZ
from taizhang.ledger.rollup import format_quantity, format_share
from taizhang.ledger.rows import Highlight
from taizhang.ledger.vocabulary import (
    CMP_WORDS,
    LIGHT_LABELS,
    LIGHT_MEANINGS,
    NOTICE_STEPS,
    SCORE_KINDS,
    SUBTASK_KINDS,
    URGE_REASONS,
    status_label,
)
from taizhang.reporting.models import CLAIMED_STATUSES, REPORT_KINDS, REPORT_STATUSES
from taizhang.supervision.models import NOTICE_STATUSES

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
TEMPLATES.env.globals["site_name"] = "重点任务推进台账"


def cn_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TZ)
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


def quantity(value: Decimal | None, unit: str = "") -> str:
    return "—" if value is None else format_quantity(Decimal(value), unit)


def share(value: Decimal | None) -> str:
    return "—" if value is None else format_share(Decimal(value))


for _name, _fn in {
    "status_label": status_label, "cn_date": cn_date, "quantity": quantity, "share": share,
    "light_label": lambda v: LIGHT_LABELS.get(v, v), "light_meaning": lambda v: LIGHT_MEANINGS.get(v, ""),
    "role_label": lambda v: ROLES.get(v, v), "cmp_words": lambda v: CMP_WORDS.get(v, ""),
    "report_status": lambda v: REPORT_STATUSES.get(v, "未填报") if v else "未填报",
    "report_kind": lambda v: REPORT_KINDS.get(v, v), "claimed": lambda v: CLAIMED_STATUSES.get(v, v),
    "notice_step": lambda v: NOTICE_STEPS.get(v, v), "notice_status": lambda v: NOTICE_STATUSES.get(v, v),
    "urge_reason": lambda v: URGE_REASONS.get(v, v), "score_kind": lambda v: SCORE_KINDS.get(v, v),
    "subtask_kind": lambda v: SUBTASK_KINDS.get(v, v), "action_label": lambda v: ACTION_LABELS.get(v, v),
}.items():
    TEMPLATES.env.filters[_name] = _fn
TEMPLATES.env.globals["LIGHTS"] = ("red", "orange", "yellow", "blue", "green", "none")


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


def render(request: Request, template: str, status_code: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    login = getattr(request.state, "login", None)
    context.setdefault("login", login)
    context.setdefault("csrf_token", login.csrf_token if login else context.get("login_csrf", ""))
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code, headers=headers)

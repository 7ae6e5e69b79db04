"""Request and response bodies of /api/v1. Inputs refuse unknown fields; outputs are the services' read
models themselves, or (below) a class where the API's shape deliberately differs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, get_type_hints

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, create_model

from taizhang.ledger.rows import IndicatorProgress, Rollup, SubtaskRow, TaskHistory, TaskRow

Light = Literal["none", "green", "blue", "yellow", "orange", "red"]
Step = Literal["reminder", "blue", "orange", "red"]
Text5000 = Field(default="", max_length=5000)


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---------------------------------------------------------------- inputs


class SubtaskIn(In):
    unit_id: int = Field(ge=1)
    kind: Literal["county", "co_unit", "item"] = "county"
    title: str | None = Field(default=None, max_length=200)
    due_date: date | None = None
    targets: dict[int, Decimal] = Field(default_factory=dict, description="上级指标 id → 分解目标")


class DecomposeIn(In):
    subtasks: list[SubtaskIn] = Field(min_length=1, max_length=60)


class ReportIn(In):
    progress: str = Text5000
    problems: str = Text5000
    next_steps: str = Text5000
    claimed_status: Literal["in_progress", "completed"] = "in_progress"
    values: dict[int, Decimal] = Field(default_factory=dict, description="指标 id → 累计完成值")


class ReviewIn(In):
    decision: Literal["approved", "returned"]
    reason: str = Field(default="", max_length=2000)


class OverrideIn(In):
    light: Light
    reason: str = Field(min_length=1, max_length=2000)


class AssignIn(In):
    unit_id: int = Field(ge=1)
    role: Literal["lead", "co"] = "co"


class CloseIn(In):
    note: str = Field(default="", max_length=2000)


class NoticeIn(In):
    task_id: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=2000)
    body: str = Field(default="", max_length=5000)
    item_key: str | None = Field(default=None, max_length=80)
    start_at: Step = "reminder"
    unit_id: int | None = Field(default=None, ge=1)


class ReplyIn(In):
    answer: str = Field(min_length=1, max_length=5000)


class PolicySettingsIn(In):
    cadence: Literal["monthly", "weekly", "quarterly"] | None = None
    due_day: int | None = Field(default=None, ge=1, le=31)
    thresholds: dict[str, Decimal] | None = None
    points: dict[str, Decimal] | None = None


class UserIn(In):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    role: Literal["admin", "supervisor", "reporter", "leader"]
    unit_id: int | None = Field(default=None, ge=1)
    display_name: str | None = Field(default=None, max_length=100)


class UnitIn(In):
    name: str = Field(min_length=2, max_length=100)
    kind: Literal["department", "county", "collective", "other"] = "department"
    parent_id: int | None = Field(default=None, ge=1)


class TokenIn(In):
    user_id: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=100)


# ---------------------------------------------------------------- outputs
# A service's read model — a dataclass such as ``Page``, ``IndicatorProgress``, ``Rollup`` — is its own
# response body: the route names it as ``response_model`` and returns it. The classes below exist only
# where the API's shape deliberately differs from what the service returns, and each says why. A
# database row is never published whole: its class lists the columns a client may see, so that a new
# column (a hash, a stored file name) is not published by accident.


def response_body(name: str, source: type, *, drop: Iterable[str] = (), retype: Mapping[str, Any] | None = None,
                  describe: Mapping[str, str] | None = None) -> type[BaseModel]:
    """The read model ``source`` (a dataclass) as a response body named ``name``: its fields less ``drop``,
    all required, ``retype``'s fields shown as another type, with ``describe``'s descriptions. The fields
    themselves are still declared once, in the dataclass."""
    hints = get_type_hints(source) | dict(retype or {})
    dropped, describe = set(drop), describe or {}
    kept = {f.name: (hints[f.name], Field(description=describe.get(f.name))) for f in fields(source)
            if f.name not in dropped}
    return create_model(name, __base__=Out, __module__=__name__, **kept)


# A task in a list: without the measure's whole text and its time-limit phrases (the detail gives the text).
TaskOut = response_body("TaskOut", TaskRow, drop=("content", "deadlines"))
# The roll-up as the service counts it; the ratio's definition documented.
RollupOut = response_body("RollupOut", Rollup, describe={"completion_ratio": "已完成（含逾期完成）/ 全部"})


# The row nested as ``task`` with its text once beside it, the parent as an id, no page-only fields.
class TaskDetailOut(Out):
    task: TaskOut
    content: str
    policy_id: int
    as_of: date
    start_date: date | None
    closed_on: date | None
    light: str
    light_computed: str
    light_reasons: list[str]
    light_period: str | None
    overridden: bool
    indicators: list[IndicatorProgress]
    subtasks: list[SubtaskRow]
    parent_id: int | None
    warnings: list[str]


# A review row's public columns.
class ReviewOut(Out):
    version: int
    decision: str
    reason: str
    reviewed_at: datetime


# An attachment row without where and under what name it is stored.
class AttachmentOut(Out):
    id: int
    original_name: str
    content_type: str
    size: int
    uploaded_at: datetime


# A report row's public columns, its figures as {indicator id: value}, its reviews and attachments.
class ReportOut(Out):
    id: int
    task_id: int
    period: str
    unit_id: int
    kind: str
    status: str
    progress: str
    problems: str
    next_steps: str
    claimed_status: str
    version: int
    submitted_at: datetime | None
    approved_at: datetime | None
    values: dict[int, Decimal]
    reviews: list[ReviewOut]
    attachments: list[AttachmentOut]


# A 催办/督办 notice row's public columns.
class NoticeOut(Out):
    id: int
    task_id: int
    unit_id: int
    step: str
    item_key: str
    reason: str
    body: str
    issued_on: date
    answer_by: date
    status: str
    read_at: datetime | None
    answered_on: date | None
    answer: str
    closed_at: datetime | None


# The service returns a pair (notices, unread count); the API names its halves.
class InboxOut(Out):
    items: list[NoticeOut]
    unread: int


# The service's item, next step and notices flattened into one object.
class UrgeOut(Out):
    task_id: int
    task_title: str
    unit_id: int | None
    unit_name: str
    reason: str
    text: str
    key: str
    next_step: str | None
    answer_by: date | None
    notices: list[NoticeOut]


# A unit row's public columns.
class UnitOut(Out):
    id: int
    name: str
    short_name: str
    kind: str
    in_directory: bool
    parent_id: int | None


# A user row without its password, second-factor secret or lockout state.
class UserOut(Out):
    id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    active: bool


# The token row's public columns and, this once, its secret (the service returns the pair).
class TokenOut(Out):
    id: int
    name: str
    user_id: int
    token: str = Field(description="令牌明文，只显示这一次")


# A light-override row's public columns.
class OverrideOut(Out):
    id: int
    task_id: int
    light: str
    computed: str
    reason: str
    overridden_on: date


# TaskHistoryOut's references to a unit and a task (the service has (id, name) pairs).
class UnitRefOut(Out):
    id: int
    name: str


class TaskRefOut(Out):
    id: int
    title: str


# The task's history with the service's (id, name) pairs for the units and the parent as objects.
TaskHistoryOut = response_body(
    "TaskHistoryOut", TaskHistory, drop=("lead_unit_id",),
    retype={"lead_unit": UnitRefOut | None, "co_units": list[UnitRefOut], "parent": TaskRefOut | None},
    describe={"submissions": "最近的报送（每次报送一条），新的在前"},
)


# ---------------------------------------------------------------- security and audit


class RoleIn(In):
    role: Literal["admin", "security_admin", "audit_admin", "supervisor", "reporter", "leader"]


# For the security administrator: the user's public columns and its lockout and second-factor state.
class AccountSecurityOut(UserOut):
    locked_until: datetime | None
    totp_enabled: bool
    password_changed_at: datetime


# An audit record's columns, less the previous record's hash that the chain check reads.
class AuditEventOut(Out):
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    actor_role: str | None
    action: str
    object_type: str | None
    object_id: str | None
    outcome: str
    source_ip: str | None
    request_id: str | None
    detail: dict
    hash: str | None


# The service's ChainReport and, spelled out, whether the chain is intact.
class ChainOut(Out):
    checked: int
    intact: bool
    broken_at: int | None
    reason: str | None


# ---------------------------------------------------------------- errors


# The error envelope (no service read model behind it), built by error_response() alone.
class ErrorBody(Out):
    code: str = Field(description="机器可读的错误类别，如 not_found、forbidden、validation_failed")
    message: str = Field(description="中文说明：出了什么错、怎么办")
    details: list[dict] = Field(default_factory=list, description="逐项说明（如哪个字段、哪一行、为什么）")


class ErrorOut(Out):
    error: ErrorBody


def error_response(status: int, code: str, message: str, details: Sequence[dict] = (),
                   headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The one error body of the API, ``{"error": {"code", "message", "details"}}`` (``ErrorOut``)."""
    body = ErrorOut(error=ErrorBody(code=code, message=message, details=list(details)))
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


ERROR_RESPONSES = {
    status: {"model": ErrorOut, "description": description}
    for status, description in {
        400: "请求有误", 401: "未登录或令牌无效", 403: "无权执行（或跨站请求被拒绝）", 404: "不存在或不可见",
        409: "状态冲突或数据已被他人修改", 413: "上传文件过大", 415: "请求体类型不对（接口只接受 JSON）",
        422: "请求参数或内容不正确", 429: "请求过于频繁", 503: "依赖的外部组件不可用",
    }.items()
}

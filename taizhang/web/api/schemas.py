"""Request and response bodies of /api/v1. Inputs refuse unknown fields; outputs are read from the
services' read models (``from_attributes``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
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


class PageOut(Out, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class IndicatorOut(Out):
    id: int
    name: str
    target_value: Decimal
    target_low: Decimal | None
    unit: str
    cmp: str
    due_date: date | None


class TaskOut(Out):
    id: int
    measure_no: str
    section_no: int
    section_title: str
    title: str
    lead_units: list[str]
    co_units: list[str]
    units_open: bool
    due_date: date | None
    due_note: str | None
    status: str
    light: str
    light_reasons: list[str]
    parent_id: int | None
    depth: int
    indicators: list[IndicatorOut]


class IndicatorProgressOut(Out):
    id: int
    name: str
    target_value: Decimal
    target_low: Decimal | None
    unit: str
    cmp: str
    due_date: date | None
    actual: Decimal | None
    children_actual: Decimal | None
    light: str
    reason: str | None
    expected_share: Decimal | None
    actual_share: Decimal | None
    gap_pp: Decimal | None


class SubtaskOut(Out):
    id: int
    title: str
    unit: str
    kind: str
    due_date: date | None
    status: str
    light: str
    targets: dict[int, Decimal]
    actuals: dict[int, Decimal]


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
    indicators: list[IndicatorProgressOut]
    subtasks: list[SubtaskOut]
    parent_id: int | None
    warnings: list[str]


class DecompositionOut(Out):
    created: list[int]
    warnings: list[str]


class ReviewOut(Out):
    version: int
    decision: str
    reason: str
    reviewed_at: datetime


class AttachmentOut(Out):
    id: int
    original_name: str
    content_type: str
    size: int
    uploaded_at: datetime


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


class InboxOut(Out):
    items: list[NoticeOut]
    unread: int


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


class ScoreLineOut(Out):
    task_id: int
    kind: str
    label: str
    points: Decimal
    on: date
    detail: str


class ScoreOut(Out):
    unit_id: int
    unit_name: str
    total: Decimal
    rank: int
    lines: list[ScoreLineOut]


class UnitOut(Out):
    id: int
    name: str
    short_name: str
    kind: str
    in_directory: bool
    parent_id: int | None


class UserOut(Out):
    id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    active: bool


class NewAccountOut(Out):
    username: str
    password: str


class TokenOut(Out):
    id: int
    name: str
    user_id: int
    token: str = Field(description="令牌明文，只显示这一次")


class OverrideOut(Out):
    id: int
    task_id: int
    light: str
    computed: str
    reason: str
    overridden_on: date


# ---------------------------------------------------------------- security and audit


class RoleIn(In):
    role: Literal["admin", "security_admin", "audit_admin", "supervisor", "reporter", "leader"]


class AccountSecurityOut(UserOut):
    locked_until: datetime | None
    totp_enabled: bool
    password_changed_at: datetime


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


class ChainOut(Out):
    checked: int
    intact: bool
    broken_at: int | None
    reason: str | None


class SubmissionOut(Out):
    version_id: int
    report_id: int
    period: str
    unit_id: int
    version: int
    submitted_at: datetime
    progress: str
    values: dict[int, Decimal]


class IndicatorLatestOut(Out):
    id: int
    name: str
    target_value: Decimal
    unit: str
    cmp: str
    latest_actual: Decimal | None


class UnitRefOut(Out):
    id: int
    name: str


class TaskRefOut(Out):
    id: int
    title: str


class TaskHistoryOut(Out):
    id: int
    title: str
    status: str
    light: str
    depth: int
    start_date: date | None
    due_date: date | None
    closed_on: date | None
    lead_unit: UnitRefOut | None
    co_units: list[UnitRefOut]
    parent: TaskRefOut | None
    indicators: list[IndicatorLatestOut]
    submissions: list[SubmissionOut] = Field(description="最近的报送（每次报送一条），新的在前")


class RollupOut(Out):
    unit_id: int | None
    unit_name: str
    total: int
    by_status: dict[str, int]
    completed: int
    completion_ratio: Decimal = Field(description="已完成（含逾期完成）/ 全部")


# ---------------------------------------------------------------- errors


class ErrorBody(Out):
    code: str = Field(description="机器可读的错误类别，如 not_found、forbidden、validation_failed")
    message: str = Field(description="中文说明：出了什么错、怎么办")
    details: list[dict] = Field(default_factory=list, description="逐项说明（如哪个字段、哪一行、为什么）")


class ErrorOut(Out):
    error: ErrorBody


ERROR_RESPONSES = {
    status: {"model": ErrorOut, "description": description}
    for status, description in {
        400: "请求有误", 401: "未登录或令牌无效", 403: "无权执行（或跨站请求被拒绝）", 404: "不存在或不可见",
        409: "状态冲突或数据已被他人修改", 413: "上传文件过大", 415: "请求体类型不对（接口只接受 JSON）",
        422: "请求参数或内容不正确", 429: "请求过于频繁", 503: "依赖的外部组件不可用",
    }.items()
}

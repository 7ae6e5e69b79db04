"""Read models the ledger service returns: plain data for pages, the API, the CLI and exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class IndicatorRow:
    id: int
    name: str
    target_value: Decimal
    target_low: Decimal | None
    unit: str
    cmp: str
    due_date: date | None

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True)
class TaskRow:
    id: int
    measure_no: str
    section_no: int
    section_title: str
    title: str
    content: str
    lead_units: list[str]
    co_units: list[str]
    units_open: bool
    due_date: date | None
    due_note: str | None
    status: str
    light: str = "none"
    light_reasons: list[str] = field(default_factory=list)
    parent_id: int | None = None
    depth: int = 0
    indicators: list[IndicatorRow] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)  # the document's time-limit phrases


@dataclass(frozen=True)
class Highlight:
    start: int  # offsets within the measure text
    end: int
    kind: str  # "quantity" | "deadline" | "unit"
    note: str


@dataclass(frozen=True)
class MeasureView:
    id: int
    no: str
    title: str
    text: str
    truncated: bool
    units: list[tuple[str, str, str | None]]  # (name as written, role, canonical)
    units_open: bool
    quantities: list[dict]
    deadlines: list[dict]
    highlights: list[Highlight]


@dataclass(frozen=True)
class SectionView:
    no: int
    title: str
    measures: list[MeasureView]


@dataclass(frozen=True)
class PolicyView:
    id: int
    title: str
    issuer: str | None
    issued_on: date | None
    doc_number: str | None
    version: int
    imported_at: datetime
    measure_count: int
    sections: list[SectionView]


@dataclass(frozen=True)
class ImportResult:
    policy_id: int
    version: int
    created: bool
    tasks_created: int
    changes: list[str]
    message: str


@dataclass(frozen=True)
class LedgerExport:
    policy_title: str
    issuer: str | None
    issued_on: date | None
    generated_at: datetime
    rows: list[TaskRow]
    filter_note: str = ""


@dataclass(frozen=True)
class LedgerRow:
    """One task of a unit's whole ledger, flat (``exports.unit_ledger``)."""

    id: int
    parent_id: int | None
    title: str
    lead_unit: str
    co_units: str
    start_date: date | None
    due_date: date | None
    status: str
    target: Decimal | None
    value_unit: str
    latest_actual: Decimal | None
    latest_progress: str


@dataclass(frozen=True)
class IndicatorProgress:
    id: int
    name: str
    target_value: Decimal
    target_low: Decimal | None
    unit: str
    cmp: str
    due_date: date | None
    actual: Decimal | None  # latest approved figure of this task's own (lead unit's) reports
    children_actual: Decimal | None  # roll-up of the sub-tasks' approved figures (when decomposed)
    light: str
    reason: str | None
    expected_share: Decimal | None
    actual_share: Decimal | None
    gap_pp: Decimal | None


@dataclass(frozen=True)
class SubtaskRow:
    id: int
    title: str
    unit: str
    kind: str
    due_date: date | None
    status: str
    light: str
    targets: dict[int, Decimal]  # parent indicator id → sub-target
    actuals: dict[int, Decimal]  # parent indicator id → approved actual


@dataclass(frozen=True)
class TaskDetail:
    row: TaskRow
    measure: MeasureView
    policy_id: int
    policy_title: str
    as_of: date
    period: str  # the reporting period running on ``as_of``
    start_date: date | None
    closed_on: date | None
    light: str
    light_computed: str
    light_reasons: list[str]
    light_period: str | None
    overridden: bool
    indicators: list[IndicatorProgress]
    subtasks: list[SubtaskRow]
    parent: tuple[int, str] | None
    viewer_leads: bool  # the viewer's unit leads this task (or the viewer is the office)
    viewer_assigned: bool  # the viewer's unit is lead or co-unit of this task
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Submission:
    version_id: int
    report_id: int
    period: str
    unit_id: int
    version: int
    submitted_at: datetime
    progress: str
    values: dict[int, Decimal]


@dataclass(frozen=True)
class IndicatorLatest:
    id: int
    name: str
    target_value: Decimal
    unit: str
    cmp: str
    latest_actual: Decimal | None  # from the newest submission that gives a figure, whoever sent it


@dataclass(frozen=True)
class TaskHistory:
    id: int
    title: str
    status: str
    light: str
    depth: int
    start_date: date | None
    due_date: date | None
    closed_on: date | None
    lead_unit_id: int | None
    lead_unit: str
    co_units: list[tuple[int, str]]
    parent: tuple[int, str] | None
    indicators: list[IndicatorLatest]
    submissions: list[Submission]  # newest first


@dataclass(frozen=True)
class Rollup:
    unit_id: int | None
    unit_name: str
    total: int
    by_status: dict[str, int]
    completed: int
    completion_ratio: Decimal  # completed / all, 4 places

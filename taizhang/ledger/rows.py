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

"""The typed policy: what a parsed document says, each item with its source span.

Spans are half-open character offsets ``[start, end)`` into the decoded source text,
so ``source[span.start:span.end]`` is exactly the quoted passage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Role = Literal["lead", "co"]
Comparator = Literal[">=", "<=", "=", ">", "<", "range"]
QuantityKind = Literal["target", "param"]


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def of(self, source: str) -> str:
        return source[self.start : self.end]

    def as_list(self) -> list[int]:
        return [self.start, self.end]


@dataclass(frozen=True, slots=True)
class UnitRef:
    name: str
    role: Role
    span: Span
    canonical: str | None = None


@dataclass(frozen=True, slots=True)
class Quantity:
    quote: str
    value: Decimal | tuple[Decimal, Decimal]
    unit: str
    cmp: Comparator
    kind: QuantityKind
    span: Span
    approx: bool = False


@dataclass(frozen=True, slots=True)
class Deadline:
    quote: str
    span: Span
    date: date | None = None
    relative: str | None = None


@dataclass(frozen=True, slots=True)
class Cadence:
    """A recurring reporting duty (每月25日前报送): not a deadline of the measure."""

    quote: str
    span: Span
    period: Literal["week", "month", "quarter", "half_year", "year"]
    day: int | None = None


@dataclass(frozen=True, slots=True)
class Section:
    no: int
    title: str
    span: Span


@dataclass(frozen=True, slots=True)
class Measure:
    section: int
    no: str
    title: str
    text: str
    span: Span
    units: tuple[UnitRef, ...] = ()
    units_open: bool = False
    quantities: tuple[Quantity, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    cadences: tuple[Cadence, ...] = ()
    leaders: tuple[str, ...] = ()
    truncated: bool = False

    @property
    def lead_units(self) -> tuple[UnitRef, ...]:
        return tuple(u for u in self.units if u.role == "lead")

    @property
    def co_units(self) -> tuple[UnitRef, ...]:
        return tuple(u for u in self.units if u.role == "co")

    @property
    def targets(self) -> tuple[Quantity, ...]:
        return tuple(q for q in self.quantities if q.kind == "target")


@dataclass(frozen=True, slots=True)
class Policy:
    title: str
    source: str
    sections: tuple[Section, ...]
    measures: tuple[Measure, ...]
    issuer: str | None = None
    issued_on: date | None = None
    doc_number: str | None = None
    recipients: tuple[str, ...] = ()
    basis: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def truncated(self) -> bool:
        return bool(self.measures) and self.measures[-1].truncated

"""Pure: a parsed measure → the task the ledger tracks for it (due date, indicators, units).

A task is due when its latest deadline falls. Each target quantity becomes an indicator due by
the deadline written in its own sentence (全年返还…3000万元以上 → 全年), else by the task's date.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from taizhang.policy.directory import Directory, fold
from taizhang.policy.model import Deadline, Measure, Policy, Quantity

_SENTENCE_END = "。；;\n"


@dataclass(frozen=True)
class IndicatorPlan:
    name: str
    target_value: Decimal
    target_low: Decimal | None
    unit: str
    cmp: str
    due_date: date | None
    span: tuple[int, int]


@dataclass(frozen=True)
class AssignmentPlan:
    name_as_written: str
    canonical: str | None
    role: str
    collective: bool


@dataclass(frozen=True)
class TaskPlan:
    title: str
    content: str
    due_date: date | None
    due_note: str | None
    indicators: tuple[IndicatorPlan, ...]
    assignments: tuple[AssignmentPlan, ...]


def measure_key(measure: Measure) -> str:
    return f"{measure.section}.{measure.no}"


def document_key(policy: Policy) -> str:
    """Identity of a document across its versions: its title and issuer."""
    ident = f"{fold(policy.title)}|{fold(policy.issuer or '')}"
    return hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]


def content_hash(policy: Policy) -> str:
    return hashlib.sha256(policy.source.encode("utf-8")).hexdigest()


def plan_task(policy: Policy, measure: Measure, directory: Directory) -> TaskPlan:
    dated = [d for d in measure.deadlines if d.date is not None]
    due = max((d.date for d in dated), default=None)
    relative = [d.relative for d in measure.deadlines if d.relative]
    indicators = tuple(
        _indicator(policy.source, q, measure.deadlines, due) for q in measure.quantities if q.kind == "target"
    )
    assignments = tuple(
        AssignmentPlan(
            name_as_written=u.name,
            canonical=u.canonical,
            role=u.role,
            collective=directory.is_collective(u.name),
        )
        for u in measure.units
    )
    return TaskPlan(
        title=measure.title,
        content=measure.text,
        due_date=due,
        due_note="；".join(relative) or None,
        indicators=indicators,
        assignments=assignments,
    )


def _indicator(source: str, q: Quantity, deadlines: tuple[Deadline, ...], task_due: date | None) -> IndicatorPlan:
    if isinstance(q.value, tuple):
        low, value = Decimal(q.value[0]), Decimal(q.value[1])
    else:
        low, value = None, Decimal(q.value)
    return IndicatorPlan(
        name=_sentence_of(source, q.span.start, q.span.end),
        target_value=value,
        target_low=low,
        unit=q.unit,
        cmp=q.cmp,
        due_date=_deadline_in_sentence(source, q, deadlines) or task_due,
        span=(q.span.start, q.span.end),
    )


def _sentence_bounds(source: str, start: int, end: int) -> tuple[int, int]:
    lo = start
    while lo > 0 and source[lo - 1] not in _SENTENCE_END:
        lo -= 1
    hi = end
    while hi < len(source) and source[hi] not in _SENTENCE_END:
        hi += 1
    return lo, hi


def _sentence_of(source: str, start: int, end: int) -> str:
    """The clause that names the indicator: from the last comma before the quantity to its end."""
    lo = start
    while lo > 0 and source[lo - 1] not in "，,。；;：:\n":
        lo -= 1
    return source[lo:end]


def _deadline_in_sentence(source: str, q: Quantity, deadlines: tuple[Deadline, ...]) -> date | None:
    lo, hi = _sentence_bounds(source, q.span.start, q.span.end)
    inside = [d for d in deadlines if lo <= d.span.start < hi and d.date is not None]
    before = [d for d in inside if d.span.start <= q.span.start]
    chosen = before[-1] if before else (inside[0] if inside else None)
    return chosen.date if chosen else None

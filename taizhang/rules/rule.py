"""A rule as a small declared unit, and the context its vectorised formula runs in.

A rule names its applicant (entity), its inputs, its clause and period, and a formula over whole
columns. The formula states each condition once, for every row at once, with the value shown, the
threshold and the clause — that list is the trace a clerk prints and the answer to "why not".
One code path serves one applicant (a batch of one row) and a million.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path

import numpy as np

from taizhang.rules.citation import Citation, SourceDocument
from taizhang.rules.fields import Field
from taizhang.rules.kinds import Enum, Kind
from taizhang.rules.money import format_yuan, percent_text
from taizhang.rules.parameters import Parameters, ParameterSet

ENTITIES = {"enterprise": "企业", "person": "个人", "department": "部门或地区"}
Display = Callable[[int], str]


@dataclass(frozen=True)
class Output:
    """A value a rule reports besides its amount (an approval level, a deadline, a ratio)."""

    name: str
    label: str
    kind: Kind


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    entity: str
    measure: str  # the measure of the source document, "一"
    clause: str  # the quote the rule rests on
    summary: str  # one Chinese paragraph: who gets what
    fields: tuple[Field, ...]
    formula: Callable[[Evaluation], np.ndarray | None]
    parameters_file: Path
    amount_label: str | None = None  # None: a check with a verdict and no amount
    outputs: tuple[Output, ...] = ()
    start: date | None = None
    end: date | None = None
    period_clause: str | None = None  # the quote that fixes the period, e.g. 2020年12月31日前返还
    key: tuple[str, ...] = ()  # fields identifying one applicant; a repeated key in a batch is an error
    one_of: tuple[tuple[str, ...], ...] = ()  # alternatives: every row completes one of these groups
    required_if: tuple[tuple[str, str], ...] = ()  # (field, flag): the field is required where flag is 是
    example: dict = field(default_factory=dict)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def entity_label(self) -> str:
        return ENTITIES[self.entity]

    @property
    def period_text(self) -> str:
        start = f"{self.start:%Y年%-m月%-d日}" if self.start else ""
        end = f"{self.end:%Y年%-m月%-d日}" if self.end else ""
        if start and end:
            return f"{start}至{end}"
        return f"{start}起" if start else f"至{end}" if end else "长期"


@dataclass(frozen=True)
class BoundRule:
    """A rule with its source document and dated parameters loaded."""

    rule: Rule
    document: SourceDocument
    parameters: Parameters

    @property
    def citation(self) -> Citation:
        return self.document.cite(self.rule.measure, self.rule.clause)

    def cite(self, clause: str | tuple[str, str]) -> Citation:
        measure, quote = clause if isinstance(clause, tuple) else (self.rule.measure, clause)
        return self.document.cite(measure, quote)


@dataclass
class Condition:
    key: str
    label: str
    passed: np.ndarray
    value: Display
    threshold: Display
    citation: Citation | None
    uses: tuple[str, ...]
    applies: np.ndarray | None = None  # rows where the condition matters; elsewhere it is 不适用
    known: np.ndarray | None = None  # rows whose inputs were given (a profile may be partial)


@dataclass
class Step:
    key: str
    label: str
    value: Display
    detail: Display | None
    citation: Citation | None
    uses: tuple[str, ...]


class Evaluation:
    """What a formula sees: input columns, the parameters in force, and where it records its trace."""

    def __init__(self, bound: BoundRule, columns: dict, present: dict[str, np.ndarray], on: date, size: int,
                 partial: bool = False):
        self.bound = bound
        self.partial = partial  # a profile: conditions on inputs it lacks are open, not failed
        self.rule = bound.rule
        self.columns = columns
        self._present = present
        self.on = on
        self.today = np.datetime64(on, "D")
        self.size = size
        self.p: ParameterSet = bound.parameters.at(on)
        self.conditions: list[Condition] = []
        self.steps: list[Step] = []
        self.outputs: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str):
        return self.columns[name]

    def present(self, name: str) -> np.ndarray:
        return self._present[name]

    def is_in(self, name: str, codes) -> np.ndarray:
        kind = self.rule.field(name).kind
        assert isinstance(kind, Enum)
        chosen = np.zeros(len(kind.choices), dtype=bool)
        chosen[[kind.index(code) for code in codes]] = True
        return chosen[self.columns[name]]

    def shown(self, name: str) -> Display:
        """An input as people read it (money in 元, a choice by its Chinese label)."""
        kind, values, present = self.rule.field(name).kind, self.columns[name], self._present[name]
        return lambda i: kind.format(values[i]) if present[i] else "（未填写）"

    def _citation(self, param: str | None, clause) -> Citation | None:
        if param is not None:
            return self.p.cite(param)
        return self.bound.cite(clause) if clause else None

    def require(self, key: str, label: str, passed: np.ndarray, *, uses: tuple[str, ...],
                value: Display | None = None, threshold: Display | str = "", param: str | None = None,
                clause=None, applies: np.ndarray | None = None, known: np.ndarray | None = None) -> np.ndarray:
        """A condition every eligible row meets. ``param`` cites the threshold's dated value in force,
        ``clause`` a quote of the rule's measure (or ``(measure, quote)``). Returns ``passed``."""
        if not self.partial:
            known = None
        elif known is None:
            known = np.ones(self.size, dtype=bool)
            for name in uses:
                known &= self._present[name]
        self.conditions.append(Condition(
            key=key, label=label, passed=np.asarray(passed, dtype=bool),
            value=value or (self.shown(uses[0]) if uses else fixed("")), threshold=as_display(threshold),
            citation=self._citation(param, clause), uses=uses, applies=applies, known=known))
        return passed

    def explain(self, key: str, label: str, value: Display, *, detail: Display | str | None = None,
                uses: tuple[str, ...] = (), param: str | None = None, clause=None) -> None:
        """A step of the computation shown in the trace (the amount and how it was reached)."""
        self.steps.append(Step(key=key, label=label, value=value,
                               detail=as_display(detail) if detail is not None else None,
                               citation=self._citation(param, clause), uses=uses))

    def output(self, name: str, values: np.ndarray) -> None:
        self.outputs[name] = values


# ---------------------------------------------------------------- displays: how a value reads in a trace


def as_display(value: Display | str) -> Display:
    return value if callable(value) else fixed(value)


def fixed(text: str) -> Display:
    return lambda i: text


def money(values: np.ndarray) -> Display:
    return lambda i: format_yuan(values[i])


def months(values: np.ndarray) -> Display:
    return lambda i: f"{int(values[i])}个月"


def day(values: np.ndarray) -> Display:
    return lambda i: f"{values[i].astype(date):%Y年%-m月%-d日}"


def ratio(numerators: np.ndarray, denominators: np.ndarray, places: int = 2) -> Display:
    """A ratio of two integer columns as a percentage; a zero denominator reads 无法计算."""
    def show(i: int) -> str:
        if denominators[i] == 0:
            return "无法计算（分母为0）"
        return percent_text(Fraction(int(numerators[i]), int(denominators[i])), places=places)
    return show


def compare(numerators: np.ndarray, denominators: np.ndarray, op: str, threshold: Fraction) -> np.ndarray:
    """``numerator / denominator  op  threshold`` exactly, by cross-multiplying integers."""
    left = numerators.astype(np.int64) * threshold.denominator
    right = denominators.astype(np.int64) * threshold.numerator
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]

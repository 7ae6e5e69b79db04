"""Applicants given as records (JSON objects, form fields): one at the window, a few thousand through the
API, a partial profile for matching. Records become a column table and go through ``evaluate_table``
like a file does — one code path."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

from taizhang.errors import ValidationFailed
from taizhang.rules.book import RuleBook
from taizhang.rules.evaluate import RowError, evaluate_table
from taizhang.rules.fields import header_key
from taizhang.rules.files import cell_text
from taizhang.rules.keys import KeyIndex
from taizhang.rules.money import fen_to_yuan
from taizhang.rules.rule import BoundRule
from taizhang.rules.trace import Result, errors_text, result_for

UNSHOWN = "（不显示）"


class InvalidInputs(ValidationFailed):
    code = "rule_inputs_invalid"


def table_from_records(bound: BoundRule, records: list[dict], *, strict: bool = True) -> pa.Table:
    """Records keyed by English names or Chinese headers → a table of text columns (kinds read text
    exactly as they read a CSV cell). ``strict`` refuses keys that are not inputs of the rule."""
    known = {header_key(alias): f.name for f in bound.rule.fields for alias in f.headers}
    columns: dict[str, list] = {}
    unknown: set[str] = set()
    for position, record in enumerate(records):
        for key, value in record.items():
            name = known.get(header_key(key))
            if name is None:
                unknown.add(str(key))
                continue
            columns.setdefault(name, [None] * len(records))[position] = cell_text(value)
    if strict and unknown:
        allowed = "、".join(f.name for f in bound.rule.fields)
        raise InvalidInputs(f"规则“{bound.rule.label}”没有这些输入：{'、'.join(sorted(unknown))}（可用：{allowed}）。",
                            details=[{"field": k, "reason": "未知字段"} for k in sorted(unknown)])
    arrays = {name: pa.array(values, pa.string())
              for name, values in columns.items()}
    return pa.table(arrays) if arrays else pa.table({"_": pa.nulls(len(records))})


def evaluate_one(bound: BoundRule, inputs: dict, *, on: date) -> Result:
    """The window: one applicant, the full trace; inputs with errors are refused with every reason."""
    outcome = evaluate_table(bound, table_from_records(bound, [inputs]), on=on)
    if outcome.errors:
        raise InvalidInputs(f"输入有误：{errors_text(outcome.errors)}。",
                            details=[e.to_json() for e in outcome.errors])
    return result_for(bound, outcome, 0)


@dataclass
class RowsResult:
    results: list[dict]  # computed rows: row, eligible, amount, why_not, outputs
    errors: list[RowError]
    summary: dict = field(default_factory=dict)


def evaluate_records(bound: BoundRule, records: list[dict], *, on: date) -> RowsResult:
    """A small batch as records: each row computed or reported in the error list."""
    outcome = evaluate_table(bound, table_from_records(bound, records, strict=False), on=on, keys=KeyIndex())
    unknown = sorted({str(k) for r in records for k in r} - _accepted(bound))
    errors = list(outcome.errors)
    for position, record in enumerate(records, start=1):  # an unknown field's value is not echoed: it may be personal
        errors += [RowError(position, str(k), str(k), UNSHOWN, "不是该规则的输入字段")
                   for k in record if str(k) in unknown]
    results = []
    for index, row in enumerate(outcome.computed_rows):
        result = result_for(bound, outcome, index)
        results.append({"row": int(row), "eligible": result.eligible,
                        "amount": str(fen_to_yuan(result.amount)) if result.amount is not None else None,
                        "outputs": {n: v for n, (_, _, v) in result.outputs.items()}, "why_not": result.why_not})
    total = sum(int(a) for a in outcome.amount) if outcome.amount is not None else None
    summary = {"rows": len(records), "computed": len(results), "eligible": int(outcome.eligible.sum()),
               "errors": len({e.row for e in errors}),
               "total_amount": str(fen_to_yuan(total)) if total is not None else None}
    return RowsResult(results=results, errors=sorted(errors, key=lambda e: e.row), summary=summary)


def _accepted(bound: BoundRule) -> set[str]:
    return {alias for f in bound.rule.fields for alias in f.headers} | {
        k for f in bound.rule.fields for k in f.headers}


@dataclass
class Match:
    rule: str
    label: str
    status: str  # eligible | possible | ineligible | invalid
    result: Result | None
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        body = {"rule": self.rule, "label": self.label, "status": self.status, "problems": self.problems}
        if self.result is not None:
            json = self.result.to_json()
            body.update(amount=json["amount"], why_not=json["why_not"], missing=self.result.missing,
                        citation=json["citation"])
        return body


STATUS_ORDER = {"eligible": 0, "possible": 1, "ineligible": 2, "invalid": 3}


def match_profile(book: RuleBook, profile: dict, *, on: date) -> list[Match]:
    """政策匹配: every rule that the profile speaks to, judged on what it says. A rule is skipped when the
    profile gives none of its substantive inputs; inputs it lacks leave conditions open (possible)."""
    matches = []
    given = {header_key(k) for k in profile}
    for bound in book:
        substantive = [f for f in bound.rule.fields if f.is_substantive]
        if not any(header_key(alias) in given for f in substantive for alias in f.headers):
            continue
        table = table_from_records(bound, [profile], strict=False)
        outcome = evaluate_table(bound, table, on=on, partial=True)
        if outcome.errors:
            matches.append(Match(bound.rule.name, bound.rule.label, "invalid", None,
                                 [f"{e.label}“{e.value}”{e.reason}" for e in outcome.errors]))
            continue
        result = result_for(bound, outcome, 0)
        status = {True: "eligible", None: "possible", False: "ineligible"}[result.eligible]
        matches.append(Match(bound.rule.name, bound.rule.label, status, result))
    return sorted(matches, key=lambda m: STATUS_ORDER[m.status])

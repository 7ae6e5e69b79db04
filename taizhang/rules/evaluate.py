"""Evaluating a rule over a table of applicants: convert and validate columns, run the formula once
over the valid rows, and report every other row in an error list — never drop a row, never stop.

``evaluate_table`` is the one path: a single applicant at the window is a table of one row
(``taizhang.rules.single``), a file of a million rows is a stream of tables (``taizhang.rules.batch``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa

from taizhang.rules.fields import Field, map_headers
from taizhang.rules.keys import KeyIndex
from taizhang.rules.kinds import MISSING_TEXT, Converted
from taizhang.rules.rule import BoundRule, Evaluation, fixed

REQUIRED = "必填项未填写"


@dataclass(frozen=True)
class RowError:
    row: int  # the record's number in the input, the first record being 1 (a header is not a record)
    field: str
    label: str
    value: str  # as written, masked when the field holds personal data (an error list is shown to many)
    reason: str

    def to_json(self) -> dict:
        return {"row": self.row, "field": self.field, "label": self.label, "value": self.value,
                "reason": self.reason}

    @property
    def text(self) -> str:
        return f"第{self.row}条：{self.label}“{self.value}”{self.reason}"


@dataclass
class Outcome:
    """A table's results. Arrays over *computed* rows are aligned with ``rows[valid]``."""

    rows: np.ndarray  # record numbers of every input row
    valid: np.ndarray  # input rows that were computed
    evaluation: Evaluation
    eligible: np.ndarray
    amount: np.ndarray | None  # 分, 0 where not eligible; None for a check without amount
    errors: list[RowError] = field(default_factory=list)
    identity: dict[str, pa.Array] = field(default_factory=dict)  # identity inputs of computed rows

    @property
    def computed_rows(self) -> np.ndarray:
        return self.rows[self.valid]

    def failed_mask(self) -> np.ndarray:
        """Bit i set where condition i failed (conditions in trace order), one integer per row."""
        bits = np.zeros(len(self.eligible), dtype=np.uint64)
        for index, condition in enumerate(self.evaluation.conditions):
            failed = ~condition.passed if condition.applies is None else ~condition.passed & condition.applies
            bits |= failed.astype(np.uint64) << np.uint64(index)
        return bits


def evaluate_table(bound: BoundRule, table: pa.Table, *, on: date, first_row: int = 1,
                   keys: KeyIndex | None = None, partial: bool = False) -> Outcome:
    """Every row of ``table`` computed or reported. ``partial`` (a profile for matching) lets inputs be
    missing: conditions on them are then unknown instead of the row being an error."""
    rule = bound.rule
    size = table.num_rows
    rows = np.arange(first_row, first_row + size, dtype=np.int64)
    mapping = map_headers(rule.fields, table.column_names)
    columns, present, errors, bad = {}, {}, [], np.zeros(size, dtype=bool)
    for f in rule.fields:
        converted = _convert(f, table, mapping, on, size)
        if not partial and f.required:
            converted.problems.insert(0, (converted.missing, REQUIRED))
        for mask, reason in converted.problems:
            if mask.any():
                bad |= mask
                errors += _errors(table, mapping.get(f.name), f, rows, mask, reason)
        columns[f.name], present[f.name] = converted.values, ~converted.missing
    if not partial:
        bad |= _check_groups(bound, table, rows, columns, present, errors)
    if keys is not None and rule.key:
        bad |= _check_keys(bound, keys, rows, columns, bad, errors)
    valid = ~bad
    if not valid.all():
        index = np.flatnonzero(valid)
        columns = {name: _take(values, index) for name, values in columns.items()}
        present = {name: mask[index] for name, mask in present.items()}
    evaluation = Evaluation(bound, columns, present, on, int(valid.sum()), partial=partial)
    _check_period(evaluation)
    amount = rule.formula(evaluation)
    eligible = np.ones(evaluation.size, dtype=bool)
    for condition in evaluation.conditions:
        passed = condition.passed if condition.applies is None else condition.passed | ~condition.applies
        eligible &= passed
    if amount is not None:
        amount = np.where(eligible, amount, 0).astype(np.int64)
    identity = {f.name: columns[f.name] for f in rule.fields if f.identity}
    errors.sort(key=lambda e: e.row)
    return Outcome(rows=rows, valid=valid, evaluation=evaluation, eligible=eligible, amount=amount,
                   errors=errors, identity=identity)


def _convert(f: Field, table: pa.Table, mapping: dict[str, str], on: date, size: int) -> Converted:
    if f.name in mapping:
        column = table.column(mapping[f.name]).combine_chunks()
        converted = f.kind.convert(column, on)
    else:
        converted = Converted(f.kind.placeholder(size), np.ones(size, dtype=bool))
    if f.default is not None and converted.missing.any():
        default = f.kind.convert(pa.array([f.default]), on)
        values = converted.values
        if isinstance(values, pa.Array):
            values = pa.array(np.where(converted.missing, f.default, values.to_numpy(zero_copy_only=False)))
        else:
            values = np.where(converted.missing, default.values[0], values)
        converted = Converted(values, np.zeros(size, dtype=bool), converted.problems)
    return converted


def _errors(table, header, f: Field, rows, mask, reason) -> list[RowError]:
    index = np.flatnonzero(mask)
    raw = table.column(header).take(pa.array(index)).to_pylist() if header else [None] * len(index)
    return [RowError(row=int(rows[i]), field=f.name, label=f.label, value=_shown(f, value), reason=reason)
            for i, value in zip(index, raw, strict=True)]


def _shown(f: Field, value) -> str:
    """A cell as an error list shows it: 未填写, or the text written (masked if personal)."""
    if value is None or str(value).strip() == "":
        return MISSING_TEXT
    return f.kind.mask(str(value))


def _check_groups(bound, table, rows, columns, present, errors) -> np.ndarray:
    """``one_of``: a complete group of alternatives on every row; ``required_if``: a field whose flag is 是."""
    rule = bound.rule
    bad = np.zeros(table.num_rows, dtype=bool)
    if rule.one_of:
        groups = rule.one_of
        complete = np.zeros(table.num_rows, dtype=bool)
        for group in groups:
            complete |= np.logical_and.reduce([present[name] for name in group])
        if not complete.all():
            wording = "，或同时填写".join("、".join(rule.field(n).label for n in group) for group in groups)
            f = rule.field(groups[0][0])
            bad |= ~complete
            errors += _errors(table, None, f, rows, ~complete, f"缺少数据：请填写{wording}")
    for name, flag in rule.required_if:
        f = rule.field(name)
        missing = ~present[name] & present[flag] & np.asarray(columns[flag], dtype=bool)
        if missing.any():
            bad |= missing
            errors += _errors(table, None, f, rows, missing, f"{rule.field(flag).label}为“是”时必须填写")
    return bad


def _check_keys(bound, keys: KeyIndex, rows, columns, bad, errors) -> np.ndarray:
    rule = bound.rule
    candidates = np.flatnonzero(~bad)
    key_columns = [columns[name] for name in rule.key]
    repeated, first = keys.add(rows[candidates], [column.take(pa.array(candidates)) if isinstance(column, pa.Array)
                                                  else column[candidates] for column in key_columns])
    duplicate = np.zeros(len(rows), dtype=bool)
    duplicate[candidates[repeated]] = True
    label = "、".join(rule.field(n).label for n in rule.key)
    key_fields = [rule.field(name) for name in rule.key]
    for position, earlier in zip(candidates[repeated], first, strict=True):
        value = "、".join(_shown(f, _value_at(column, position)) for f, column in zip(key_fields, key_columns,
                                                                                     strict=True))
        errors.append(RowError(row=int(rows[position]), field=rule.key[0], label=label, value=value,
                               reason=f"与第{int(earlier)}条重复（同一申请对象只计算一次）"))
    return duplicate


def _value_at(column, position: int):
    return column[position].as_py() if isinstance(column, pa.Array) else column[position]


def _take(values, index: np.ndarray):
    return values.take(pa.array(index)) if isinstance(values, pa.Array) else values[index]


def _check_period(evaluation: Evaluation) -> None:
    rule = evaluation.rule
    if rule.start is None and rule.end is None:
        return
    on = evaluation.on
    inside = (rule.start is None or rule.start <= on) and (rule.end is None or on <= rule.end)
    evaluation.require("period", "政策期限", np.full(evaluation.size, inside), uses=(),
                       value=fixed(f"评估日期{on:%Y年%-m月%-d日}"), threshold=f"政策执行期{rule.period_text}",
                       clause=rule.period_clause)

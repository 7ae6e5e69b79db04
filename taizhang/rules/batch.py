"""A whole file of applicants: streamed in chunks through ``evaluate_table``, results and errors written
as they come, a summary of counts and totals at the end. No row is dropped: each input row is either
in the results file or in the errors file, with its record number."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from taizhang.errors import ValidationFailed
from taizhang.rules.evaluate import Outcome, RowError, evaluate_table
from taizhang.rules.fields import map_headers, missing_required_columns
from taizhang.rules.files import TableWriter, count_rows, money_array, read_chunks
from taizhang.rules.keys import KeyIndex
from taizhang.rules.kinds import Day, Enum, Money
from taizhang.rules.money import fen_to_yuan
from taizhang.rules.rule import BoundRule

ROW_HEADER = "序号"
ERROR_SCHEMA = pa.schema([("序号", pa.int64()), ("字段", pa.string()), ("列名", pa.string()), ("填写的值", pa.string()),
                          ("原因", pa.string())])


@dataclass
class BatchSummary:
    rule: str
    label: str
    on: date
    rows: int = 0
    computed: int = 0
    eligible: int = 0
    error_rows: int = 0
    total_amount: int | None = None  # 分
    failed: Counter = field(default_factory=Counter)  # condition label → rows failing it
    seconds: float = 0.0
    output: Path | None = None
    errors_path: Path | None = None

    @property
    def ineligible(self) -> int:
        return self.computed - self.eligible

    def to_json(self) -> dict:
        return {"rule": self.rule, "label": self.label, "date": self.on.isoformat(), "rows": self.rows,
                "computed": self.computed, "eligible": self.eligible, "ineligible": self.ineligible,
                "error_rows": self.error_rows,
                "total_amount": str(fen_to_yuan(self.total_amount)) if self.total_amount is not None else None,
                "failed": dict(self.failed), "seconds": round(self.seconds, 3),
                "output": str(self.output) if self.output else None,
                "errors": str(self.errors_path) if self.errors_path else None}

    def add(self, outcome: Outcome) -> None:
        self.rows += len(outcome.rows)
        self.computed += int(outcome.valid.sum())
        self.eligible += int(outcome.eligible.sum())
        self.error_rows += len({e.row for e in outcome.errors})
        if outcome.amount is not None:
            self.total_amount = (self.total_amount or 0) + int(outcome.amount.sum())
        bits = outcome.failed_mask()
        for index, condition in enumerate(outcome.evaluation.conditions):
            count = int(((bits >> np.uint64(index)) & np.uint64(1)).sum())
            if count:
                self.failed[condition.label] += count


def why_not_column(outcome: Outcome) -> pa.Array:
    """不符合的条件 per row, built once per distinct combination of failed conditions."""
    bits = outcome.failed_mask()
    labels = [c.label for c in outcome.evaluation.conditions]
    distinct, inverse = np.unique(bits, return_inverse=True)
    words = ["、".join(label for i, label in enumerate(labels) if int(value) >> i & 1) for value in distinct]
    return pc.take(pa.array(words or [""], pa.string()), pa.array(inverse.astype(np.int32)))


def _safe_text(column: pa.Array) -> pa.Array:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (as exports/safe.py does)."""
    risky = pc.match_substring_regex(column, r"^[=+\-@\t\r\n]")
    return pc.if_else(pc.fill_null(risky, False), pc.binary_join_element_wise("'", column, ""), column)


def results_table(bound: BoundRule, outcome: Outcome) -> pa.Table:
    rule, evaluation = bound.rule, outcome.evaluation
    columns: dict[str, pa.Array] = {ROW_HEADER: pa.array(outcome.computed_rows)}
    for f in rule.fields:
        if f.identity:  # personal data masked: the results file goes round offices; 序号 finds the row
            columns[f.label] = _safe_text(f.kind.mask_column(pc.cast(outcome.identity[f.name], pa.string())))
    columns["是否符合"] = pc.take(pa.array(["否", "是"]), pa.array(outcome.eligible.astype(np.int8)))
    if outcome.amount is not None:
        columns[f"{rule.amount_label}（元）"] = money_array(outcome.amount)
    for output in rule.outputs:
        columns[output.label] = _output_column(output.kind, evaluation.outputs[output.name])
    columns["不符合的条件"] = why_not_column(outcome)
    return pa.table(columns)


def _output_column(kind, values: np.ndarray) -> pa.Array:
    if isinstance(kind, Money):
        return money_array(values)
    if isinstance(kind, Enum):
        return pc.take(pa.array([c.label for c in kind.choices]), pa.array(values.astype(np.int32)))
    if isinstance(kind, Day):
        return pa.array(values.astype("datetime64[D]"))
    return pa.array([kind.format(v) for v in values], pa.string())


def errors_table(errors: list[RowError]) -> pa.Table:
    return pa.table({"序号": pa.array([e.row for e in errors], pa.int64()),
                     "字段": pa.array([e.field for e in errors], pa.string()),
                     "列名": pa.array([e.label for e in errors], pa.string()),
                     "填写的值": _safe_text(pa.array([e.value for e in errors], pa.string())),
                     "原因": pa.array([e.reason for e in errors], pa.string())}, schema=ERROR_SCHEMA)


def check_columns(bound: BoundRule, table: pa.Table) -> None:
    """A file without a required column is refused before any row is read further."""
    mapping = map_headers(bound.rule.fields, table.column_names)
    absent = missing_required_columns(bound.rule.fields, mapping)
    if absent:
        names = "、".join(f"{f.label}（{f.name}）" for f in absent)
        raise ValidationFailed(f"文件缺少必需的列：{names}。taizhang rules show {bound.rule.name} 可查看输入说明。")


def evaluate_file(bound: BoundRule, source: Path, *, on: date, output: Path | None = None,
                  errors: Path | None = None, chunk_rows: int = 200_000,
                  progress: Callable[[int, int | None], None] | None = None,
                  on_chunk: Callable[[Outcome], None] | None = None) -> BatchSummary:
    """Evaluate every row of ``source``; write results to ``output`` and problems to ``errors``.
    ``progress(rows_done, total)`` after each chunk; ``on_chunk`` sees each chunk's outcome."""
    started = time.perf_counter()
    summary = BatchSummary(rule=bound.rule.name, label=bound.rule.label, on=on, output=output, errors_path=errors)
    total = count_rows(source)
    keys = KeyIndex()
    results_writer = TableWriter(output) if output else None
    errors_writer = TableWriter(errors) if errors else None
    first_row, schema = 1, None
    try:
        for chunk in read_chunks(source, chunk_rows):
            if first_row == 1:
                check_columns(bound, chunk)
            outcome = evaluate_table(bound, chunk, on=on, first_row=first_row, keys=keys)
            first_row += chunk.num_rows
            summary.add(outcome)
            if results_writer:
                table = results_table(bound, outcome)
                schema = table.schema
                results_writer.write(table)
            if errors_writer and outcome.errors:
                errors_writer.write(errors_table(outcome.errors))
            if on_chunk:
                on_chunk(outcome)
            if progress:
                progress(summary.rows, total)
    finally:
        if results_writer:
            results_writer.close(schema)
        if errors_writer:
            errors_writer.close(ERROR_SCHEMA)
    if first_row == 1:
        raise ValidationFailed(f"文件“{source.name}”中没有数据行。")
    summary.seconds = time.perf_counter() - started
    return summary

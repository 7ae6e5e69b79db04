"""One applicant's result: every condition with its value, threshold, verdict and clause, the steps of
the computation, the failed conditions named in Chinese, and the printout a clerk hands over."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from taizhang.rules.citation import Citation
from taizhang.rules.evaluate import Outcome, RowError
from taizhang.rules.money import fen_to_yuan, format_yuan
from taizhang.rules.rule import BoundRule

PASSED, FAILED, NOT_APPLICABLE, UNKNOWN = "符合", "不符合", "不适用", "待补充"
MARKS = {PASSED: "✓", FAILED: "✗", NOT_APPLICABLE: "—", UNKNOWN: "?"}


@dataclass(frozen=True)
class TraceLine:
    kind: str  # condition | step
    key: str
    label: str
    value: str
    threshold: str
    status: str  # 符合 / 不符合 / 不适用 / 待补充 for conditions; "" for steps
    citation: Citation | None

    @property
    def passed(self) -> bool | None:
        return {PASSED: True, FAILED: False}.get(self.status)

    def to_json(self) -> dict:
        return {"kind": self.kind, "key": self.key, "label": self.label, "value": self.value,
                "threshold": self.threshold, "passed": self.passed, "status": self.status,
                "clause": self.citation.to_json() if self.citation else None}

    @property
    def reason(self) -> str:
        """Why this condition fails, in words a clerk can read out."""
        return f"{self.label}为{self.value}，不符合“{self.threshold}”"


@dataclass
class Result:
    rule: str
    label: str
    on: date
    eligible: bool | None  # None: a partial profile whose missing inputs decide
    amount: int | None  # 分
    amount_label: str | None
    trace: list[TraceLine]
    citation: Citation
    applicant: str = ""  # who the result is for, personal data masked (it is printed and shown)
    outputs: dict[str, tuple[str, str, object]] = field(default_factory=dict)  # name → (label, text, JSON)
    parameters_since: date | None = None
    missing: list[str] = field(default_factory=list)  # labels of inputs a partial profile lacks

    @property
    def why_not(self) -> list[str]:
        return [line.reason for line in self.trace if line.status == FAILED]

    def to_json(self) -> dict:
        return {
            "rule": self.rule, "label": self.label, "date": self.on.isoformat(), "eligible": self.eligible,
            "amount": str(fen_to_yuan(self.amount)) if self.amount is not None else None,
            "amount_label": self.amount_label,
            "outputs": {name: value for name, (_, _, value) in self.outputs.items()},
            "why_not": self.why_not, "trace": [line.to_json() for line in self.trace],
            "citation": self.citation.to_json(),
        }

    @property
    def verdict(self) -> str:
        if self.eligible is None:
            return "可能符合，需补充：" + "、".join(self.missing)
        if not self.eligible:
            return "不符合要求" if self.amount_label is None else "不符合条件"
        if self.amount is not None and self.amount_label:
            return f"符合条件，{self.amount_label} {format_yuan(self.amount)}"
        return "符合要求" if self.amount_label is None else "符合条件"


def result_for(bound: BoundRule, outcome: Outcome, index: int) -> Result:
    """The result of the ``index``-th computed row of ``outcome``."""
    rule, evaluation = bound.rule, outcome.evaluation
    lines = [_condition_line(c, index) for c in evaluation.conditions]
    lines += [TraceLine("step", s.key, s.label, s.value(index), s.detail(index) if s.detail else "", "", s.citation)
              for s in evaluation.steps]
    statuses = {line.status for line in lines if line.kind == "condition"}
    missing = _missing_inputs(rule, evaluation, index)
    eligible = False if FAILED in statuses else None if UNKNOWN in statuses or missing else True
    amount = None if outcome.amount is None or eligible is None else int(outcome.amount[index])
    outputs = {}
    for output in rule.outputs:
        if output.name in evaluation.outputs and eligible is not None:
            value = evaluation.outputs[output.name][index]
            outputs[output.name] = (output.label, output.kind.format(value), output.kind.to_json(value))
    applicant = "，".join(f"{f.label}：{f.kind.mask(_identity_text(outcome.identity[f.name], index))}"
                         for f in rule.fields if f.identity and evaluation.present(f.name)[index])
    since = max((v.since for v in evaluation.p.values.values()), default=None)
    return Result(rule=rule.name, label=rule.label, on=evaluation.on, eligible=eligible, amount=amount,
                  amount_label=rule.amount_label, trace=lines, citation=bound.citation, applicant=applicant,
                  outputs=outputs, parameters_since=since, missing=missing if eligible is None else [])


def _missing_inputs(rule, evaluation, index: int) -> list[str]:
    """Labels of inputs a partial profile lacks: required ones, and those of conditions left open."""
    absent = {f.name for f in rule.fields if not evaluation.present(f.name)[index]}
    names = [f.name for f in rule.fields if f.is_substantive and f.required and f.name in absent]
    for condition in evaluation.conditions:
        applies = condition.applies is None or condition.applies[index]
        if applies and condition.known is not None and not condition.known[index]:
            names += [name for name in condition.uses if name in absent and name not in names]
    return [rule.field(name).label for name in names]


def _identity_text(values, index: int) -> str:
    value = values[index]
    return str(value.as_py() if hasattr(value, "as_py") else value)


def _condition_line(condition, index: int) -> TraceLine:
    if condition.applies is not None and not condition.applies[index]:
        status = NOT_APPLICABLE
    elif condition.known is not None and not condition.known[index]:
        status = UNKNOWN
    else:
        status = PASSED if condition.passed[index] else FAILED
    value = {UNKNOWN: "（未提供）", NOT_APPLICABLE: ""}.get(status) or condition.value(index)
    return TraceLine("condition", condition.key, condition.label, value, condition.threshold(index), status,
                     condition.citation)


def _clause_text(citation: Citation | None, document: str) -> str:
    return f"依据：{citation.short(document)}" if citation else ""


def explanation(result: Result) -> str:
    """The printout for the applicant: verdict, each condition with its clause, the computation."""
    document = result.citation.document
    out = [f"政策兑现测算单：{result.label}（{result.rule}）",
           f"依据文件：《{document}》{result.citation.measure or ''}",
           f"原文：“{result.citation.quote}”",
           f"评估日期：{result.on:%Y年%-m月%-d日}" + (f"（适用{result.parameters_since:%Y年%-m月%-d日}起的参数）"
                                                 if result.parameters_since else "")]
    if result.applicant:
        out.append(f"申请对象：{result.applicant}")
    out += ["", f"结论：{result.verdict}"]
    for reason in result.why_not:
        out.append(f"  原因：{reason}")
    for label, text, _ in result.outputs.values():
        out.append(f"  {label}：{text}")
    out += ["", "逐项核对："]
    number = 0
    for line in result.trace:
        if line.kind != "condition":
            continue
        number += 1
        if line.status == NOT_APPLICABLE:
            out.append(f"  {number}. [{MARKS[line.status]}{line.status}] {line.label}")
            continue
        out.append(f"  {number}. [{MARKS[line.status]}{line.status}] {line.label}：{line.value}"
                   + (f"（要求：{line.threshold}）" if line.threshold else ""))
        clause = _clause_text(line.citation, document)
        if clause:
            out.append(f"       {clause}")
    steps = [line for line in result.trace if line.kind == "step"]
    if steps:
        out += ["", "计算过程：" if result.eligible is not False else "计算过程（不符合条件，不予兑现，仅供参考）："]
        for line in steps:
            out.append(f"  · {line.label}：{line.value}" + (f"（{line.threshold}）" if line.threshold else ""))
            clause = _clause_text(line.citation, document)
            if clause:
                out.append(f"       {clause}")
    return "\n".join(out)


def errors_text(errors: list[RowError]) -> str:
    return "；".join(f"{e.label}“{e.value}”{e.reason}" for e in errors)

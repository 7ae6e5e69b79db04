"""Rules described for people: the input contract, the conditions, the parameters with their clauses —
what ``taizhang rules show`` prints and ``docs/rules.md`` repeats. Also the batch summary's lines."""

from __future__ import annotations

import json
from datetime import date

from taizhang.rules.batch import BatchSummary
from taizhang.rules.money import format_yuan
from taizhang.rules.rule import BoundRule
from taizhang.rules.single import evaluate_one


def input_rows(bound: BoundRule) -> list[tuple[str, str, str, str, str]]:
    """(name, Chinese header and aliases, kind, requirement, help) per input."""
    rows = []
    for f in bound.rule.fields:
        headers = f.label + (f"（也可写：{'、'.join(f.aliases)}）" if f.aliases else "")
        rows.append((f.name, headers, f.kind_text, f.requirement_text, f.help))
    for name, flag in bound.rule.required_if:
        rows = [(n, h, k, f"{r}；{bound.rule.field(flag).label}为“是”时必填" if n == name else r, x)
                for n, h, k, r, x in rows]
    return rows


def condition_rows(bound: BoundRule, on: date) -> list[tuple[str, str]]:
    """(condition or step label, clause text) as the rule's example shows them."""
    result = evaluate_one(bound, bound.rule.example, on=on)
    return [(("条件：" if line.kind == "condition" else "计算：") + line.label,
             line.citation.short(bound.document.title) if line.citation else "") for line in result.trace]


def describe_rule(bound: BoundRule, *, on: date) -> str:
    rule = bound.rule
    lines = [f"{rule.label}（{rule.name}）", f"对象：{rule.entity_label}    执行期：{rule.period_text}    "
             f"结果：{rule.amount_label or '是否符合要求'}" + ("、" + "、".join(o.label for o in rule.outputs)
                                                          if rule.outputs else ""),
             f"依据：{bound.citation.text}", f"说明：{rule.summary}", "", "输入（英文字段名 / 文件中的中文列名）："]
    for name, headers, kind, requirement, help_text in input_rows(bound):
        lines.append(f"  {name:<24} {headers}；{kind}；{requirement}" + (f"；{help_text}" if help_text else ""))
    if rule.one_of:
        groups = " 或 ".join("、".join(rule.field(n).label for n in group) for group in rule.one_of)
        lines.append(f"  须填写其一：{groups}")
    if rule.key:
        lines.append(f"  同一批次中，{'、'.join(rule.field(n).label for n in rule.key)}相同的行只计算第一行")
    lines += ["", f"条件与计算步骤（{on.isoformat()}）："]
    lines += [f"  {label}    {clause}" for label, clause in condition_rows(bound, on)]
    lines += ["", "参数（生效日期 → 取值，出处）："]
    for values in bound.parameters.history.values():
        for value in values:
            lines.append(f"  {value.label}：{value.period_text} → {value.text}    "
                         f"{value.citation.short(bound.document.title)}")
    lines += ["", "示例：", f"  taizhang rules eval {rule.name} --json '{json.dumps(rule.example, ensure_ascii=False)}'"]
    return "\n".join(lines)


def summary_lines(summary: BatchSummary) -> list[str]:
    lines = [f"{summary.label}（{summary.rule}），评估日期 {summary.on.isoformat()}：",
             f"  共 {summary.rows} 行：计算 {summary.computed} 行（符合 {summary.eligible}，不符合 {summary.ineligible}），"
             f"有误 {summary.error_rows} 行",
             ]
    if summary.total_amount is not None:
        lines.append(f"  合计金额：{format_yuan(summary.total_amount)}")
    for label, count in summary.failed.most_common():
        lines.append(f"  不符合“{label}”：{count} 行")
    if summary.output:
        lines.append(f"  结果：{summary.output}")
    if summary.errors_path:
        lines.append(f"  错误清单：{summary.errors_path}" + ("" if summary.error_rows else "（无错误）"))
    lines.append(f"  用时 {summary.seconds:.2f} 秒，{summary.rows / max(summary.seconds, 1e-9):,.0f} 行/秒")
    return lines

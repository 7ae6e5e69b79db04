"""Pure: a parent task's figure from its sub-tasks (分解任务汇总), and how quantities read in Chinese.

Which units add up:

- Rates are levels, not amounts: units "%", "个百分点" and "ratio", and any compound unit per
  something ("元/人/月", "元/人") — see ``is_rate``. They never add up.
- Everything else is additive: counts and money (元, 个, 人, 户, 套, 家, 项, 件, 千瓦, 亩 …).

Roll-up rules (``ROLLUP_RULES``):

- "auto": sum when additive, else "weighted_mean".
- "sum": the sum of the children that have a figure; a child without an approved figure adds
  nothing (the parent shows what has been achieved and reported so far). Refused for rates.
- "weighted_mean": the mean of the children's figures weighted by each child's target, when every
  child that has a figure also has a positive target; otherwise the simple mean.
- "mean": the simple mean of the children that have a figure.
- "min": the lowest figure (for "each county must reach …" commitments).

Every rule returns None when no child has a figure. Means are rounded to 4 decimal places, the
precision the ledger stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from taizhang.ledger.vocabulary import ROLLUP_RULES

RATE_UNITS = frozenset({"%", "个百分点", "ratio"})
_PLACES = Decimal("0.0001")
_WAN = Decimal(10_000)
_YI = Decimal(100_000_000)


@dataclass(frozen=True)
class ChildActual:
    """One sub-task's latest approved figure and its share of the target (分解目标)."""

    task_id: int
    actual: Decimal | None
    target: Decimal | None = None


def is_rate(unit: str) -> bool:
    """Levels (rates, per-capita amounts) rather than amounts that add up."""
    return unit in RATE_UNITS or "/" in unit or "／" in unit


def is_additive(unit: str) -> bool:
    return not is_rate(unit)


def rollup(children: Sequence[ChildActual], additive: bool, rule: str = "auto") -> Decimal | None:
    """The parent's figure from its children's approved figures, by ``rule`` (see the module doc)."""
    if rule not in ROLLUP_RULES:
        raise ValueError(f"汇总规则“{rule}”无效，可选：{'、'.join(ROLLUP_RULES)}。")
    if rule == "auto":
        rule = "sum" if additive else "weighted_mean"
    if rule == "sum" and not additive:
        raise ValueError(
            "比率类指标（%、个百分点、人均等）不能求和，请改用加权平均（weighted_mean）或简单平均（mean）。"
        )
    reported = [c for c in children if c.actual is not None]
    if not reported:
        return None
    values = [c.actual for c in reported]
    if rule == "sum":
        return sum(values, Decimal(0))
    if rule == "min":
        return min(values)
    if rule == "weighted_mean" and all(c.target is not None and c.target > 0 for c in reported):
        weight = sum((c.target for c in reported), Decimal(0))
        return _round(sum((c.actual * c.target for c in reported), Decimal(0)) / weight)
    return _round(sum(values, Decimal(0)) / len(values))


def subtargets_mismatch(
    parent_target: Decimal, child_targets: Sequence[Decimal | None], additive: bool, unit: str = ""
) -> str | None:
    """A Chinese warning when an additive target's decomposition does not add up to the parent's.

    Rates are not checked: a county's rate target need not equal the city's."""
    if not additive:
        return None
    parent = format_quantity(parent_target, unit)
    unset = sum(1 for t in child_targets if t is None)
    if unset:
        return f"有{unset}项子任务未设分解目标，无法核对是否合计为总目标{parent}"
    total = sum((t for t in child_targets if t is not None), Decimal(0))
    if total == parent_target:
        return None
    relation = "少于" if total < parent_target else "多于"
    return f"分解目标合计{format_quantity(total, unit)}，{relation}总目标{parent}"


# ---------------------------------------------------------------- wording


def format_number(value: Decimal) -> str:
    """Plain digits, no exponent, no trailing zeros: 1900, 0.5, 46000."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_share(share: Decimal) -> str:
    """A share as a percentage to 0.01: Decimal("0.5051") → 50.51%."""
    return f"{format_number((share * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))}%"


def format_quantity(value: Decimal, unit: str) -> str:
    """As the documents write amounts: 3000万元, 1.2万套, 16亿元, 2000人, 5.5%, 0.5个百分点."""
    if unit == "ratio":
        return f"{format_number(value * 100)}%"
    for scale, word in ((_YI, "亿"), (_WAN, "万")):
        scaled = value / scale
        if abs(value) >= scale and scaled == scaled.quantize(Decimal("0.01")) and not is_rate(unit):
            return f"{format_number(scaled)}{word}{unit}"
    return f"{format_number(value)}{unit}"


def _round(value: Decimal) -> Decimal:
    return value.quantize(_PLACES, rounding=ROUND_HALF_UP)

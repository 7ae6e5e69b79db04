"""Dated parameters: every amount, threshold, rate and duration of a rule, each value with its clause.

A later policy is a new dated value in the rule's YAML file, not a code change; the evaluation date
picks the value in force (the start-up loan ceiling is 150,000 元 before 2020-06-18, 200,000 元 from
it). The file format, one entry per parameter::

    refund_share:
      label: 返还比例
      unit: "%"                # 元 → 分; % and 比例 (2/3) → exact fractions; 月/年/日/人 → ints
      values:                  # 比较 → "<" or "<="; no unit → the value as written (text, list)
        - since: 2020-06-18
          value: "100"
          source: {measure: 一, quote: 上年度实际缴纳失业保险费的100%}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from taizhang.errors import ConfigurationError
from taizhang.rules.citation import Citation, SourceDocument, resolve_source
from taizhang.rules.money import as_fraction, format_yuan, fraction_text, yuan_to_fen

COMPARATORS = {"<": "低于", "<=": "不高于", ">": "高于", ">=": "不低于"}
INTEGER_UNITS = {"月": "个月", "年": "年", "日": "日", "人": "人", "个": "个"}


@dataclass(frozen=True)
class ParameterValue:
    name: str
    label: str
    unit: str
    value: Any
    since: date
    until: date | None
    citation: Citation

    @property
    def text(self) -> str:
        """The value as people read it: ``200,000.00元``, ``5.5%``, ``2/3``, ``6个月``, ``不高于``."""
        if self.unit == "元":
            return format_yuan(self.value)
        if self.unit in ("%", "比例"):
            return fraction_text(self.value)
        if self.unit == "比较":
            return COMPARATORS[self.value]
        if self.unit in INTEGER_UNITS:
            return f"{self.value}{INTEGER_UNITS[self.unit]}"
        if isinstance(self.value, list):
            return "、".join(str(v) for v in self.value)
        return str(self.value)

    @property
    def period_text(self) -> str:
        end = f"至{self.until.isoformat()}" if self.until else "起"
        return f"{self.since.isoformat()}{end}"

    def to_json(self) -> dict:
        value = self.value
        if isinstance(value, Fraction):
            value = str(value)
        elif self.unit == "元":
            value = str(Decimal(value).scaleb(-2))
        return {"name": self.name, "label": self.label, "value": value, "text": self.text,
                "since": self.since.isoformat(), "until": self.until.isoformat() if self.until else None,
                "citation": self.citation.to_json()}


def _typed(unit: str, raw: Any, where: str) -> Any:
    if isinstance(raw, float):  # YAML floats: read back through their shortest decimal text
        raw = repr(raw)
    try:
        if unit == "元":
            return yuan_to_fen(str(raw))
        if unit == "%":
            return as_fraction(str(raw)) / 100
        if unit == "比例":
            return as_fraction(str(raw))
        if unit == "比较":
            if raw not in COMPARATORS:
                raise ValueError(f"比较符只能是 {'、'.join(COMPARATORS)}")
            return raw
        if unit in INTEGER_UNITS:
            return int(raw)
    except (ValueError, ZeroDivisionError) as exc:
        raise ConfigurationError(f"{where}的取值“{raw}”不正确：{exc}") from None
    return raw


class Parameters:
    """All dated values of one rule's parameters, loaded from its YAML file."""

    def __init__(self, history: dict[str, list[ParameterValue]]) -> None:
        self.history = history

    @classmethod
    def load(cls, path: Path, document: SourceDocument) -> Parameters:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        history: dict[str, list[ParameterValue]] = {}
        for name, spec in data.items():
            where = f"{path.name} 中参数 {name}"
            entries = sorted(spec.get("values") or [], key=lambda v: v["since"])
            if not entries:
                raise ConfigurationError(f"{where}没有取值。")
            values = []
            for index, entry in enumerate(entries):
                since = entry["since"]
                following = entries[index + 1]["since"] - timedelta(days=1) if index + 1 < len(entries) else None
                until = entry.get("until", following)
                values.append(ParameterValue(
                    name=name, label=str(spec.get("label", name)), unit=str(spec.get("unit", "")),
                    value=_typed(str(spec.get("unit", "")), entry["value"], where), since=since, until=until,
                    citation=resolve_source(entry["source"], document)))
            history[name] = values
        return cls(history)

    def at(self, day: date) -> ParameterSet:
        """The values in force on ``day``; before a parameter's first value, its first value (the rule's
        period check then says the rule is not yet in force)."""
        chosen = {}
        for name, values in self.history.items():
            in_force = [v for v in values if v.since <= day and (v.until is None or day <= v.until)]
            chosen[name] = in_force[-1] if in_force else (values[0] if day < values[0].since else values[-1])
        return ParameterSet(day, chosen)

    def covers(self, day: date) -> list[str]:
        """Names of parameters without a value in force on ``day`` (for tests of rule periods)."""
        return [name for name, values in self.history.items()
                if not any(v.since <= day and (v.until is None or day <= v.until) for v in values)]


class ParameterSet:
    """The values in force on one day: ``p.refund_share`` is the value, ``p["refund_share"]`` the record."""

    def __init__(self, day: date, values: dict[str, ParameterValue]) -> None:
        self.day = day
        self.values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name].value
        except KeyError:
            raise AttributeError(f"规则参数中没有 {name}") from None

    def __getitem__(self, name: str) -> ParameterValue:
        return self.values[name]

    def text(self, name: str) -> str:
        return self.values[name].text

    def cite(self, name: str) -> Citation:
        return self.values[name].citation

"""Clauses: what a rule, a condition or a parameter value rests on — a quote and its span.

A clause is written by a rule as (measure number, quote) and resolved once against the source
document, so the printout carries the exact text and ``[start, end)`` offsets that
``taizhang parse`` reports for the same document. A parameter value from another document (an
earlier policy) carries the document's name and its quote without a span.
"""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.errors import ConfigurationError
from taizhang.policy.model import Policy
from taizhang.policy.numerals import int_to_chinese


@dataclass(frozen=True)
class Citation:
    document: str
    quote: str
    measure: str | None = None  # "（一）"
    span: tuple[int, int] | None = None

    def to_json(self) -> dict:
        return {"document": self.document, "measure": self.measure, "quote": self.quote,
                "span": list(self.span) if self.span else None}

    def short(self, document: str) -> str:
        """Within ``document``: ``（一）“quote”［251, 300）``; another document keeps its name."""
        if self.document != document:
            return f"《{self.document}》“{self.quote}”"
        span = f"［{self.span[0]}, {self.span[1]}）" if self.span else ""
        return f"{self.measure or ''}“{self.quote}”{span}"

    @property
    def text(self) -> str:
        """``《…》（一）：“quote”［251, 300）`` for printouts."""
        where = f"《{self.document}》" + (self.measure or "")
        span = f"［{self.span[0]}, {self.span[1]}）" if self.span else ""
        return f"{where}：“{self.quote}”{span}"


def measure_label(number: str) -> str:
    """``'1'`` or ``'一'`` → ``'（一）'``."""
    chinese = number if not number.isdigit() else int_to_chinese(int(number))
    return f"（{chinese}）"


@dataclass(frozen=True)
class SourceDocument:
    """The text of a policy and where each of its measures lies in it."""

    title: str
    text: str
    measures: dict[str, tuple[int, int]]  # "（一）" → span of the measure

    @classmethod
    def from_policy(cls, policy: Policy, *, title: str | None = None) -> SourceDocument:
        spans = {measure_label(m.no): (m.span.start, m.span.end) for m in policy.measures}
        return cls(title=title or policy.title, text=policy.source, measures=spans)

    def cite(self, measure: str, quote: str) -> Citation:
        """The citation of ``quote`` inside ``measure``; an absent or ambiguous quote is a programming
        error in a rule and is refused loudly (a test resolves every clause)."""
        label = measure_label(measure.strip("（）"))
        if label not in self.measures:
            raise ConfigurationError(f"《{self.title}》中没有第{label}项措施。")
        start, end = self.measures[label]
        found = self.text.find(quote, start, end)
        if found < 0:
            raise ConfigurationError(f"《{self.title}》第{label}项措施中找不到引文“{quote}”。")
        if self.text.find(quote, found + 1, end) >= 0:
            raise ConfigurationError(f"引文“{quote}”在第{label}项措施中出现不止一次，请引用更长的原文。")
        return Citation(document=self.title, quote=quote, measure=label, span=(found, found + len(quote)))


def resolve_source(source: dict, document: SourceDocument) -> Citation:
    """A parameter value's ``source`` from YAML: ``{measure, quote}`` in the source document, or
    ``{document, quote}`` for another document (no span)."""
    if "measure" in source:
        return document.cite(str(source["measure"]), str(source["quote"]))
    if "document" in source:
        return Citation(document=str(source["document"]), quote=str(source.get("quote", "")))
    raise ConfigurationError(f"参数出处必须写明 measure 与 quote，或 document：{source!r}")

"""Scoring parses against hand-made gold annotations (shape of ../shared/policy-docs/gold/*.json).

Measures are aligned by (section, no, occurrence). Within aligned measures, units and leads are
compared as multisets of names, quantities as multisets of (value, unit), deadlines as multisets of
dates (an event-relative deadline counts as the date "relative"). Comparator and kind accuracy are
measured over matched quantities. Gold measures with no parsed counterpart count as misses, parsed
measures with no gold counterpart as false positives.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

FIELDS = ("units", "lead", "quantities", "deadlines")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Counter, got: Counter) -> None:
        hit = sum((gold & got).values())
        self.tp += hit
        self.fp += sum(got.values()) - hit
        self.fn += sum(gold.values()) - hit

    def __iadd__(self, other: Counts) -> Counts:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def __iadd__(self, other: Accuracy) -> Accuracy:
        self.correct += other.correct
        self.total += other.total
        return self

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass
class DocScore:
    doc: str
    counts: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    cmp: Accuracy = field(default_factory=Accuracy)
    kind: Accuracy = field(default_factory=Accuracy)
    sections_exact: bool = True
    measures_exact: bool = True
    problems: list[str] = field(default_factory=list)

    @property
    def structure_exact(self) -> bool:
        return self.sections_exact and self.measures_exact


def _value_key(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(round(float(v), 4) for v in value)
    return round(float(value), 4)


def _quantity_key(q: dict) -> tuple:
    return (_value_key(q["value"]), q["unit"])


def _deadline_key(d: dict) -> str:
    return d["date"] if d.get("date") else "relative"


def _names(units: list) -> list[str]:
    return [u if isinstance(u, str) else u["name"] for u in units]


def _keyed(measures: list[dict]) -> dict[tuple, dict]:
    seen: Counter = Counter()
    out = {}
    for m in measures:
        key = (int(m["section"]), str(m["no"]))
        seen[key] += 1
        out[(*key, seen[key])] = m
    return out


def _lead_names(m: dict) -> list[str]:
    if "lead" in m:
        return list(m["lead"])
    return [u["name"] for u in m["units"] if isinstance(u, dict) and u.get("role") == "lead"]


def score_document(gold: dict, parsed: dict) -> DocScore:
    score = DocScore(doc=gold.get("doc", "?"))
    gold_sections = [s["title"] for s in gold["sections"]]
    got_sections = [s["title"] for s in parsed["sections"]]
    if gold_sections != got_sections:
        score.sections_exact = False
        score.problems.append(f"章节不一致：标注{gold_sections}，解析{got_sections}")
    gold_m, got_m = _keyed(gold["measures"]), _keyed(parsed["measures"])
    if list(gold_m) != list(got_m):
        score.measures_exact = False
        score.problems.append(f"措施不一致：标注{len(gold_m)}项，解析{len(got_m)}项")
    for key in gold_m.keys() | got_m.keys():
        g, p = gold_m.get(key), got_m.get(key)
        empty: dict = {"units": [], "quantities": [], "deadlines": [], "lead": []}
        _score_measure(score, g or empty, p or empty)
    return score


def _score_measure(score: DocScore, g: dict, p: dict) -> None:
    score.counts["units"].add(Counter(_names(g["units"])), Counter(_names(p["units"])))
    score.counts["lead"].add(Counter(_lead_names(g)), Counter(_lead_names(p)))
    score.counts["deadlines"].add(Counter(map(_deadline_key, g["deadlines"])),
                                  Counter(map(_deadline_key, p["deadlines"])))
    score.counts["quantities"].add(Counter(map(_quantity_key, g["quantities"])),
                                   Counter(map(_quantity_key, p["quantities"])))
    # Pair matched quantities in written order to judge comparator and kind.
    remaining = list(p["quantities"])
    for gq in g["quantities"]:
        match = next((q for q in remaining if _quantity_key(q) == _quantity_key(gq)), None)
        if match is None:
            continue
        remaining.remove(match)
        score.cmp += Accuracy(int(match["cmp"] == gq["cmp"]), 1)
        score.kind += Accuracy(int(match["kind"] == gq["kind"]), 1)


def micro(scores: list[DocScore]) -> DocScore:
    total = DocScore(doc="合计（微平均）")
    for s in scores:
        for f in FIELDS:
            total.counts[f] += s.counts[f]
        total.cmp += s.cmp
        total.kind += s.kind
        total.sections_exact &= s.sections_exact
        total.measures_exact &= s.measures_exact
    return total


def without_annotation_header(text: str) -> str:
    """Development documents start with '# source: …' / '# status: …' lines that are not the document."""
    lines = text.split("\n")
    while lines and lines[0].startswith(("# source:", "# status:")):
        lines.pop(0)
    return "\n".join(lines)

"""The unit directory: canonical names for the abbreviations documents use.

Department names are looked up without their level prefix (市/区/县/…, or a place name such as
赣州市), so one entry serves every city and county; the canonical name keeps the prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from taizhang.policy.text import fold_char

_LEVEL_END = "省市县区州旗"


@dataclass(frozen=True)
class Directory:
    departments: dict[str, str]  # alias or canonical body → canonical body
    named: dict[str, str]  # whole alias or canonical name → canonical name
    patterns: tuple[tuple[re.Pattern[str], str], ...]  # regional branches: regex → canonical template
    collective: tuple[re.Pattern[str], ...]

    def canonical(self, name: str) -> str | None:
        """Canonical name for a unit as written, or None when the directory does not know it."""
        folded = fold(name)
        if folded in self.named:
            return self.named[folded]
        for pattern, template in self.patterns:
            m = pattern.match(folded)
            if m:
                return template.format(**m.groupdict())
        for k in range(1, min(len(folded) - 1, 9)):
            if folded[k - 1] not in _LEVEL_END:
                continue
            body = folded[k:]
            if body in self.departments:
                return folded[:k] + self.departments[body]
        if self.is_collective(folded):
            return folded
        return None

    def is_collective(self, name: str) -> bool:
        folded = fold(name)
        return any(p.search(folded) for p in self.collective)


def fold(name: str) -> str:
    return "".join(fold_char(c) for c in name)


@lru_cache(maxsize=1)
def default_directory() -> Directory:
    data = yaml.safe_load(resources.files("taizhang.policy").joinpath("data/units.yaml").read_text("utf-8"))
    departments: dict[str, str] = {}
    for entry in data["departments"]:
        departments[entry["canonical"]] = entry["canonical"]
        for alias in entry.get("aliases", []):
            departments[alias] = entry["canonical"]
    named: dict[str, str] = {}
    for entry in data["named"]:
        named[entry["canonical"]] = entry["canonical"]
        for alias in entry.get("aliases", []):
            named[alias] = entry["canonical"]
    patterns = tuple((re.compile(p["match"]), p["canonical"]) for p in data.get("patterns", []))
    collective = tuple(re.compile(p) for p in data["collective"])
    return Directory(departments=departments, named=named, patterns=patterns, collective=collective)

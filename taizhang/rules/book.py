"""A rule book: the declared rules of one policy document, with the document and their parameters.

The engine knows no particular policy; ``taizhang.benefits`` builds the book for the Ganzhou notice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property

from taizhang.errors import NotFound
from taizhang.rules.citation import SourceDocument
from taizhang.rules.parameters import Parameters
from taizhang.rules.rule import BoundRule, Rule


class UnknownRule(NotFound):
    code = "rule_unknown"


class RuleBook:
    def __init__(self, rules: list[Rule], document: Callable[[], SourceDocument]) -> None:
        names = [r.name for r in rules]
        if len(set(names)) != len(names):
            raise ValueError("rule names must be unique")
        self._rules = {r.name: r for r in rules}
        self._load_document = document
        self._bound: dict[str, BoundRule] = {}

    @cached_property
    def document(self) -> SourceDocument:
        return self._load_document()

    def __iter__(self) -> Iterator[BoundRule]:
        return (self[name] for name in self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    @property
    def names(self) -> list[str]:
        return list(self._rules)

    def __getitem__(self, name: str) -> BoundRule:
        if name not in self._rules:
            raise UnknownRule(f"没有名为“{name}”的规则；可用：{'、'.join(self._rules)}（taizhang rules list 查看）。")
        if name not in self._bound:
            rule = self._rules[name]
            self._bound[name] = BoundRule(rule, self.document, Parameters.load(rule.parameters_file, self.document))
        return self._bound[name]

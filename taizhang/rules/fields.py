"""A rule's input contract: English field names, Chinese column headers accepted as aliases, kinds.

Files from registries carry Chinese headers (统一社会信用代码, 上年度实际缴纳失业保险费（元）); API
clients send English names. Both map to the same field; a header's unit in brackets is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from taizhang.errors import ValidationFailed
from taizhang.rules.kinds import Enum, Identifier, Kind, Text

_BRACKETED_UNIT = re.compile(r"[（(][^（）()]*[）)]$")


@dataclass(frozen=True)
class Field:
    """One input of a rule.

    ``required`` fields must be given on every row; an optional field takes ``default`` (written as a
    user would write it, e.g. ``"0"``) when its cell is empty, or stays missing when it has none —
    the rule then reads ``present(name)`` (a layoff rate given directly, or computed from its parts).
    ``identity`` fields (names, codes) identify the applicant; they are not needed to judge eligibility.
    """

    name: str
    label: str
    kind: Kind
    required: bool = True
    default: str | None = None
    aliases: tuple[str, ...] = ()
    help: str = ""
    identity: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.name, self.label, *self.aliases)

    @property
    def kind_text(self) -> str:
        if isinstance(self.kind, Enum):
            return "、".join(c.label for c in self.kind.choices)
        return self.kind.label

    @property
    def requirement_text(self) -> str:
        if self.required:
            return "必填"
        if self.default is not None:
            return f"选填，默认{self.default}"
        return "选填"

    @property
    def is_substantive(self) -> bool:
        """Used to judge eligibility (not a name or a code that only says who the applicant is)."""
        return not self.identity and not isinstance(self.kind, Identifier | Text)


def header_key(header: str) -> str:
    """A column header compared without spaces, letter case or a trailing unit in brackets."""
    text = re.sub(r"\s+", "", str(header)).lower()
    return _BRACKETED_UNIT.sub("", text) or text


def map_headers(fields: tuple[Field, ...], headers: list[str]) -> dict[str, str]:
    """``{field name: column header}`` for the columns of a file; unknown columns are left alone.

    Two columns naming the same field are refused (which one would count?).
    """
    by_key: dict[str, Field] = {}
    for f in fields:
        for alias in f.headers:
            by_key[header_key(alias)] = f
    mapping: dict[str, str] = {}
    for header in headers:
        f = by_key.get(header_key(header))
        if f is None:
            continue
        if f.name in mapping:
            raise ValidationFailed(f"列“{mapping[f.name]}”和“{header}”都表示“{f.label}”，请只保留一列。")
        mapping[f.name] = header
    return mapping


def missing_required_columns(fields: tuple[Field, ...], mapping: dict[str, str]) -> list[Field]:
    return [f for f in fields if f.required and f.name not in mapping]

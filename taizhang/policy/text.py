"""A normalized view of a document that still knows where every character came from.

The parser matches on ``view``: full-width forms folded to ASCII, Traditional characters
folded to Simplified, stray spaces between Chinese characters and page furniture removed.
Every view character keeps the offset of its source character, so a match in the view maps
back to an exact span of the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

from taizhang.policy.model import Span

_T2S = opencc.OpenCC("t2s")

# Characters NFKC would fold but that carry meaning we keep: Chinese brackets stay as they are
# written so that 〔责任单位：…〕 and 【】 are recognisable; the ideographic full stop and comma are
# not touched by NFKC anyway.
_KEEP = set("〔〕【】《》“”‘’—…·")


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """One source character → one view character (length-preserving folding)."""
    if ch in _KEEP:
        return ch
    if ch == "\u3000" or ch == "\xa0":
        return " "
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        folded = ch
    if "\u3400" <= folded <= "\u9fff":
        simplified = _T2S.convert(folded)
        if len(simplified) == 1:
            folded = simplified
    # NFKC leaves some dash and slash variants alone.
    return {"－": "-", "–": "-", "﹣": "-", "／": "/", "∶": ":", "﹐": ","}.get(folded, folded)


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or ch in "，。、；：（）《》“”〔〕"


@dataclass(frozen=True)
class TextView:
    source: str
    view: str
    origin: tuple[int, ...]  # origin[i] = source offset of view[i]

    def span(self, start: int, end: int) -> Span:
        """Source span of view[start:end]."""
        if start >= end:
            at = self.origin[start] if start < len(self.origin) else len(self.source)
            return Span(at, at)
        return Span(self.origin[start], self.origin[end - 1] + 1)

    def quote(self, start: int, end: int) -> str:
        return self.span(start, end).of(self.source)

    def lines(self) -> list[tuple[int, int]]:
        """View offsets [start, end) of every line, without the newline."""
        out, pos = [], 0
        for m in re.finditer("\n", self.view):
            out.append((pos, m.start()))
            pos = m.end()
        out.append((pos, len(self.view)))
        return out


def build_view(source: str, *, drop_lines: set[int] | frozenset[int] = frozenset()) -> TextView:
    """Fold characters, drop stray spaces between Chinese characters and the given source lines."""
    chars: list[str] = []
    origin: list[int] = []
    line_no = 0
    for i, ch in enumerate(source):
        if line_no in drop_lines:
            if ch == "\n" or (ch == "\r" and source[i + 1 : i + 2] != "\n"):
                line_no += 1
            continue
        if ch == "\r" and source[i + 1 : i + 2] == "\n":
            continue
        if ch in "\r\f\v\u2028\u2029\x85":
            ch = "\n"
        if ch == "\n":
            line_no += 1
        chars.append(fold_char(ch))
        origin.append(i)
    chars, origin = _drop_inner_spaces(chars, origin)
    return TextView(source=source, view="".join(chars), origin=tuple(origin))


def _joins_chinese(before: str, after: str) -> bool:
    """A space is stray when Chinese text sits on one side and nothing Latin on the other."""
    if not (is_cjk(before) or is_cjk(after)):
        return False
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())


def _drop_inner_spaces(chars: list[str], origin: list[int]) -> tuple[list[str], list[int]]:
    """Remove spaces and tabs that sit between two Chinese characters or at either end of a line."""
    keep = [True] * len(chars)
    n = len(chars)
    i = 0
    while i < n:
        if chars[i] in " \t":
            j = i
            while j < n and chars[j] in " \t":
                j += 1
            before = chars[i - 1] if i > 0 else "\n"
            after = chars[j] if j < n else "\n"
            if before == "\n" or after == "\n" or _joins_chinese(before, after):
                for k in range(i, j):
                    keep[k] = False
            i = j
        else:
            i += 1
    return [c for c, k in zip(chars, keep) if k], [o for o, k in zip(origin, keep) if k]

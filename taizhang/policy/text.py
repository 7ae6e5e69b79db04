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

from taizhang.policy.markers import starts_new_block
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
        """The source characters behind view[start:end], without the line breaks and stray spaces the
        view removed (equal to the source slice for clean text; Traditional characters are kept)."""
        return "".join(self.source[self.origin[k]] for k in range(start, end))

    def lines(self) -> list[tuple[int, int]]:
        """View offsets [start, end) of every line, without the newline."""
        out, pos = [], 0
        for m in re.finditer("\n", self.view):
            out.append((pos, m.start()))
            pos = m.end()
        out.append((pos, len(self.view)))
        return out


def build_view(source: str) -> TextView:
    """Fold characters; drop page furniture, stray spaces, and line breaks inside wrapped paragraphs."""
    lines = split_lines(source)
    drop = furniture_lines(source, lines)
    join = wrapped_lines(source, lines, drop)
    chars: list[str] = []
    origin: list[int] = []
    for n, (start, end, brk) in enumerate(lines):
        if n in drop:
            continue
        for i in range(start, end):
            chars.append(fold_char(source[i]))
            origin.append(i)
        if brk < len(source) and n not in join:
            chars.append("\n")
            origin.append(brk)
    chars, origin = _drop_inner_spaces(chars, origin)
    return TextView(source=source, view="".join(chars), origin=tuple(origin))


_BREAKS = re.compile("\r\n|[\n\r\f\v\u2028\u2029\x85]")


def split_lines(source: str) -> list[tuple[int, int, int]]:
    """(start, end, offset of the line break) of every source line; the last break is len(source)."""
    out, pos = [], 0
    for m in _BREAKS.finditer(source):
        out.append((pos, m.start(), m.start()))
        pos = m.end()
    out.append((pos, len(source), len(source)))
    return out


# Page numbers as PDF extraction leaves them: "- 3 -", "— 3 —", "3", "第3页", "第 3 页 共 10 页", "3/10".
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·•]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–－_·•]*$"
)
_HEADER_NOUNS = re.compile(r"(?:文件|办公室|办公厅|人民政府|公报|简报|政府网|通知)$")


def furniture_lines(source: str, lines: list[tuple[int, int, int]]) -> set[int]:
    """Page numbers, and running headers/footers repeated on every page, when the text shows pages."""
    texts = [unicodedata.normalize("NFKC", source[s:e]).strip() for s, e, _ in lines]
    # A bare number on a line is a page number only in text with page breaks; elsewhere it may be a
    # table row's 序号 or a numbering marker.
    bare_ok = "\f" in source
    numbers = {
        n for n, t in enumerate(texts)
        if t and _PAGE_NUMBER.match(t) and not _is_measure_number(t) and (bare_ok or not t.isdigit())
    }
    paged = len(numbers) >= 2 or "\f" in source
    if not paged:
        return set()
    counts: dict[str, int] = {}
    for t in texts:
        if t:
            counts[t] = counts.get(t, 0) + 1
    repeated = {
        n for n, t in enumerate(texts)
        if t and counts[t] >= 3 and len(t) <= 40 and not re.search("[，,。；;：:、]", t)
        and (_HEADER_NOUNS.search(t) or counts[t] >= max(3, len(numbers) - 1))
    }
    return numbers | repeated


def _is_measure_number(text: str) -> bool:
    """'1.' or '1、' on a line of its own is a numbering marker, not a page number."""
    return bool(re.match(r"^\d{1,3}[.、]$", text))


_SENTENCE_END = "。；;：:！!？?）)〕】」”"


def _width(text: str) -> float:
    """Visual width in CJK characters: Latin letters and digits take about half a column."""
    return sum(0.5 if c.isascii() else 1.0 for c in text)


def wrapped_lines(source: str, lines: list[tuple[int, int, int]], drop: set[int]) -> set[int]:
    """Lines whose break is a wrap inside a paragraph (hard-wrapped text from PDFs or e-mail).

    A text is hard-wrapped when many lines share one full width. A full-width line continues on the
    next line unless the next line is indented or starts a numbered item or a label.
    """
    kept = [(n, source[s:e]) for n, (s, e, _) in enumerate(lines) if n not in drop and source[s:e].strip()]
    # Wrapping by characters (plain text) or by visual width (PDF): whichever shows a common width.
    measures = (lambda t: len(t.strip()), lambda t: _width(t.strip()))
    full_at = []
    for measure in measures:
        widths = [round(measure(t)) for _, t in kept if measure(t) >= 10]
        if len(widths) < 5:
            continue
        mode = max(set(widths), key=widths.count)
        near = [t.strip() for _, t in kept if abs(round(measure(t)) - mode) <= 1]
        # Wrapped lines stop mid-sentence; lines that merely happen to share a length end sentences.
        open_ended = sum(1 for t in near if t[-1] not in _SENTENCE_END)
        if mode >= 15 and len(near) >= max(4, len(widths) * 0.25) and open_ended >= 0.6 * len(near):
            full_at.append((measure, mode))
    if not full_at:
        return set()
    join = set()
    for (n, text), (m, following) in zip(kept, kept[1:], strict=False):
        between = range(n + 1, m)
        if any(k not in drop for k in between):
            continue  # a blank line: the paragraph ends here
        full = any(measure(text) >= mode - 1.5 for measure, mode in full_at)
        indented = following[:1] in (" ", "\u3000", "\t")
        if full and not indented and not starts_new_block(unicodedata.normalize("NFKC", following.strip())):
            join.add(n)
    return join


def _joins_chinese(before: str, after: str) -> bool:
    """A space is stray when Chinese text sits on one side and nothing Latin on the other."""
    if not (is_cjk(before) or is_cjk(after)):
        return False
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())


def _drop_inner_spaces(chars: list[str], origin: list[int]) -> tuple[list[str], list[int]]:
    """Remove spaces between Chinese characters or at either end of a line; a wide gap of three or
    more spaces inside a line separates table columns and becomes a tab."""
    keep = [True] * len(chars)
    n = len(chars)
    i = 0
    while i < n:
        if chars[i] == " ":
            j = i
            while j < n and chars[j] == " ":
                j += 1
            before = chars[i - 1] if i > 0 else "\n"
            after = chars[j] if j < n else "\n"
            if before in "\n\t" or after in "\n\t":
                for k in range(i, j):
                    keep[k] = False
            elif j - i >= 3:
                chars[i] = "\t"
                for k in range(i + 1, j):
                    keep[k] = False
            elif _joins_chinese(before, after):
                for k in range(i, j):
                    keep[k] = False
            i = j
        else:
            i += 1
    return [c for c, k in zip(chars, keep, strict=True) if k], [o for o, k in zip(origin, keep, strict=True) if k]

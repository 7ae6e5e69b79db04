"""Text → numbered items (sections, subsections, measures) with view offsets.

Numbering in this genre: 一、 / （一） / 1. / 1、 / (1) / ① / 第一条, nested up to three levels.
Levels are assigned in order of first appearance: a marker kind seen for the first time opens a
new level below the current one, a kind already on the stack closes the deeper levels. A marker
only counts when its number continues its list (or starts one at 1), so a stray "3、" inside a
sentence that happens to start a line does not break the structure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from taizhang.policy.markers import LABEL_LINE, is_date_line, match_marker
from taizhang.policy.text import TextView, fold_char

MAX_LEVELS = 3

# Paragraphs that close a document rather than continue its last measure.
CLOSING = re.compile(
    r"^(?:各地各部门|各地、各部门|各县[(（]市、区[)）]|各级各部门|各单位|各有关单位|本(?:措施|方案|意见|办法|通知|规定|细则)"
    r"|以上(?:措施|政策)|附件|附表|抄送|抄报|主送|此件|\(此件|联系人|联系电话)"
)


@dataclass
class Item:
    kind: str
    number: int
    level: int
    start: int  # view offset of the marker
    body: int  # view offset just after the marker
    line_end: int  # view offset of the end of the marker's line
    end: int = -1  # view offset of the end of the item's text (exclusive)
    parent: Item | None = None
    children: list[Item] = field(default_factory=list)


@dataclass
class Outline:
    items: list[Item]  # every structural item, in order
    body_start: int
    body_end: int
    warnings: list[str]

    def level(self, n: int) -> list[Item]:
        return [i for i in self.items if i.level == n]

    @property
    def depth(self) -> int:
        return 1 + max((i.level for i in self.items), default=-1)


def outline(tv: TextView, *, ends_measure: Callable[[str], bool] | None = None) -> Outline:
    view = tv.view
    lines = [(s, e) for s, e in tv.lines()]
    stack: list[tuple[str, int]] = []  # (kind, last number) per open level
    last_seen: dict[str, int] = {}
    level_of_kind: dict[str, int] = {}
    items: list[Item] = []
    warnings: list[str] = []
    attachment_list = False
    for start, end in lines:
        line = view[start:end]
        if line.startswith("附件"):
            attachment_list = True
            continue
        found = match_marker(view, start) if start < end else None
        if attachment_list:
            # "附件：1.…方案  2.…清单" lists attachments by title; it is not the body's numbering.
            if found and len(line) <= 60 and not line.rstrip().endswith("。"):
                continue
            attachment_list = False
        if not found:
            continue
        kind, number, body = found
        kinds = [k for k, _ in stack]
        if kind in kinds:
            depth = kinds.index(kind)
            expected = stack[depth][1] + 1
            if number != expected:
                if not expected < number <= expected + 2:
                    continue
                warnings.append(f"编号不连续：在第{expected}项处缺项，读到第{number}项")
            del stack[depth + 1 :]
            stack[depth] = (kind, number)
        else:
            if number != 1 and number != last_seen.get(kind, -1) + 1:
                continue
            if len(stack) >= MAX_LEVELS:
                continue
            # A kind keeps the level it first had; a deeper kind opened under a shallower one.
            depth = level_of_kind.get(kind, len(stack))
            if depth > len(stack):
                continue
            del stack[depth:]
            stack.append((kind, number))
        level_of_kind.setdefault(kind, len(stack) - 1)
        last_seen[kind] = number
        item = Item(kind=kind, number=number, level=len(stack) - 1, start=start, body=body, line_end=end)
        items.append(item)
    if not items:
        return Outline(items=[], body_start=len(view), body_end=len(view), warnings=warnings)
    body_end = _body_end(tv, items[-1], ends_measure)
    for i, item in enumerate(items):
        nxt = next((j for j in items[i + 1 :] if j.level <= item.level), None)
        item.end = _trim_end(view, nxt.start if nxt else body_end)
        parent = next((p for p in reversed(items[:i]) if p.level < item.level), None)
        item.parent = parent
        if parent is not None:
            parent.children.append(item)
    return Outline(items=items, body_start=items[0].start, body_end=body_end, warnings=warnings)


def _trim_end(view: str, end: int) -> int:
    while end > 0 and view[end - 1] in " \t\n":
        end -= 1
    return end


def _body_end(tv: TextView, last: Item, ends_measure: Callable[[str], bool] | None) -> int:
    """Where the last item's text stops: at a closing paragraph, a signature, or the end.

    An unnumbered paragraph after a paragraph that ended with its responsibility clause is
    the document's closing text, not more of the last measure.
    """
    view = tv.view
    closed = False
    previous: tuple[int, str] | None = None
    for start, end in tv.lines():
        if end < last.start:
            continue
        line = view[start:end].strip()
        if not line:
            continue
        if start > last.start:
            if is_date_line(line):
                if previous and len(previous[1]) <= 30 and not re.search("[。，,;；:：]", previous[1]):
                    return previous[0]
                return start
            if CLOSING.match(line) or (closed and not LABEL_LINE.match(line)):
                return start
        closed = bool(ends_measure and ends_measure(line))
        previous = (start, line)
    return len(view)


def leading_marker(text: str) -> str:
    """The numbering marker a measure's text starts with, as written ("（一）", "1.")."""
    folded = "".join(fold_char(c) for c in text[:12])
    found = match_marker(folded, 0)
    return text[: found[2]].strip() if found else ""

"""The numbering markers of this genre and the lines that start a new block, on folded text.

一、 / （一） / 1. / 1、 / (1) / ① / 第一条 / 第一章 / 第一部分: what each looks like once the view has
folded full-width forms to ASCII (so "（一）" is matched as "(一)"), and the number it carries. Label
lines (牵头单位：…, 完成时限：…) and signature dates also start a block of their own. ``segment``
builds the outline from these; ``text`` uses them to tell a wrapped line from a new paragraph.
"""

from __future__ import annotations

import re

from taizhang.policy.numerals import parse_number

_CN = "零〇一二三四五六七八九十百"
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"第([{_CN}]+)(?:部分|篇)[ 　]*")),
    ("chapter", re.compile(rf"第([{_CN}]+)章[ 　]*")),
    ("article", re.compile(rf"第([{_CN}]+)条[ 　]*")),
    ("cn", re.compile(rf"([{_CN}]+)[、.](?=\S)")),
    ("paren_cn", re.compile(rf"\(([{_CN}]+)\)[、.]?")),
    ("paren_arabic", re.compile(r"\((\d{1,3})\)[、.]?")),
    ("arabic", re.compile(r"(\d{1,3})(?:[、]|\.(?!\d))")),
    ("circled", re.compile(r"([①-⑳])")),
)

# Lines that carry a measure's attributes (units, leaders, time limits) rather than new text.
LABEL_LINE = re.compile(
    r"^(?:(?:牵头|责任|配合|协同|协办|主办|主责|参与)(?:负责|责任)?(?:单位|部门|领导)|完成时限|时间节点|完成时间)\s*[:：]"
)
_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$|^[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日$")


def _marker_number(kind: str, raw: str) -> int | None:
    if kind == "circled":
        return ord(raw) - ord("①") + 1
    try:
        return int(parse_number(raw))
    except ValueError:
        return None


def match_marker(view: str, pos: int) -> tuple[str, int, int] | None:
    """(kind, number, end) of a numbering marker starting at ``pos``, if any."""
    for kind, pattern in MARKERS:
        m = pattern.match(view, pos)
        if m:
            number = _marker_number(kind, m.group(1))
            if number is not None and number > 0:
                return kind, number, m.end()
    return None


def is_date_line(line: str) -> bool:
    return bool(_DATE_LINE.match(line.strip()))


def starts_new_block(line: str) -> bool:
    """A (folded) line that begins a numbered item, a label line or a signature date."""
    return bool(match_marker(line, 0)) or bool(LABEL_LINE.match(line)) or is_date_line(line)

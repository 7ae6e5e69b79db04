"""Deadline phrases → dates (or event-relative descriptions), given the issue date.

Only the government's own time limits are deadlines. Validity periods and extensions
(实施期限至…, 延长至…), eligibility windows (离校2年内), references (截至…) and recurring duties
(每月25日前报送 — returned as cadences) are not. With no issue date, phrases relative to it
(全年, 11月底前, 今明两年) keep ``date=None`` and say what they are relative to.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from taizhang.policy.numerals import parse_number

_N = r"(?:\d{1,3}|[一二两三四五六七八九十]{1,3})"
_YEAR = r"(?P<y>\d{4})年"
_MONTH_CN = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"
_DAY_CN = r"(?:\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"

# Ordered: the first pattern matching at a position wins, longer forms first.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(p))
    for name, p in (
        ("label", r"(?:完成时限|完成时间|时间节点|时限要求)[:：]\s*"),
        ("ahead", rf"提前(?P<n>{_N})个月完成[^，,。；;\n]*"),
        ("full_date", rf"{_YEAR}(?P<m>{_MONTH_CN})月(?P<d>{_DAY_CN})日(?:前|之前|以前)?"),
        ("year_end", rf"(?:到)?{_YEAR}(?:年底|底|年末|末)(?:前|之前)?"),
        ("by_year", rf"到{_YEAR}(?![\d度])"),
        ("year_within", rf"{_YEAR}(?:内|年内)"),
        ("year_start", rf"{_YEAR}起"),
        ("year_month_end", rf"{_YEAR}(?P<m>{_MONTH_CN})月(?:底|末)(?:前|之前)?"),
        ("month_end", rf"(?P<m>{_MONTH_CN})月(?:底|末)(?:前|之前)?"),
        ("month_day", rf"(?P<m>{_MONTH_CN})月(?P<d>{_DAY_CN})日(?:前|之前|以前)"),
        ("year_month_before", rf"{_YEAR}(?P<m>{_MONTH_CN})月(?:份)?(?:前|之前)"),
        ("month_before", rf"(?P<m>{_MONTH_CN})月(?:份)?(?:前|之前)"),
        ("half", rf"(?:{_YEAR})?(?P<h>上|下)半年"),
        ("quarter", rf"(?:{_YEAR})?(?:第)?(?P<q>[一二三四1-4])季度(?:末|底)?(?:前)?"),
        ("two_years", r"今明两年"),
        ("within_years", rf"(?:力争|争取|用)(?P<n>{_N})年(?:时间|左右时间|内)?|(?P<n2>{_N})年(?:时间)?内(?=[完实建基全达形])"),
        ("event", rf"(?P<event>[\u4e00-\u9fff]{{2,10}}?)后(?P<n>{_N})(?P<u>个工作日|工作日|日|天|个月)内"),
        ("this_year", r"年底前|年底|年末前|年末|年内|今年内|今年|本年度内|本年度|年度内|全年"),
    )
)
# In a 完成时限 column or after a 完成时限: label a bare month is a time limit: 2021年6月 → June 30.
_COLUMN_ONLY = (("year_month", re.compile(rf"{_YEAR}(?P<m>{_MONTH_CN})月(?![\d底末份前])")),)
_CADENCE = re.compile(
    r"(?:每|按)(?P<p>周|月|季度|季|半年|年)(?:(?P<d>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号])?"
    r"(?:前|底前|末前)?(?=[^，,。；;]{0,6}(?:报送|上报|报|反馈|通报))"
)
# Words before a date that make it a validity period, an extension or a reference.
_NOT_A_DEADLINE_BEFORE = re.compile(
    r"(?:实施期限|有效期|期限|延长|延|延迟|推迟|执行|实施|截|截止)(?:至|到)?$|(?:至|自|从|每)$"
)
_NOT_A_DEADLINE_AFTER = re.compile(r"^(?:到期|以来|出台的|期间|至\d|起[^，,。；;]{0,30}(?:执行|施行|实施))")
_PERIODS = {"周": "week", "月": "month", "季度": "quarter", "季": "quarter", "半年": "half_year", "年": "year"}


@dataclass(frozen=True)
class FoundDeadline:
    start: int  # view offsets of the quote
    end: int
    date: date | None
    relative: str | None
    is_duration: bool  # 力争3年时间 / 六十日内 / 提前1个月: also a quantity


@dataclass(frozen=True)
class FoundCadence:
    start: int
    end: int
    period: str
    day: int | None


def _num(text: str) -> int:
    return int(parse_number(text))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def _add_months_end(year: int, month: int, n: int) -> date:
    index = year * 12 + (month - 1) + n
    return _month_end(index // 12, index % 12 + 1)


def _after_numeral(view: str, at: int) -> bool:
    """离校2年内 / 三年内: 年内 after a number is a duration, not "this year"."""
    previous = view[at - 1 : at]
    return previous.isdigit() or (previous != "" and previous in "一二两三四五六七八九十百")


def calendar_spans(view: str, start: int, end: int) -> list[tuple[int, int]]:
    """Every date-like expression (deadline or not): numbers there are never quantities."""
    spans = []
    for name, pattern in _PATTERNS:
        if name in ("label", "ahead", "within_years", "event"):
            continue
        for m in pattern.finditer(view, start, end):
            if name == "this_year" and _after_numeral(view, m.start()):
                continue
            spans.append((m.start(), m.end()))
    for m in re.finditer(r"\d{4}年(?:度)?|\d{1,2}月(?:份)?|\d{4}-\d{2}-\d{2}", view[start:end]):
        spans.append((start + m.start(), start + m.end()))
    return spans


def find_deadlines(
    view: str, start: int, end: int, issued: date | None, *, column: bool = False
) -> list[FoundDeadline]:
    """Deadlines in view[start:end]; ``column`` when the text is a 完成时限 cell or label value."""
    patterns = _PATTERNS + _COLUMN_ONLY if column else _PATTERNS
    out: list[FoundDeadline] = []
    pos = start
    while pos < end:
        best = None
        for name, pattern in patterns:
            m = pattern.search(view, pos, end)
            if m and (best is None or m.start() < best[1].start()):
                best = (name, m)
        if best is None:
            break
        name, m = best
        found = _resolve(view, name, m, end, issued)
        if found is None:
            pos = m.start() + 1
            continue
        out.append(found)
        pos = found.end
    return out


def _resolve(view: str, name: str, m: re.Match[str], end: int, issued: date | None) -> FoundDeadline | None:
    before = view[max(0, m.start() - 6) : m.start()]
    after = view[m.end() : m.end() + 40]
    if name == "label":
        value = _first_deadline_after(view, m.end(), end, issued)
        if value is None:
            return None
        return FoundDeadline(m.start(), value.end, value.date, value.relative, value.is_duration)
    if _NOT_A_DEADLINE_BEFORE.search(before) and name not in ("ahead", "event", "within_years"):
        return None
    if _NOT_A_DEADLINE_AFTER.match(after):
        return None
    if name not in ("ahead", "event", "within_years", "two_years") and re.search(r"(?:离校|毕业|期间)$", before):
        return None
    year = int(m.group("y")) if "y" in m.groupdict() and m.group("y") else None
    issue_year = issued.year if issued else None
    y = year or issue_year
    quote = view[m.start() : m.end()]
    if name == "full_date":
        try:
            return _found(m, date(year, _num(m.group("m")), _num(m.group("d"))))
        except ValueError:
            return None
    if name in ("year_end", "year_within", "by_year"):
        return _found(m, date(year, 12, 31))
    if name == "year_start":
        return _found(m, date(year, 1, 1))
    if name in ("year_month_end", "month_end", "year_month"):
        return _found(m, _month_end(y, _num(m.group("m"))) if y else None, quote)
    if name == "month_day":
        return _found(m, date(y, _num(m.group("m")), _num(m.group("d"))) if y else None, quote)
    if name in ("year_month_before", "month_before"):
        month = _num(m.group("m"))
        return _found(m, _add_months_end(y, month, -1) if y else None, quote)
    if name == "half":
        return _found(m, date(y, 6, 30) if m.group("h") == "上" else date(y, 12, 31)) if y else _found(m, None, quote)
    if name == "quarter":
        q = {"一": 1, "二": 2, "三": 3, "四": 4}.get(m.group("q")) or int(m.group("q"))
        return _found(m, _month_end(y, q * 3) if y else None, quote)
    if name == "two_years":
        return _found(m, date(y + 1, 12, 31) if y else None, quote)
    if name == "this_year":
        if view[m.start() - 1 : m.start()] in ("每", "上", "去", "明") or _after_numeral(view, m.start()) or re.search(r"(?:延长|延至|延迟|推迟)[到至]?$", before):
            return None
        return _found(m, date(y, 12, 31) if y else None, quote)
    if name == "within_years":
        n = _num(m.group("n") or m.group("n2"))
        return FoundDeadline(m.start(), m.end(), _add_years(issued, n) if issued else None,
                             None if issued else quote, True)
    if name == "ahead":
        n = _num(m.group("n"))
        return FoundDeadline(m.start(), m.end(), _add_months_end(y, 12, -n) if y else None,
                             None if y else quote, True)
    if name == "event":
        event_start = _event_start(view, m)
        n, unit = _num(m.group("n")), m.group("u").replace("个", "")
        event = view[event_start : m.start("n") - 1]
        return FoundDeadline(event_start, m.end(), None, f"{event}后{n}{unit}内", True)
    return None


def _found(m: re.Match[str], when: date | None, relative: str | None = None) -> FoundDeadline:
    return FoundDeadline(m.start(), m.end(), when, None if when else relative, False)


def _event_start(view: str, m: re.Match[str]) -> int:
    """预算批复后六十日内: the event is the words after the last 在/于/自 before 后."""
    s = m.start("event")
    text = view[s : m.start("n") - 1]
    cut = max(text.rfind(w) for w in ("在", "于", "自", "待"))
    return s + cut + 1 if cut >= 0 else s


def _first_deadline_after(view: str, start: int, end: int, issued: date | None) -> FoundDeadline | None:
    line_end = view.find("\n", start, end)
    line_end = end if line_end < 0 else line_end
    found = find_deadlines(view, start, line_end, issued, column=True)
    return found[0] if found else None


def find_cadences(view: str, start: int, end: int) -> list[FoundCadence]:
    out = []
    for m in _CADENCE.finditer(view, start, end):
        day = _num(m.group("d")) if m.group("d") else None
        out.append(FoundCadence(m.start(), m.end(), _PERIODS[m.group("p")], day))
    return out


def without_cadences(deadlines: list[FoundDeadline], cadences: list[FoundCadence]) -> list[FoundDeadline]:
    return [d for d in deadlines if not any(c.start <= d.start < c.end for c in cadences)]

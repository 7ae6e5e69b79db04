"""Numeric expressions in a measure → quantities with value, unit, comparator and kind.

Works on the folded view of one measure. The caller passes intervals that are not quantities
(dates, quoted names, titles in 《》, responsibility clauses); everything else that is a number
followed by a unit of measure is considered. Counts written in Chinese numerals (四个不摘,
两城两谷两带) are names in this genre, so Chinese numerals are read only for durations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from taizhang.policy.numerals import ARABIC_NUMBER, parse_fraction, parse_number, scale

DURATION_UNITS = {"年": "年", "个月": "月", "月": "月", "天": "天", "日": "日", "小时": "小时", "个小时": "小时",
                  "工作日": "工作日", "个工作日": "工作日", "周": "周"}
COUNT_UNITS = (
    "个百分点 百分点 千瓦时 千瓦 兆瓦 平方公里 平方米 立方米 公里 千米 公顷 亩 吨 元 人次 户次 家次 "
    "人 户 个 项 家 件 套 所 座 辆 台 头 羽 只 条 份 场 次 倍 间 张 床 名 位 支 处 栋 村 米 公斤 千克 "
    "篇 部 宗 笔 艘 架 盏 株 棵 块 种 岁 批次"
).split()
_UNIT_WORDS = sorted(set(COUNT_UNITS) | set(DURATION_UNITS), key=len, reverse=True)
_RATE_DENOMINATORS = "人次|人|户|月|年|天|日|次|亩|吨|个|家|平方米|小时|公里|件|套"

_CN_NUM = "[零〇一二两三四五六七八九十百千万亿]+"
_MULT = "(?:万亿|千万|百万|万|亿)"
_QTY = re.compile(
    rf"(?P<lo>{ARABIC_NUMBER})(?P<lomult>{_MULT})?(?P<lounit>%|{'|'.join(_UNIT_WORDS)})?\s*(?:-|~|至|到)\s*"
    rf"(?=\d)"
    rf"|(?P<frac>\d+/\d+|[一二三四五六七八九十]+分之[一二三四五六七八九十]+)"
    rf"|百分之(?P<pctcn>{_CN_NUM}(?:点[零一二三四五六七八九]+)?)"
    rf"|(?P<num>{ARABIC_NUMBER})(?P<mult>{_MULT})?(?P<unit>%|‰|{'|'.join(_UNIT_WORDS)})"
    rf"|(?P<cnnum>{_CN_NUM})(?P<cnunit>个工作日|工作日|个小时|小时|个月|年|天|日|周)"
)
_PER_PREFIX = re.compile(r"每(人次|人|户|家|个|亩|吨|次)(?:每(月|年|天|日|季度))?")
_RATE_TAIL = re.compile(rf"(?:/(?:{_RATE_DENOMINATORS}))+")

_SUFFIX = (
    ("(含)以上", ">="), ("及以上", ">="), ("以上", ">="),
    ("(含)以下", "<="), ("及以下", "<="), ("以下", "<="),
    ("以内", "<="), ("之内", "<="), ("内", "<="),
    ("左右", "="),
)
_PREFIX = (
    ("最长不超过", "<="), ("最高不超过", "<="), ("最多不超过", "<="), ("不超过", "<="), ("不高于", "<="),
    ("不多于", "<="), ("不大于", "<="), ("控制在", "<="), ("最长", "<="), ("最高", "<="), ("最多", "<="),
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("至少", ">="), ("最低", ">="),
    ("超过", ">"), ("高于", ">"), ("大于", ">"), ("多于", ">"),
    ("低于", "<"), ("少于", "<"), ("小于", "<"), ("不足", "<"),
)
# How far back a comparator word may stand from its number (不超过实际缴费2/3).
_PREFIX_REACH = 10
_CLAUSE_END = "，,。；;：:\n"
_SENTENCE_END = "。；;\n"

# Context words deciding target vs param (see kind()).
_TARGET_CUES = ("控制在", "达到", "提升至", "提升到")
_PARAM_CONTEXT = ("给予", "补贴", "补助", "奖励", "标准", "条件", "放宽", "额度", "上限")
_PARAM_BEFORE = ("单次", "每次", "每人", "每户", "每满", "最高", "最长")
_FEE_WORDS = ("缴纳", "缴费", "保险费", "费用")
# A number standing for a name, not an amount: 三年行动计划, 百日攻坚, 一年一度.
_NAME_AFTER = re.compile(r"(?:行动|计划|规划|攻坚|工程|战略|会战|大会战|一)")
_BASELINE_AFTER = re.compile(r"(?:的)?基础上|(?:提高至|提高到|增加到|增加至|增至|调整为|上调至|调高至|提升至|提升到)")
_NOT_AFTER_ONE = "同统唯逐进第之任单其万"


@dataclass(frozen=True)
class FoundQuantity:
    start: int  # view offsets of the quote
    end: int
    value: Decimal | tuple[Decimal, Decimal]
    unit: str
    cmp: str
    kind: str
    approx: bool


def find_quantities(view: str, start: int, end: int, blocked: list[tuple[int, int]]) -> list[FoundQuantity]:
    out: list[FoundQuantity] = []
    pos = start
    while pos < end:
        m = _QTY.search(view, pos, end)
        if not m:
            break
        pos = m.end()
        if _inside(m.start(), blocked) or _glued_to_word(view, m.start()):
            continue
        if m.group("lo") is not None:
            found = _range(view, m, end, blocked)
            if found:
                out.append(found)
                pos = found.end
            continue
        found = _single(view, m, end)
        if found is None:
            continue
        out.append(found)
        pos = found.end
    return _share_fenbie_quotes(view, out)


def _inside(at: int, blocked: list[tuple[int, int]]) -> bool:
    return any(s <= at < e for s, e in blocked)


def _glued_to_word(view: str, at: int) -> bool:
    """APP4.0, O2O, 5G, 第五: a digit attached to letters or an ordinal is not an amount."""
    before = view[at - 1] if at > 0 else ""
    return (before.isascii() and before.isalnum()) or before in ("第", ".")


def _single(view: str, m: re.Match[str], end: int) -> FoundQuantity | None:
    if m.group("frac"):
        value = round(parse_fraction(m.group("frac")), 4)
        unit = "ratio"
        if "/" in m.group("frac") and value >= 1:
            return None
    elif m.group("pctcn"):
        pct = m.group("pctcn")
        try:  # 百分之百: the one percentage written with a bare unit
            value, unit = (Decimal(100) if pct == "百" else parse_number(pct)), "%"
        except ValueError:
            return None
    elif m.group("num"):
        raw_unit = m.group("unit")
        number = parse_number(m.group("num"))
        if _is_calendar(view, m, number, raw_unit):
            return None
        value = scale(number, m.group("mult"))
        unit = DURATION_UNITS.get(raw_unit, raw_unit)
        if raw_unit == "百分点":
            unit = "个百分点"
    else:
        raw = m.group("cnnum")
        if m.group("cnunit") in ("日", "月") and _calendar_context(view, m.start()):
            return None
        if raw == "一" and m.start() > 0 and view[m.start() - 1] in _NOT_AFTER_ONE:
            return None
        try:
            value = parse_number(raw)
        except ValueError:
            return None
        unit = DURATION_UNITS[m.group("cnunit")]
        if m.group("cnunit") == "月":
            return None  # 六月 is a month name; durations say 六个月
    q_end = m.end()
    rate = _RATE_TAIL.match(view, q_end)
    if rate and unit not in ("%", "ratio"):
        unit += rate.group(0)
        q_end = rate.end()
    if unit in DURATION_UNITS.values() and _NAME_AFTER.match(view, q_end):
        return None
    if _is_baseline(view, m.start(), q_end):
        return None
    q_start = m.start()
    per = _PER_PREFIX.search(view, max(0, q_start - 6), q_start)
    if per and per.end() == q_start and "/" not in unit and unit not in ("%", "ratio"):
        unit += "".join(f"/{g}" for g in per.groups() if g)
        q_start = per.start()
    return _finish(view, q_start, q_end, end, value, unit)


def _is_baseline(view: str, q_start: int, q_end: int) -> bool:
    """在年初预算压减10%的基础上 / 从15万元提高至20万元: the old level is not a commitment."""
    m = _BASELINE_AFTER.match(view, q_end)
    if not m:
        return False
    return "基础上" in m.group(0) or bool(re.search("[从由]", view[max(0, q_start - 3) : q_start]))


def _is_calendar(view: str, m: re.Match[str], number: Decimal, raw_unit: str) -> bool:
    """2020年, 6月底, 12月31日: dates are deadlines or references, never quantities."""
    if raw_unit == "年" and m.group("mult") is None and 1900 <= number <= 2100 and "." not in m.group("num"):
        return True
    if raw_unit == "月":
        nxt = view[m.end() : m.end() + 1]
        return not nxt.startswith("/") and not view[m.start() - 1 : m.start()] == "/"
    if raw_unit == "日" and _calendar_context(view, m.start()):
        return True
    return False


def _calendar_context(view: str, at: int) -> bool:
    before = view[max(0, at - 2) : at]
    return before.endswith("月") or before.endswith("每月")


def _range(view: str, m: re.Match[str], end: int, blocked) -> FoundQuantity | None:
    hi = _QTY.match(view, m.end(), end)
    if not hi or hi.group("num") is None:
        return None
    if m.group("lounit") and m.group("lounit") != hi.group("unit"):
        return None
    lo_value = scale(parse_number(m.group("lo")), m.group("lomult") or hi.group("mult"))
    hi_value = scale(parse_number(hi.group("num")), hi.group("mult"))
    if lo_value >= hi_value or _is_calendar(view, hi, parse_number(hi.group("num")), hi.group("unit")):
        return None
    unit = DURATION_UNITS.get(hi.group("unit"), hi.group("unit"))
    found = _finish(view, m.start(), hi.end(), end, (lo_value, hi_value), unit)
    return FoundQuantity(found.start, found.end, (lo_value, hi_value), unit, "range", found.kind, found.approx)


_NOUN_BEFORE_SUFFIX = re.compile(r"[\u4e00-\u9fff]{1,4}?(?=以上|以下|左右)")


def _finish(view: str, q_start: int, q_end: int, end: int, value, unit: str) -> FoundQuantity:
    cmp, approx = "=", False
    for at in _suffix_positions(view, q_end, end):
        for word, c in _SUFFIX:
            if view.startswith(word, at):
                if word == "内" and (view.startswith("内容", at) or at != q_end):
                    continue
                cmp, approx = c, word == "左右"
                q_end = at + len(word)
                break
        if cmp != "=" or approx:
            break
    start = q_start
    if cmp == "=" and not approx:
        found = _prefix(view, q_start)
        if found:
            cmp, start = found
    if view[max(0, start - 1) : start] == "约":
        approx, start = True, start - 1
    kind = _kind(view, start, q_start, q_end, end, unit, cmp)
    return FoundQuantity(start, q_end, value, unit, cmp, kind, approx)


def _suffix_positions(view: str, q_end: int, end: int) -> list[int]:
    """Where a comparator may follow: right after the unit, or after a short noun (5000个虚拟机以上)."""
    positions = [q_end]
    m = _NOUN_BEFORE_SUFFIX.match(view, q_end, end)
    if m and not re.search("[的和与及、]", m.group(0)):
        positions.append(m.end())
    return positions


def _prefix(view: str, q_start: int) -> tuple[str, int] | None:
    lo = q_start
    reach = q_start - _PREFIX_REACH
    while lo > 0 and lo > reach and view[lo - 1] not in _CLAUSE_END and not view[lo - 1].isdigit():
        lo -= 1
    window = view[lo:q_start]
    best = None
    for word, c in _PREFIX:
        at = window.rfind(word)
        if at >= 0 and (best is None or at + len(word) > best[2]):
            best = (c, lo + at, at + len(word))
    if best is None:
        return None
    return best[0], best[1]


def _clause_before(view: str, at: int, stops: str) -> str:
    lo = at
    while lo > 0 and view[lo - 1] not in stops:
        lo -= 1
    return view[lo:at]


def _clause_after(view: str, at: int, end: int) -> str:
    hi = at
    while hi < end and view[hi] not in "，,。；;\n":
        hi += 1
    return view[at:hi]


def _kind(view: str, start: int, q_start: int, q_end: int, end: int, unit: str, cmp: str) -> str:
    """target: a level the government commits to reach; param: a rule's parameter.

    Durations, fractions and rates paid out are parameters; a threshold that qualifies a noun
    (5.5%的企业, 30人以上的企业) is a parameter; "X以上" standing alone is a commitment.
    """
    if unit in DURATION_UNITS.values() or unit in ("ratio", "岁"):
        return "param"
    if unit.endswith("百分点"):
        return "target"
    lead = view[max(0, start - 6) : q_start]
    sentence = _clause_before(view, start, _SENTENCE_END)
    after = _clause_after(view, q_end, end)
    if any(cue in lead for cue in _TARGET_CUES):
        return "target"
    if "/" in unit:
        return "param" if any(w in sentence for w in ("给予", "补贴", "补助", "奖励", "标准", "按")) else "target"
    if after.startswith("的") or (cmp in (">=", "<=") and "的" in after):
        return "param"
    if cmp == ">=" and view[q_end - 2 : q_end] == "以上":
        return "target"
    before = view[max(0, start - 6) : start]
    if re.search(r"率\)?(?:不|低于|高于|超过|控制|为|放宽)?[^，,。；;]{0,4}$", lead) or any(
        before.endswith(w) for w in _PARAM_BEFORE
    ):
        return "param"
    if unit in ("元", "%", "‰") and any(w in sentence for w in _PARAM_CONTEXT):
        return "param"
    if unit == "%" and view[q_start - 1 : q_start] == "的" and any(w in lead for w in _FEE_WORDS):
        return "param"
    if cmp in ("<=", "<") and unit == "元":
        return "param"
    return "target"


def _share_fenbie_quotes(view: str, found: list[FoundQuantity]) -> list[FoundQuantity]:
    """分别新开发2个、4个: one entry per number, all quoting the whole 分别 phrase."""
    out = list(found)
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and view[out[j].end : out[j + 1].start] in ("、", "和", ","):
            j += 1
        if j > i:
            lead = view.rfind("分别", max(0, out[i].start - 12), out[i].start)
            if lead >= 0 and not re.search("[，,。；;]", view[lead : out[i].start]):
                start, stop = lead, out[j].end
                for k in range(i, j + 1):
                    q = out[k]
                    out[k] = FoundQuantity(start, stop, q.value, q.unit, q.cmp, q.kind, q.approx)
        i = j + 1
    return out

"""Numbers as written in Chinese documents: Arabic, Chinese numerals, fractions, 万/亿 multipliers.

``chinese_to_int`` and ``int_to_chinese`` are the one place Chinese numerals are read and written
(section numbers, durations, amounts such as 三千万, Word's 一二三 and 壹贰叁 list numbering).
"""

from __future__ import annotations

import re
from decimal import Decimal

CHINESE_DIGITS = "零〇一二两三四五六七八九十百千"
CHINESE_NUMBER = f"[{CHINESE_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?"
ARABIC_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
NUMBER = f"(?:{ARABIC_NUMBER}|{CHINESE_NUMBER})"

MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "万亿": 1_000_000_000_000, "千万": 10_000_000, "百万": 1_000_000}

_FRACTION_CN = re.compile(r"([零〇一二两三四五六七八九十百]+)分之([零〇一二两三四五六七八九十百]+)")

# Reading: lower-case digits and units, and the legal capitals (大写) Word's 壹贰叁 lists use.
_DIGIT_VALUES = {**{c: i for i, c in enumerate("零一二三四五六七八九")}, "〇": 0, "两": 2,
                 **{c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖") if i}}
_UNIT_VALUES = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "万": 10_000, "亿": 100_000_000}
# Writing.
_LOWER = ("零一二三四五六七八九", "十百千", "万亿")
_CAPITAL = ("零壹贰叁肆伍陆柒捌玖", "拾佰仟", "万亿")
WRITABLE_BELOW = 10**12  # up to 九千九百九十九亿…


def chinese_to_int(text: str) -> int:
    """A Chinese integer → int: '十一' → 11, '一百零五' → 105, '三千万' → 30000000, '两' → 2,
    '一百五' → 150 (the abbreviated 一百五十), '二十万亿' → 2×10¹³, '壹拾' → 10.

    Only 十 may stand without a digit before it (十五). A string of bare digits is refused unless it
    is one digit: '二〇二〇' is a year and '一二' means "one or two", not amounts. Raises ValueError.
    """
    text = text.strip()
    if len(text) == 1 and text in _DIGIT_VALUES:
        return _DIGIT_VALUES[text]
    return _with_units(text, text)


def _with_units(part: str, whole: str) -> int:
    """``part`` of ``whole`` split at its highest unit: what multiplies it, and what follows it."""
    present = [(value, part.rfind(u)) for u, value in _UNIT_VALUES.items() if u in part]
    if not present or any(c not in _DIGIT_VALUES and c not in _UNIT_VALUES for c in part):
        raise ValueError(f"not a Chinese numeral: {whole!r}")
    unit, at = max(present)
    head, tail = part[:at], part[at + 1:]
    if len(head) == 1 and head in _DIGIT_VALUES:
        multiple = _DIGIT_VALUES[head]
    elif not head and unit == 10:
        multiple = 1  # 十五
    elif head and unit >= 10_000:
        multiple = _with_units(head, whole)  # 三千万, 二十万亿
    else:
        raise ValueError(f"not a Chinese numeral: {whole!r}")
    if not 0 < multiple < (unit if unit >= 10_000 else 10):  # 一万万 is 一亿
        raise ValueError(f"not a Chinese numeral: {whole!r}")
    return multiple * unit + _rest(tail, unit, whole)


def _rest(tail: str, unit: int, whole: str) -> int:
    """What follows a unit: nothing, 零 and a smaller number, one digit meaning the next unit down
    (一百五 = 150, 三万五 = 35000), or a smaller number."""
    if not tail:
        return 0
    if tail[0] in "零〇":
        rest = chinese_to_int(tail[1:]) if tail[1:] else -1
        if not 0 < rest < unit // 10:
            raise ValueError(f"not a Chinese numeral: {whole!r}")
        return rest
    if len(tail) == 1 and tail in _DIGIT_VALUES:
        if unit == 10:
            return _DIGIT_VALUES[tail]
        return _DIGIT_VALUES[tail] * (unit // 10)
    rest = _with_units(tail, whole)
    if rest >= unit:
        raise ValueError(f"not a Chinese numeral: {whole!r}")
    return rest


def int_to_chinese(n: int, capital: bool = False) -> str:
    """0 ≤ n < 10¹² in Chinese: 10 → 十, 105 → 一百零五, 30000000 → 三千万, 100000001 → 一亿零一;
    with ``capital`` the legal capitals (大写) used on amounts and Word's 壹贰叁 lists: 10 → 壹拾."""
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n < WRITABLE_BELOW:
        raise ValueError(f"cannot write {n!r} in Chinese numerals (0 to {WRITABLE_BELOW - 1})")
    digits, small, large = _CAPITAL if capital else _LOWER
    if n == 0:
        return digits[0]
    out: list[str] = []
    zero_pending = False
    for group_index in (2, 1, 0):  # 亿, 万, units: four digits each
        group = n // 10 ** (4 * group_index) % 10_000
        for place in (3, 2, 1, 0):
            d = group // 10**place % 10
            if d == 0:
                zero_pending = bool(out)
                continue
            if zero_pending:
                out.append(digits[0])
                zero_pending = False
            out.append(digits[d] + (small[place - 1] if place else ""))
        if group and group_index:
            out.append(large[group_index - 1])
            zero_pending = False  # zeros ending a group are not read: 四十万四千, not 四十万零四千
    text = "".join(out)
    return text[1:] if not capital and text.startswith("一十") else text


def parse_number(text: str) -> Decimal:
    """'3000' → 3000, '1.2' → 1.2, '3,000' → 3000, '六十' → 60, '两' → 2, '五点五' → 5.5,
    '3千' → 3000, '1.2万' → 12000."""
    text = text.strip()
    if not text:
        raise ValueError("empty number")
    if re.fullmatch(ARABIC_NUMBER, text):
        return Decimal(text.replace(",", ""))
    mixed = re.fullmatch(rf"({ARABIC_NUMBER})([十百千万亿]+)", text)
    if mixed:
        return Decimal(mixed.group(1).replace(",", "")) * _unit_product(mixed.group(2))
    whole, dot, decimals = text.partition("点")
    value = Decimal(chinese_to_int(whole))
    if dot:
        if not decimals or any(c not in "零〇一二三四五六七八九" for c in decimals):
            raise ValueError(f"not a number: {text}")
        value += Decimal("0." + "".join(str(_DIGIT_VALUES[c]) for c in decimals))
    return value


def _unit_product(units: str) -> int:
    product = 1
    for u in units:
        product *= _UNIT_VALUES[u]
    return product


def parse_fraction(text: str) -> Decimal:
    """'2/3' or '三分之二' → the ratio as a Decimal."""
    if "/" in text:
        num, den = text.split("/")
        return Decimal(num) / Decimal(den)
    m = _FRACTION_CN.fullmatch(text)
    if not m:
        raise ValueError(f"not a fraction: {text}")
    return parse_number(m.group(2)) / parse_number(m.group(1))


def scale(value: Decimal, multiplier: str | None) -> Decimal:
    return value * MULTIPLIERS[multiplier] if multiplier else value


def plain(value: Decimal, places: int | None = None) -> int | float:
    """A Decimal as the JSON number a reader expects: 3000 not 3000.0, 0.6667 for 2/3."""
    if places is not None:
        value = round(value, places)
    if value == value.to_integral_value():
        return int(value)
    return float(value)

"""Numbers as written in Chinese documents: Arabic, Chinese numerals, fractions, 万/亿 multipliers."""

from __future__ import annotations

import re
from decimal import Decimal

import cn2an

CHINESE_DIGITS = "零〇一二两三四五六七八九十百千"
CHINESE_NUMBER = f"[{CHINESE_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?"
ARABIC_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
NUMBER = f"(?:{ARABIC_NUMBER}|{CHINESE_NUMBER})"

MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "万亿": 1_000_000_000_000, "千万": 10_000_000, "百万": 1_000_000}

_FRACTION_CN = re.compile(r"([零〇一二两三四五六七八九十百]+)分之([零〇一二两三四五六七八九十百]+)")


def parse_number(text: str) -> Decimal:
    """'3000' → 3000, '1.2' → 1.2, '六十' → 60, '两' → 2, '3,000' → 3000."""
    text = text.strip()
    if not text:
        raise ValueError("empty number")
    if re.fullmatch(ARABIC_NUMBER, text):
        return Decimal(text.replace(",", ""))
    text = text.replace("〇", "零")
    if text == "两":
        return Decimal(2)
    try:
        value = cn2an.cn2an(text.replace("两", "二"), "smart")
    except (ValueError, KeyError, IndexError) as exc:
        raise ValueError(f"not a number: {text}") from exc
    return Decimal(str(value))


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

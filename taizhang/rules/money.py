"""Money as integer 分 (fen): exact arithmetic in int64 arrays, ``Decimal`` only at the edges.

No binary float ever holds an amount. A fraction of an amount (100%, 2/3, 1%) is applied with integer
arithmetic and rounded half-up to the 分, once, at the end of the computation.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

import numpy as np

FEN_PER_YUAN = 100
# One trillion 元 is beyond any single benefit, premium or budget line: a larger figure is a typo. The
# bound also keeps ``amount × numerator × 2`` inside int64 for the fractions rules use.
MAX_FEN = 10**12 * FEN_PER_YUAN
_INT64_MAX = np.iinfo(np.int64).max


def yuan_to_fen(value: Decimal | int | str) -> int:
    """An amount in 元 (at most two decimals) as an integer number of 分; refuses sub-分 precision."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(f"不是有效的金额：{value!r}") from None
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"金额最多保留两位小数（到分）：{value}")
    return int(fen)


def fen_to_yuan(fen: int | np.integer) -> Decimal:
    """分 → 元 as an exact Decimal with two places (``Decimal('90000.00')``)."""
    return (Decimal(int(fen)) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def format_yuan(fen: int | np.integer) -> str:
    """分 → ``'90,000.00元'`` for printouts."""
    return f"{fen_to_yuan(fen):,.2f}元"


def as_fraction(value: Fraction | Decimal | int | str) -> Fraction:
    """A rate written as ``'2/3'``, a Decimal or an int as an exact Fraction."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str) and "/" in value:
        numerator, denominator = value.split("/", 1)
        return Fraction(int(numerator), int(denominator))
    return Fraction(Decimal(value))


def apply_fraction(amounts: np.ndarray, numerator, denominator) -> np.ndarray:
    """``amounts × numerator ÷ denominator`` for non-negative 分, rounded half-up to the 分.

    ``numerator`` and ``denominator`` may be ints or int64 arrays (per-row fractions such as
    months payable ÷ months claimed); the denominator must be positive.
    """
    amounts = np.asarray(amounts, dtype=np.int64)
    if np.ndim(numerator) == 0 and np.ndim(denominator) == 0 and numerator == denominator:
        return amounts  # 100%: nothing to round
    numerator = np.asarray(numerator, dtype=np.int64)
    denominator = np.asarray(denominator, dtype=np.int64)
    _check_headroom(amounts, numerator)
    return (amounts * numerator * 2 + denominator) // (2 * denominator)


def _check_headroom(amounts: np.ndarray, numerator: np.ndarray) -> None:
    if amounts.size == 0 or numerator.size == 0:
        return
    largest = int(amounts.max(initial=0)) * int(np.abs(numerator).max(initial=0)) * 2
    if largest > _INT64_MAX:
        raise OverflowError("金额与比例的乘积超出整数范围；请检查输入的金额是否过大。")


def round_half_up(value: Fraction) -> int:
    """A Fraction of 分 rounded half-up to a whole 分 (for scalar edges and tests)."""
    magnitude = (abs(value) * 2 + 1) // 2
    return int(magnitude) if value >= 0 else -int(magnitude)


def percent_text(rate: Fraction, places: int = 2) -> str:
    """A rate as a percentage for people: ``Fraction(11, 200)`` → ``'5.5%'``; trailing zeros dropped."""
    value = (Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).quantize(
        Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def fraction_text(rate: Fraction) -> str:
    """``2/3`` stays ``2/3``; a rate with a short decimal form reads as a percentage (``100%``, ``1%``)."""
    scaled = rate * 10_000
    if scaled.denominator == 1:
        return percent_text(rate)
    return f"{rate.numerator}/{rate.denominator}"

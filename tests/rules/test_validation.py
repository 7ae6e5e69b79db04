"""Identifiers, amounts, rates and dates are validated exactly, one value and a whole column alike."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.rules import identifiers
from taizhang.rules.kinds import CREDIT_CODE, DAY, FLAG, ID_NUMBER, MONEY, PERCENT, Choice, Enum
from taizhang.rules.money import apply_fraction, format_yuan, yuan_to_fen

TODAY = date(2020, 9, 1)


def problems_of(kind, values: list) -> list[str | None]:
    """The first problem of each value (None when valid), as a clerk would read it."""
    converted = kind.convert(pa.array(values, pa.string()), TODAY)
    found: list[str | None] = [None] * len(values)
    for mask, reason in converted.problems:
        for i in np.flatnonzero(mask):
            found[i] = found[i] or reason
    return found


@pytest.mark.parametrize("code, problem", [
    ("91350100M000100Y43", None),  # a published example
    ("91360702MA35F0XX1X", None),
    ("91350100M000100Y44", "校验码不符（GB 32100—2015），请核对是否抄错"),
    ("91350100M000100Y4", "应为18位，实际17位"),
    ("9135010OM000100Y43", identifiers.CREDIT_BAD_CHAR),  # the letter O is not used
])
def test_credit_code(code, problem):
    assert identifiers.credit_code_problem(code) == problem
    column = problems_of(CREDIT_CODE, [code])[0]
    assert column == (None if problem is None else ("应为18位" if "应为18位" in problem else problem))


@pytest.mark.parametrize("number, problem", [
    ("11010519491231002X", None),  # GB 11643—1999's own example
    ("110105194912310021", identifiers.ID_BAD_CHECK),
    ("11010519491331002X", identifiers.ID_BAD_BIRTH),  # month 13
    ("11010520200230002X", identifiers.ID_BAD_BIRTH),  # 30 February
    ("110105189912310021", identifiers.ID_IMPLAUSIBLE),  # born 1899
    ("11010519491231002", "应为18位，实际17位"),
    ("1101051949123100X2", identifiers.ID_MALFORMED),
])
def test_id_number(number, problem):
    assert identifiers.id_number_problem(number, TODAY) == problem


ALPHABET = st.sampled_from(identifiers.CREDIT_ALPHABET)


@given(st.lists(st.text(ALPHABET, min_size=17, max_size=17), min_size=1, max_size=20), st.data())
def test_column_and_scalar_credit_checks_agree(bodies, data):
    codes = [body + identifiers.credit_code_check_char(body) for body in bodies]
    assert problems_of(CREDIT_CODE, codes) == [None] * len(codes)
    position = data.draw(st.integers(0, 17))
    replacement = data.draw(ALPHABET)
    broken = codes[0][:position] + replacement + codes[0][position + 1:]
    expected = identifiers.credit_code_problem(broken)
    assert problems_of(CREDIT_CODE, [broken])[0] == expected


@given(st.dates(date(1900, 1, 1), date(2020, 9, 1)), st.integers(0, 999), st.sampled_from(["110105", "360702"]))
def test_column_and_scalar_id_checks_agree(birth, serial, region):
    body = f"{region}{birth:%Y%m%d}{serial:03d}"
    number = body + identifiers.id_check_char(body)
    assert identifiers.id_number_problem(number, TODAY) is None
    assert problems_of(ID_NUMBER, [number, number.lower()]) == [None, None]
    wrong = body + ("0" if number[-1] != "0" else "1")
    assert problems_of(ID_NUMBER, [wrong]) == [identifiers.id_number_problem(wrong, TODAY)]


@pytest.mark.parametrize("text, fen, problem", [
    ("120000", 12_000_000, None),
    ("120,000.5", 12_000_050, None),
    ("0.01元", 1, None),
    ("1.234", 0, "金额最多保留两位小数（到分）"),
    ("-5", 0, "不能为负数"),
    ("十万", 0, "不是有效的金额"),
    ("2000000000000", 0, "数值过大，请核对单位"),
])
def test_money_is_read_exactly_in_fen(text, fen, problem):
    converted = MONEY.convert(pa.array([text]), TODAY)
    assert problems_of(MONEY, [text]) == [problem]
    if problem is None:
        assert converted.values.dtype == np.int64 and converted.values[0] == fen


def test_money_from_typed_columns_never_goes_through_binary_floats():
    assert list(MONEY.convert(pa.array([0.1, 5.51]), TODAY).values) == [10, 551]
    assert list(MONEY.convert(pa.array([3, 7]), TODAY).values) == [300, 700]
    decimals = pa.array(["1.5", "2.25"]).cast(pa.decimal128(10, 2))
    assert list(MONEY.convert(decimals, TODAY).values) == [150, 225]


def test_percent_keeps_four_decimals():
    assert list(PERCENT.convert(pa.array(["5.5", "5.51%", "0.0001"]), TODAY).values) == [55000, 55100, 1]
    assert problems_of(PERCENT, ["5.55555", "101"]) == ["百分比最多保留4位小数", "数值过大，请核对单位"]


@pytest.mark.parametrize("text, day", [
    ("2020-06-18", "2020-06-18"), ("2020/6/8", "2020-06-08"), ("2020年6月18日", "2020-06-18"),
    ("20200618", "2020-06-18"), ("2020.6.18", "2020-06-18"), ("2020-06-18 00:00:00", "2020-06-18"),
])
def test_dates_in_the_usual_spellings(text, day):
    assert str(DAY.convert(pa.array([text]), TODAY).values[0]) == day


def test_impossible_dates_are_refused_not_rolled_over():
    assert problems_of(DAY, ["2020-02-30", "2021-02-29", "2020-13-01", "明天"]) == [
        "不是有效日期（请写成2020-06-18）"] * 4
    assert problems_of(DAY, ["2020-02-29"]) == [None]


def test_flags_and_choices():
    assert list(FLAG.convert(pa.array(["是", "否", "Y", "false"]), TODAY).values) == [True, False, True, False]
    assert problems_of(FLAG, ["也许"]) == ["应填“是”或“否”"]
    sizes = Enum(choices=(Choice("large", "大型"), Choice("small", "小型")))
    assert list(sizes.convert(pa.array(["大型", "small", "SMALL"]), TODAY).values) == [0, 1, 1]
    assert problems_of(sizes, ["特大型"]) == ["不是可选的值（可选：大型、小型）"]


@pytest.mark.parametrize("fen, numerator, denominator, expected", [
    (100, 2, 3, 67),  # 0.666… 元 → 0.67
    (1, 1, 2, 1),  # half a 分 rounds up
    (3, 1, 2, 2),  # 1.5 分 → 2
    (5_000_001, 1, 2, 2_500_001),  # 50,000.01 × 50% = 25,000.005 → 25,000.01
    (100_000, 6 * 2, 12 * 3, 33_333),  # 1,000 元 × 6/12 × 2/3 = 333.333… → 333.33
])
def test_fractions_of_money_round_half_up_to_the_fen(fen, numerator, denominator, expected):
    assert apply_fraction(np.array([fen]), numerator, denominator)[0] == expected


def test_money_edges():
    assert yuan_to_fen("90000.00") == 9_000_000
    assert format_yuan(9_000_000) == "90,000.00元"
    with pytest.raises(ValueError):
        yuan_to_fen("0.001")

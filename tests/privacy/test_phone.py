r"""Mobile phone numbers: 11 digits, 1 then 3—9 (^1[3-9]\d{9}$), checked one value and a whole column
alike, reported in Chinese with the row, the field and why — like the other identifiers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.benefits import rule_book
from taizhang.rules import identifiers
from taizhang.rules.kinds import PHONE
from taizhang.rules.single import InvalidInputs, evaluate_one, evaluate_records

TODAY = date(2020, 9, 1)
LOAN = {"id_number": "11010519491231002X", "name": "王五", "requested_amount": "250000"}


def problems_of(values: list) -> list[str | None]:
    converted = PHONE.convert(pa.array(values, pa.string()), TODAY)
    found: list[str | None] = [None] * len(values)
    for mask, reason in converted.problems:
        for i in np.flatnonzero(mask):
            found[i] = found[i] or reason
    return found


@pytest.mark.parametrize("number, problem", [
    ("13812345678", None),
    ("19912345678", None),  # the 19x segment
    ("16612345678", None),
    ("1381234567", "应为11位，实际10位"),
    ("138123456789", "应为11位，实际12位"),
    ("12012345678", identifiers.PHONE_BAD_PREFIX),  # there is no 12x mobile segment
    ("10012345678", identifiers.PHONE_BAD_PREFIX),
    ("23812345678", identifiers.PHONE_BAD_PREFIX),  # does not start with 1
    ("1381234567a", identifiers.PHONE_NOT_DIGITS),
    ("１３８１２３４５６７８", identifiers.PHONE_NOT_DIGITS),  # full-width digits
])
def test_one_phone_number(number, problem):
    assert identifiers.phone_problem(number) == problem


def test_a_column_of_phone_numbers_as_people_write_them():
    converted = PHONE.convert(pa.array(["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
                                        "008613812345678", None]), TODAY)
    assert converted.values.to_pylist() == ["13812345678"] * 5 + [None]
    assert list(converted.missing) == [False] * 5 + [True]
    assert all(not mask.any() for mask, _ in converted.problems)


def test_column_reasons():
    assert problems_of(["1381234567", "12012345678", "1381234567a", "13812345678"]) == [
        "应为11位", identifiers.PHONE_BAD_PREFIX, identifiers.PHONE_NOT_DIGITS, None]


@given(st.lists(st.text("0123456789", min_size=11, max_size=11), min_size=1, max_size=30))
def test_column_and_scalar_phone_checks_agree(numbers):
    assert problems_of(numbers) == [identifiers.phone_problem(n) for n in numbers]


def test_the_phone_is_optional_and_shown_masked_in_the_printout():
    result = evaluate_one(rule_book()["startup_loan_ceiling"], LOAN, on=TODAY)
    assert result.eligible is True and "联系电话" not in result.applicant
    result = evaluate_one(rule_book()["startup_loan_ceiling"], {**LOAN, "手机号": "150 1234 5678"}, on=TODAY)
    assert result.applicant == "身份证号码：110***********002X，姓名：王*，联系电话：150****5678"


def test_a_bad_phone_at_the_window_says_which_field_and_why():
    with pytest.raises(InvalidInputs) as refused:
        evaluate_one(rule_book()["startup_loan_ceiling"], {**LOAN, "phone": "12012345678"}, on=TODAY)
    assert refused.value.message == f"输入有误：联系电话“120****5678”{identifiers.PHONE_BAD_PREFIX}。"
    assert refused.value.details == [{"row": 1, "field": "phone", "label": "联系电话", "value": "120****5678",
                                      "reason": identifiers.PHONE_BAD_PREFIX}]


def test_a_bad_phone_in_a_batch_is_an_error_row_and_the_others_are_computed():
    rows = [{**LOAN, "phone": "13812345678"}, {**LOAN, "id_number": "36070219920315002X", "phone": "1381234567"},
            {**LOAN, "id_number": "360702198511200047"}]
    outcome = evaluate_records(rule_book()["startup_loan_ceiling"], rows, on=TODAY)
    assert [r["row"] for r in outcome.results] == [1, 3]
    assert [e.text for e in outcome.errors] == ["第2条：联系电话“138***4567”应为11位"]

"""Masking: 姓名 keeps its first character, 身份证号码 the first 3 and last 4, 手机号码 3 + 4, 统一社会信用代码
6 + 4; a value too short to keep both ends becomes stars. One rule for a value and for a whole column."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.benefits import rule_book
from taizhang.privacy.masking import (
    CREDIT_CODE_MASK,
    ID_NUMBER_MASK,
    NAME_MASK,
    PHONE_MASK,
    mask_credit_code,
    mask_id_number,
    mask_name,
    mask_phone,
    redact_text,
)
from taizhang.rules.kinds import CreditCode, IdNumber, PersonName, Phone


@pytest.mark.parametrize("value, masked", [("张三", "张*"), ("欧阳娜娜", "欧***"), (" 李四 ", "李*"),
                                           ("李", "*")])  # one character: keeping it would show it all
def test_names_keep_their_first_character(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize("mask, value, masked", [
    (mask_id_number, "11010519491231002X", "110***********002X"),
    (mask_phone, "13812345678", "138****5678"),
    (mask_credit_code, "91360702MA35F0XX1X", "913607********XX1X"),
    (mask_id_number, "1234567", "*******"),  # a mistyped value too short for 3 + 4: stars only
    (mask_phone, "123", "***"),
])
def test_identifiers_keep_their_head_and_tail(mask, value, masked):
    assert mask(value) == masked


TEXTS = st.lists(st.one_of(st.none(), st.text(st.sampled_from("0123456789X张欧阳娜"), max_size=20)), max_size=20)


@pytest.mark.parametrize("mask", [NAME_MASK, ID_NUMBER_MASK, PHONE_MASK, CREDIT_CODE_MASK])
@given(values=TEXTS)
def test_a_column_is_masked_exactly_as_each_value(mask, values):
    expected = [None if v is None else mask.text(v) for v in values]
    assert mask.column(pa.array(values, pa.string())).to_pylist() == expected


def test_free_text_loses_identifiers_but_keeps_amounts_and_dates():
    text = "第3行：91360702MA35F0XX1X,张三,11010519491231002X,13812345678,120000.00,20200618"
    assert redact_text(text) == "第3行：913607********XX1X,张三,110***********002X,138****5678,120000.00,20200618"


def test_every_input_that_names_a_person_is_masked_by_its_kind():
    """Names of people, ID numbers and phone numbers in every rule: each one's kind masks it."""
    personal = [(bound.rule.name, f) for bound in rule_book() for f in bound.rule.fields
                if f.name in ("person_name", "id_number", "phone") or (f.name == "name" and bound.rule.entity == "person")]
    assert len(personal) >= 12
    for rule, f in personal:
        assert isinstance(f.kind, PersonName | IdNumber | Phone), (rule, f.name)
        assert f.identity and f.kind.sensitive and not f.is_substantive, (rule, f.name)
    phones = {rule for rule, f in personal if f.name == "phone"}
    assert phones == {"work_training_subsidy", "flexible_employment_subsidy", "startup_loan_ceiling",
                      "temporary_relief_approval"}
    assert all(isinstance(f.kind, CreditCode) for b in rule_book() for f in b.rule.fields if f.name == "credit_code")

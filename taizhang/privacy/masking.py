"""Masking personal data for display: enough to recognise a record, not enough to harvest identities.

Every page, API response, export and error list shows these by default; the whole value needs the
``personal.reveal`` permission and a reason (``taizhang.fulfillment.service.reveal_payout``).

- 姓名 keeps its first character: 张三 → 张*, 欧阳娜娜 → 欧***;
- 身份证号码 keeps the first 3 and the last 4 characters: 110***********002X;
- 手机号码 keeps the first 3 and the last 4 digits: 138****5678;
- 统一社会信用代码 keeps the first 6 (registration authority, kind, region) and the last 4.

A value too short to keep its head and tail (a mistyped one in an error list) becomes stars only.
One rule, two forms: a single value, and a whole Arrow column (a results file of a million rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

STAR = "*"
_WHOLE = 1 << 62  # "to the end" for Arrow's slice


@dataclass(frozen=True)
class Mask:
    """Keep ``head`` characters at the start and ``tail`` at the end; every other one becomes ``*``."""

    head: int
    tail: int = 0

    def text(self, value: str) -> str:
        if len(value) <= self.head + self.tail:
            return STAR * len(value)
        end = value[len(value) - self.tail:] if self.tail else ""
        return value[: self.head] + STAR * (len(value) - self.head - self.tail) + end

    def column(self, values: pa.Array) -> pa.Array:
        """The same as ``text`` over a whole string column, nulls kept, without a Python loop."""
        head = pc.utf8_slice_codeunits(values, 0, self.head)
        middle = pc.utf8_slice_codeunits(values, self.head, -self.tail if self.tail else _WHOLE)
        tail = pc.utf8_slice_codeunits(values, -self.tail) if self.tail else pc.utf8_slice_codeunits(values, 0, 0)
        kept = pc.binary_join_element_wise(head, pc.replace_substring_regex(middle, ".", STAR), tail, "")
        short = pc.less_equal(pc.utf8_length(values), self.head + self.tail)
        return pc.if_else(short, pc.replace_substring_regex(values, ".", STAR), kept)


NAME_MASK, ID_NUMBER_MASK, PHONE_MASK, CREDIT_CODE_MASK = Mask(1), Mask(3, 4), Mask(3, 4), Mask(6, 4)


def mask_name(name: str) -> str:
    return NAME_MASK.text(name.strip())


def mask_id_number(number: str) -> str:
    return ID_NUMBER_MASK.text(number)


def mask_phone(number: str) -> str:
    return PHONE_MASK.text(number)


def mask_credit_code(code: str) -> str:
    return CREDIT_CODE_MASK.text(code)


# Free text (a job's message, an error from a library) may quote a row of the extract. Whatever looks
# like an ID number, a credit code or a mobile number in it is masked before it is stored or shown.
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_CODE_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NP-RTUWXY]{18}(?![0-9A-Za-z])")
_PHONE_LIKE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def redact_text(text: str) -> str:
    text = _ID_LIKE.sub(lambda m: mask_id_number(m.group()), text)
    text = _CODE_LIKE.sub(lambda m: mask_credit_code(m.group()), text)
    return _PHONE_LIKE.sub(lambda m: mask_phone(m.group()), text)

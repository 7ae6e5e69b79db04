"""Identifiers of applicants: 统一社会信用代码 (GB 32100—2015), 居民身份证号码 (GB 11643—1999) and
mobile phone numbers (11 digits, 1 then 3—9: the numbering plan of the 工业和信息化部).

Each check exists twice: for one value (the window, tests) and over a whole column as a matrix of
bytes (batches of a million rows). Both give the same answer; a property test holds them together.
"""

from __future__ import annotations

from datetime import date

import numpy as np

# GB 32100—2015: 31 characters, the letters I, O, Z, S and V are not used.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_LENGTH = 18

# GB 11643—1999: ISO 7064 MOD 11-2 over the first 17 digits; 10 is written X.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_LENGTH = 18
EARLIEST_BIRTH_YEAR = 1900

CREDIT_BAD_CHAR = "含有不允许的字符（只能是数字和除I、O、Z、S、V以外的大写字母）"
CREDIT_BAD_CHECK = "校验码不符（GB 32100—2015），请核对是否抄错"
ID_MALFORMED = "前17位应为数字，最后一位为数字或X"
ID_BAD_BIRTH = "出生日期不是有效日期"
ID_IMPLAUSIBLE = "出生日期不合理"
ID_BAD_CHECK = "校验码不符（GB 11643—1999），请核对是否抄错"

# Mobile numbers: ^1[3-9]\d{9}$ — 11 digits, the second one 3 to 9 (no 10, 11, 12 number segments).
PHONE_LENGTH = 11
PHONE_NOT_DIGITS = "只能是数字（手机号码为11位数字）"
PHONE_BAD_PREFIX = "不是有效的手机号码（应以13—19开头）"


# ---------------------------------------------------------------- one value


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a credit code whose first 17 characters are given."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid credit code (Chinese), or None."""
    if len(code) != CREDIT_LENGTH:
        return f"应为18位，实际{len(code)}位"
    if any(c not in CREDIT_ALPHABET for c in code):
        return CREDIT_BAD_CHAR
    if credit_code_check_char(code[:17]) != code[17]:
        return CREDIT_BAD_CHECK
    return None


def id_check_char(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are given."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def id_number_problem(number: str, today: date | None = None) -> str | None:
    """Why ``number`` is not a valid ID number (Chinese), or None."""
    if len(number) != ID_LENGTH:
        return f"应为18位，实际{len(number)}位"
    if not number[:17].isdigit() or not number[:17].isascii() or number[17] not in "0123456789X":
        return ID_MALFORMED
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return ID_BAD_BIRTH
    if birth.year < EARLIEST_BIRTH_YEAR or (today is not None and birth > today):
        return ID_IMPLAUSIBLE
    if id_check_char(number[:17]) != number[17]:
        return ID_BAD_CHECK
    return None


def phone_problem(number: str) -> str | None:
    """Why ``number`` is not a mobile phone number (Chinese), or None."""
    if len(number) != PHONE_LENGTH:
        return f"应为11位，实际{len(number)}位"
    if not (number.isdigit() and number.isascii()):
        return PHONE_NOT_DIGITS
    if number[0] != "1" or number[1] not in "3456789":
        return PHONE_BAD_PREFIX
    return None


def birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


# ---------------------------------------------------------------- a column as an (n, 18) byte matrix


def _lookup(alphabet: str) -> np.ndarray:
    table = np.full(256, -1, dtype=np.int16)
    for value, char in enumerate(alphabet):
        table[ord(char)] = value
    return table


_CREDIT_VALUES = _lookup(CREDIT_ALPHABET)
_DIGIT_VALUES = _lookup("0123456789")
_ID_CHECK_BYTES = np.frombuffer(ID_CHECK_CHARS.encode(), dtype=np.uint8)
_CREDIT_BYTES = np.frombuffer(CREDIT_ALPHABET.encode(), dtype=np.uint8)


def credit_code_problems(codes: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """Row masks of invalid characters and wrong check characters in an (n, 18) uint8 matrix."""
    values = _CREDIT_VALUES[codes]
    bad_char = values.min(axis=1) < 0
    total = values[:, :17].astype(np.int32) @ np.array(CREDIT_WEIGHTS, dtype=np.int32)
    expected = _CREDIT_BYTES[(31 - total % 31) % 31]
    bad_check = ~bad_char & (codes[:, 17] != expected)
    return [(bad_char, CREDIT_BAD_CHAR), (bad_check, CREDIT_BAD_CHECK)]


def id_number_problems(numbers: np.ndarray, today: date | None = None) -> list[tuple[np.ndarray, str]]:
    """Row masks of malformed numbers, impossible birth dates and wrong check digits (n, 18 matrix)."""
    digits = _DIGIT_VALUES[numbers[:, :17]]
    last = numbers[:, 17]
    malformed = (digits < 0).any(axis=1) | ~(((last >= ord("0")) & (last <= ord("9"))) | (last == ord("X")))
    digits = np.where(digits < 0, 0, digits).astype(np.int64)
    year = digits[:, 6] * 1000 + digits[:, 7] * 100 + digits[:, 8] * 10 + digits[:, 9]
    month = digits[:, 10] * 10 + digits[:, 11]
    day = digits[:, 12] * 10 + digits[:, 13]
    births, real = calendar_dates(year, month, day)
    bad_birth = ~malformed & ~real
    implausible = ~malformed & real & (year < EARLIEST_BIRTH_YEAR)
    if today is not None:
        implausible |= ~malformed & real & (births > np.datetime64(today, "D"))
    expected = _ID_CHECK_BYTES[(digits * np.array(ID_WEIGHTS)).sum(axis=1) % 11]
    bad_check = ~malformed & ~bad_birth & ~implausible & (last != expected)
    return [(malformed, ID_MALFORMED), (bad_birth, ID_BAD_BIRTH), (implausible, ID_IMPLAUSIBLE),
            (bad_check, ID_BAD_CHECK)]


def phone_problems(numbers: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """Row masks of non-digits and numbers outside the mobile segments in an (n, 11) uint8 matrix."""
    digits = _DIGIT_VALUES[numbers]
    not_digits = (digits < 0).any(axis=1)
    bad_prefix = ~not_digits & ((digits[:, 0] != 1) | (digits[:, 1] < 3))
    return [(not_digits, PHONE_NOT_DIGITS), (bad_prefix, PHONE_BAD_PREFIX)]


def calendar_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole arrays of (year, month, day) → (datetime64[D] dates, mask of real calendar dates).

    Impossible dates (2020-02-30, month 13) are flagged rather than rolled over to the next month.
    """
    year = np.asarray(year, dtype=np.int64)
    month = np.asarray(month, dtype=np.int64)
    day = np.asarray(day, dtype=np.int64)
    in_range = (year >= 1) & (year <= 9999) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    safe_year = np.where(in_range, year, 1970)
    safe_month = np.where(in_range, month, 1)
    safe_day = np.where(in_range, day, 1)
    first_of_month = (safe_year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (safe_month - 1)
    dates = first_of_month.astype("datetime64[D]") + (safe_day - 1)
    real = in_range & (dates.astype("datetime64[M]") == first_of_month)
    return dates, real

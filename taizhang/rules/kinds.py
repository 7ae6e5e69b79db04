"""Kinds of input: how a whole column (Arrow, from CSV/XLSX/Parquet/JSON) becomes a NumPy array.

Every kind converts a column at once and reports, per problem, a row mask and a Chinese reason; it
never raises on a bad value. Amounts and rates become scaled int64 (分, 万分之一个百分点) — never
floats; a float column is read through its shortest decimal text, so ``5.51`` stays 5.51.

A kind that holds personal data (a person's name, an ID number, a phone number — and, as the 公示
rules have it, a credit code) masks its values wherever they are shown (``mask``, ``mask_column``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from taizhang.privacy.masking import CREDIT_CODE_MASK, ID_NUMBER_MASK, NAME_MASK, PHONE_MASK, Mask
from taizhang.rules import identifiers
from taizhang.rules.money import MAX_FEN, format_yuan, percent_text

Problems = list[tuple[np.ndarray, str]]
MISSING_TEXT = "（未填写）"
TRUE_WORDS = frozenset({"是", "有", "true", "t", "yes", "y", "1", "√", "✓", "已参保", "参保"})
FALSE_WORDS = frozenset({"否", "无", "false", "f", "no", "n", "0", "×", "✗", "未参保", "不是"})


@dataclass
class Converted:
    values: np.ndarray | pa.Array
    missing: np.ndarray
    problems: Problems = field(default_factory=list)


def to_numpy_bool(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def as_text(column: pa.Array) -> pa.Array:
    """Any column as trimmed text with empty cells as nulls."""
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        column = pc.cast(column, pa.string())
    text = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, text.type), text)


class Kind:
    code = "text"
    label = "文本"

    def convert(self, column: pa.Array, today: date) -> Converted:
        raise NotImplementedError

    def format(self, value) -> str:
        return str(value)

    def to_json(self, value):
        return value

    def placeholder(self, size: int):
        return np.zeros(size, dtype=np.int64)

    @property
    def sensitive(self) -> bool:
        """Shown masked by default (personal data, and credit codes as the 公示 rules have them)."""
        return False

    def mask(self, text: str) -> str:
        """A value as it may be shown without the ``personal.reveal`` permission."""
        return text

    def mask_column(self, values: pa.Array) -> pa.Array:
        return values


class Masked:
    """Mixin of the kinds that hold personal data: their values are shown through ``masked_as``."""

    masked_as: Mask

    @property
    def sensitive(self) -> bool:
        return True

    def mask(self, text: str) -> str:
        return self.masked_as.text(text.strip())

    def mask_column(self, values: pa.Array) -> pa.Array:
        return self.masked_as.column(values)


@dataclass(frozen=True)
class ScaledDecimal(Kind):
    """A non-negative decimal stored as an int64 of ``value × 10**scale`` (money: scale 2 → 分)."""

    code: str = "decimal"
    label: str = "数值"
    scale: int = 2
    suffix: str = ""
    maximum: int = MAX_FEN
    invalid: str = "不是有效的数字"
    too_precise: str = "小数位数过多"

    def convert(self, column: pa.Array, today: date) -> Converted:
        if pa.types.is_integer(column.type):
            return self._from_integers(column)
        if pa.types.is_decimal128(column.type) and column.type.scale <= self.scale:
            return self._from_decimals(column)
        text = as_text(column)
        try:  # the common case, every cell a plain number: one cast, no regular expressions
            return self._checked(unscaled(pc.cast(text, pa.decimal128(38, self.scale))), text)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        text = pc.replace_substring_regex(text, r"[,，\s]" + (f"|{self.suffix}$" if self.suffix else ""), "")
        missing = to_numpy_bool(pc.is_null(text))
        number = to_numpy_bool(pc.match_substring_regex(text, r"^\d{1,13}(\.\d+)?$"))
        precise = to_numpy_bool(pc.match_substring_regex(text, rf"^\d+(\.\d{{1,{self.scale}}})?$"
                                                          if self.scale else r"^\d+$"))
        negative = to_numpy_bool(pc.match_substring_regex(text, r"^-\d"))
        good = number & precise
        safe = pc.if_else(pa.array(good), text, "0")
        decimals = pc.cast(safe, pa.decimal128(38, self.scale))
        values = unscaled(decimals)
        too_large = good & (values > self.maximum)
        problems = [(negative, "不能为负数"), (number & ~precise, self.too_precise),
                    (~missing & ~number & ~negative, self.invalid), (too_large, "数值过大，请核对单位")]
        return Converted(np.where(good & ~too_large, values, 0), missing, problems)

    def _checked(self, values: np.ndarray, text: pa.Array) -> Converted:
        missing = to_numpy_bool(pc.is_null(text))
        negative = ~missing & (values < 0)
        too_large = ~missing & (values > self.maximum)
        if negative.any() or too_large.any():
            values = np.where(negative | too_large, 0, values)
        return Converted(values, missing, [(negative, "不能为负数"), (too_large, "数值过大，请核对单位")])

    def _from_decimals(self, column: pa.Array) -> Converted:
        """A typed decimal column (Parquet): its unscaled integers, rescaled without any text."""
        missing = to_numpy_bool(pc.is_null(column))
        words = decimal_words(column)
        fits = words[:, 1] == (words[:, 0] >> 63)  # the value fits in 64 bits
        raw = np.where(fits & ~missing, words[:, 0], 0) * 10 ** (self.scale - column.type.scale)
        too_large = ~fits | (raw > self.maximum)
        negative = fits & (raw < 0)
        values = np.where(too_large | negative, 0, raw)
        return Converted(values, missing, [(negative & ~missing, "不能为负数"),
                                           (too_large & ~missing, "数值过大，请核对单位")])

    def _from_integers(self, column: pa.Array) -> Converted:
        missing = to_numpy_bool(pc.is_null(column))
        raw = np.asarray(pc.fill_null(pc.cast(column, pa.int64()), 0).to_numpy(zero_copy_only=False))
        limit = self.maximum // 10**self.scale
        too_large = raw > limit
        negative = raw < 0
        values = np.where(negative | too_large, 0, raw) * 10**self.scale
        return Converted(values, missing, [(negative, "不能为负数"), (too_large, "数值过大，请核对单位")])

    def format(self, value) -> str:
        if not self.scale:
            return str(int(value))
        text = f"{Decimal(int(value)).scaleb(-self.scale):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    def to_json(self, value):
        return str(Decimal(int(value)).scaleb(-self.scale)) if self.scale else int(value)


def decimal_words(decimals: pa.Array) -> np.ndarray:
    """A decimal128 column's unscaled integers as (low, high) 64-bit words, one row per value."""
    decimals = decimals.combine_chunks() if isinstance(decimals, pa.ChunkedArray) else decimals
    words = np.frombuffer(decimals.buffers()[1], dtype=np.int64).reshape(-1, 2)
    return words[decimals.offset : decimals.offset + len(decimals)]


def unscaled(decimals: pa.Array) -> np.ndarray:
    """The int64 unscaled values of a decimal128 column whose values fit in 64 bits."""
    return decimal_words(decimals)[:, 0].copy()


@dataclass(frozen=True)
class Money(ScaledDecimal):
    code: str = "money"
    label: str = "金额（元）"
    scale: int = 2
    suffix: str = "元"
    invalid: str = "不是有效的金额"
    too_precise: str = "金额最多保留两位小数（到分）"

    def format(self, value) -> str:
        return format_yuan(value)


@dataclass(frozen=True)
class Count(ScaledDecimal):
    code: str = "count"
    label: str = "整数"
    scale: int = 0
    maximum: int = 10**12
    invalid: str = "不是有效的整数"
    too_precise: str = "应为整数"


@dataclass(frozen=True)
class Percent(ScaledDecimal):
    """A percentage stored as ``percent × 10**4``: ``'5.51'`` (or ``'5.51%'``) → 55100."""

    code: str = "percent"
    label: str = "百分比（%）"
    scale: int = 4
    suffix: str = "%"
    maximum: int = 100 * 10**4
    invalid: str = "不是有效的百分比"
    too_precise: str = "百分比最多保留4位小数"

    def format(self, value) -> str:
        return percent_text(Fraction(int(value), 100 * 10**4), places=4)


@dataclass(frozen=True)
class Flag(Kind):
    code: str = "bool"
    label: str = "是/否"

    def convert(self, column: pa.Array, today: date) -> Converted:
        if pa.types.is_boolean(column.type):
            return Converted(to_numpy_bool(column), to_numpy_bool(pc.is_null(column)))
        text = as_text(column)
        missing = to_numpy_bool(pc.is_null(text))
        codes = _dictionary_codes(text, lambda word: 1 if word in TRUE_WORDS else 0 if word in FALSE_WORDS else -1)
        return Converted((codes == 1) & ~missing, missing, [(~missing & (codes < 0), "应填“是”或“否”")])

    def format(self, value) -> str:
        return "是" if value else "否"

    def to_json(self, value):
        return bool(value)

    def placeholder(self, size: int):
        return np.zeros(size, dtype=bool)


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Enum(Kind):
    """One of declared choices, written as its English code, its Chinese label or an alias."""

    choices: tuple[Choice, ...] = ()
    code: str = "enum"
    label: str = "选项"

    def convert(self, column: pa.Array, today: date) -> Converted:
        text = as_text(column)
        missing = to_numpy_bool(pc.is_null(text))
        words = {}
        for index, choice in enumerate(self.choices):
            for word in (choice.code, choice.label, *choice.aliases):
                words[word.lower()] = index
        codes = _dictionary_codes(text, lambda word: words.get(word, -1))
        allowed = "、".join(c.label for c in self.choices)
        return Converted(np.where(codes < 0, 0, codes).astype(np.int8), missing,
                         [(~missing & (codes < 0), f"不是可选的值（可选：{allowed}）")])

    def index(self, word: str) -> int:
        """The position of a choice named by its code or its Chinese label."""
        for position, choice in enumerate(self.choices):
            if word in (choice.code, choice.label):
                return position
        raise ValueError(f"没有选项“{word}”")

    def format(self, value) -> str:
        return self.choices[int(value)].label

    def to_json(self, value):
        return self.choices[int(value)].code

    def placeholder(self, size: int):
        return np.zeros(size, dtype=np.int8)


def _dictionary_codes(text: pa.Array, lookup) -> np.ndarray:
    """Map each distinct word once (a million rows have a handful of distinct words)."""
    encoded = pc.dictionary_encode(text)
    mapping = np.array([lookup(str(word).lower()) for word in encoded.dictionary.to_pylist()] or [-1],
                       dtype=np.int64)
    indices = np.asarray(pc.fill_null(encoded.indices, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    return mapping[indices] if len(encoded.dictionary) else np.full(len(text), -1, dtype=np.int64)


@dataclass(frozen=True)
class Day(Kind):
    """A calendar date: 2020-06-18, 2020/6/18, 2020.6.18, 2020年6月18日, 20200618, or a date cell."""

    code: str = "date"
    label: str = "日期"

    def convert(self, column: pa.Array, today: date) -> Converted:
        if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
            days = pc.cast(pc.cast(column, pa.timestamp("s")) if pa.types.is_timestamp(column.type) else column,
                           pa.date32())
            missing = to_numpy_bool(pc.is_null(days))
            values = np.asarray(pc.fill_null(days, 0).to_numpy(zero_copy_only=False)).astype("datetime64[D]")
            return Converted(values, missing)
        text = as_text(column)
        try:  # the common case, every cell an ISO date: Arrow checks the calendar (no 30 February)
            return self.convert(pc.cast(text, pa.date32()), today)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        text = pc.replace_substring_regex(text, r"[年月/.]", "-")
        text = pc.replace_substring_regex(text, r"日$|[ T]\d{1,2}:\d{2}(:\d{2})?$", "")
        missing = to_numpy_bool(pc.is_null(text))
        parts = [pc.extract_regex(text, r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
                 pc.extract_regex(text, r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")]
        year, month, day = (_int_field(parts, name) for name in ("y", "m", "d"))
        values, real = identifiers.calendar_dates(year, month, day)
        plausible = real & (year >= 1900) & (year <= 2100)
        problems = [(~missing & ~real, "不是有效日期（请写成2020-06-18）"),
                    (real & ~plausible, "日期不合理（年份应在1900—2100年之间）")]
        return Converted(np.where(plausible, values, np.datetime64("1970-01-01")), missing, problems)

    def format(self, value) -> str:
        day = np.datetime64(value, "D").astype(date)
        return f"{day.year}年{day.month}月{day.day}日"

    def to_json(self, value):
        return str(np.datetime64(value, "D"))

    def placeholder(self, size: int):
        return np.full(size, np.datetime64("1970-01-01"), dtype="datetime64[D]")


def _int_field(parts: list[pa.Array], name: str) -> np.ndarray:
    found = np.zeros(len(parts[0]), dtype=np.int64)
    for struct in parts:
        values = pc.cast(pc.struct_field(struct, name), pa.int64())
        found = np.where(found == 0, np.asarray(pc.fill_null(values, 0).to_numpy(zero_copy_only=False)), found)
    return found


@dataclass(frozen=True)
class Text(Kind):
    code: str = "text"
    label: str = "文本"
    max_length: int = 200

    def convert(self, column: pa.Array, today: date) -> Converted:
        text = as_text(column)
        missing = to_numpy_bool(pc.is_null(text))
        too_long = to_numpy_bool(pc.greater(pc.utf8_length(text), self.max_length))
        return Converted(text, missing, [(too_long, f"过长（最多{self.max_length}个字）")])

    def placeholder(self, size: int):
        return pa.nulls(size, pa.string())


@dataclass(frozen=True)
class PersonName(Masked, Text):
    """A person's name: free text, shown as its first character and stars (张*)."""

    code: str = "person_name"
    label: str = "姓名"
    max_length: int = 50
    masked_as: Mask = NAME_MASK


@dataclass(frozen=True)
class Identifier(Text):
    """A code of ``width`` characters checked over the whole column as an (n, width) byte matrix."""

    code: str = "identifier"
    max_length: int = 18
    width: int = 18
    separators: str = r"[\s-]"  # written inside a code by people, removed before it is checked

    def convert(self, column: pa.Array, today: date) -> Converted:
        text = as_text(column)
        width = self.width
        lengths = _lengths(text)
        if (lengths[lengths > 0] != width).any():  # spaces or hyphens inside a code: rare, so cleaned only then
            text = as_text(pc.replace_substring_regex(text, self.separators, ""))
            lengths = _lengths(text)
        missing = to_numpy_bool(pc.is_null(text))
        right_length = lengths == width
        problems: Problems = [(~missing & ~right_length, f"应为{width}位")]
        if right_length.any():
            matrix = byte_matrix(text.filter(pa.array(right_length)) if not right_length.all() else text, width)
            if ((matrix >= ord("a")) & (matrix <= ord("z"))).any():
                text = pc.utf8_upper(text)
                matrix = byte_matrix(text.filter(pa.array(right_length)) if not right_length.all() else text, width)
            for mask, reason in self.problems(matrix, today):
                full = np.zeros(len(text), dtype=bool)
                full[right_length] = mask
                problems.append((full, reason))
        return Converted(text, missing, problems)

    def problems(self, matrix: np.ndarray, today: date) -> Problems:
        raise NotImplementedError


def _lengths(text: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(pc.binary_length(text), 0).to_numpy(zero_copy_only=False))


def byte_matrix(text: pa.Array, width: int) -> np.ndarray:
    """Strings all ``width`` bytes long as an (n, width) uint8 matrix, without a Python loop."""
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    offset_type = np.int64 if pa.types.is_large_string(text.type) else np.int32
    offsets = np.frombuffer(text.buffers()[1], dtype=offset_type)[text.offset : text.offset + len(text) + 1]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
    return data[offsets[0] : offsets[-1]].reshape(-1, width)


@dataclass(frozen=True)
class CreditCode(Masked, Identifier):
    code: str = "credit_code"
    label: str = "统一社会信用代码"
    masked_as: Mask = CREDIT_CODE_MASK

    def problems(self, matrix: np.ndarray, today: date) -> Problems:
        return identifiers.credit_code_problems(matrix)


@dataclass(frozen=True)
class IdNumber(Masked, Identifier):
    code: str = "id_number"
    label: str = "居民身份证号码"
    masked_as: Mask = ID_NUMBER_MASK

    def problems(self, matrix: np.ndarray, today: date) -> Problems:
        return identifiers.id_number_problems(matrix, today)


@dataclass(frozen=True)
class Phone(Masked, Identifier):
    """A mobile number: 11 digits, 1 then 3—9; written with spaces, hyphens or +86 as people do."""

    code: str = "phone"
    label: str = "手机号码"
    max_length: int = 11
    width: int = identifiers.PHONE_LENGTH
    separators: str = r"^(?:\+|00)86|[\s-]"
    masked_as: Mask = PHONE_MASK

    def problems(self, matrix: np.ndarray, today: date) -> Problems:
        return identifiers.phone_problems(matrix)


MONEY, COUNT, PERCENT, FLAG, DAY, TEXT = Money(), Count(), Percent(), Flag(), Day(), Text()
CREDIT_CODE, ID_NUMBER, PHONE, PERSON_NAME = CreditCode(), IdNumber(), Phone(), PersonName()

"""How the ledger's facts read in the documents: targets, deadlines, unit lists, numbers (pure)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from taizhang.ledger.rollup import format_quantity
from taizhang.ledger.rows import IndicatorRow, TaskRow
from taizhang.ledger.vocabulary import CMP_WORDS
from taizhang.policy.numerals import int_to_chinese


def indicator_text(i: IndicatorRow) -> str:
    if i.cmp == "range" and i.target_low is not None:
        amount = f"{format_quantity(i.target_low, '')}–{format_quantity(i.target_value, i.unit)}"
    else:
        amount = CMP_WORDS.get(i.cmp, "") + format_quantity(i.target_value, i.unit)
    due = f"（{i.due_date:%Y年%-m月%-d日}前）" if i.due_date else ""
    return f"{i.name}：{amount}{due}"


def due_text(row: TaskRow) -> str:
    return deadline_text(row.due_date, row.due_note)


def deadline_text(due_date: date | None, due_note: str | None) -> str:
    parts = []
    if due_date:
        parts.append(f"{due_date.year}年{due_date.month}月{due_date.day}日前")
    if due_note:
        parts.append(due_note)
    return "；".join(parts) or "—"


def units_text(names: list[str], open_list: bool = False) -> str:
    if not names:
        return "—"
    return "、".join(names) + ("等" if open_list else "")


def chinese_number(n: int) -> str:
    """6 → 六, 12 → 十二 (section and heading numbers)."""
    return int_to_chinese(n)


def number_format(unit: str, value: Decimal | None) -> str:
    """An Excel number format that shows the unit and keeps the cell a number (3000万 stays 30000000)."""
    if unit == "ratio":
        return "0.00%"
    places = "" if value is None or value == value.to_integral_value() else ".00"
    suffix = unit.replace('"', "").replace("\\", "")
    return f'#,##0{places}"{suffix}"' if suffix else f"#,##0{places}"


def date_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"

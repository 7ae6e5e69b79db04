"""Values written to spreadsheets and CSV: text that a spreadsheet would run as a formula is defused."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell_value(value: object) -> object:
    """Numbers and dates stay typed; user text starting like a formula gets a leading apostrophe."""
    if value is None or isinstance(value, (bool, int, float, Decimal, date, datetime)):
        return value
    text = str(value)
    if text.startswith(_FORMULA_LEAD):
        return "'" + text
    return text

"""Values written to spreadsheets and CSV: text that a spreadsheet would run as a formula is defused.

A cell that starts with = + - @, a tab or a line break is read as a formula by Excel, WPS and
LibreOffice (and by their CSV import), so user text starting that way gets a leading apostrophe and
stays text. Numbers and dates keep their type: a negative number is a number, not a formula.
CSV is UTF-8 with a byte-order mark, which is what makes Excel on Chinese Windows read it as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r", "\n")
BOM = "\ufeff"


def cell_value(value: object) -> object:
    """Numbers and dates stay typed; user text starting like a formula gets a leading apostrophe."""
    if value is None or isinstance(value, (bool, int, float, Decimal, date, datetime)):
        return value
    text = str(value)
    if text.startswith(_FORMULA_LEAD):
        return "'" + text
    return text


def restore_text(text: str) -> str:
    """The user's text back from a cell written by ``cell_value`` (so a round trip changes nothing)."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_LEAD):
        return text[1:]
    return text


def csv_field(value: object) -> str:
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file Excel opens correctly: UTF-8 with BOM, CRLF line ends, every text defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_field(h) for h in header])
    for row in rows:
        writer.writerow([csv_field(v) for v in row])
    return (BOM + buffer.getvalue()).encode("utf-8")

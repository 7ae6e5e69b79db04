"""Dates as the ledger sees them: China Standard Time, and a reference day that demos can fix."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from taizhang.errors import ValidationFailed

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def local_date(moment: datetime) -> date:
    """The calendar day in China of a stored (UTC) moment: due days are Chinese calendar days."""
    return moment.astimezone(LOCAL_TZ).date()


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


def moment(day: date) -> datetime:
    """A timestamp for an event on ``day``: now, or midday of a fixed demo/test day, so that recorded
    times agree with the day the ledger is judged on."""
    if day == local_today():
        return datetime.now(LOCAL_TZ)
    return datetime.combine(day, time(12, 0), LOCAL_TZ)


def parse_day(text: str, field: str) -> date:
    """A day typed by a person (YYYY-MM-DD) in the option or form field named ``field``."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{field} 的值“{text}”不是有效日期，请使用 YYYY-MM-DD 格式，如 2020-12-31。",
                               details=[{"field": field, "value": text, "reason": "不是有效日期，请使用 YYYY-MM-DD 格式"}]) from None

"""Dates as the ledger sees them: China Standard Time, and a reference day that demos can fix."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

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

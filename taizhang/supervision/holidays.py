"""The working-day calendar the 催办/督办 time limits are counted on: the State Council's yearly
holiday schedule, shipped in ``data/holidays.yaml`` and read here, once.

A year absent from the file is counted Monday to Friday; add its section when the schedule is
published. The file is checked as it is read: a holiday range must run forwards inside its year,
a make-up working day (调休上班) must fall on a weekend and cannot also be a holiday.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from importlib import resources

import yaml

from taizhang.errors import ConfigurationError
from taizhang.ledger.periods import WorkCalendar

SOURCE = "data/holidays.yaml"


@lru_cache(maxsize=1)
def work_calendar() -> WorkCalendar:
    """The shipped holiday schedule as a ``WorkCalendar`` (the default of the supervision service)."""
    text = resources.files("taizhang.supervision").joinpath(SOURCE).read_text("utf-8")
    return calendar_from_schedule(yaml.safe_load(text) or {})


def calendar_from_schedule(schedule: dict) -> WorkCalendar:
    """``{year: {holidays: [{name, from, to}], workdays: [date]}}`` → a ``WorkCalendar``."""
    holidays: set[date] = set()
    workdays: set[date] = set()
    for year, section in schedule.items():
        for entry in section.get("holidays", []):
            first, last = entry["from"], entry["to"]
            if not (isinstance(first, date) and isinstance(last, date) and first.year == last.year == year
                    and first <= last):
                raise ConfigurationError(f"{SOURCE}：{year}年“{entry.get('name', '')}”的放假日期有误，"
                                         "应写成同一年内的 from: YYYY-MM-DD, to: YYYY-MM-DD。")
            holidays.update(first + timedelta(days=i) for i in range((last - first).days + 1))
        for day in section.get("workdays", []):
            if not isinstance(day, date) or day.year != year or day.weekday() < 5:
                raise ConfigurationError(f"{SOURCE}：{year}年的调休上班日 {day} 不是当年的周六或周日。")
            workdays.add(day)
    if clash := sorted(holidays & workdays):
        raise ConfigurationError(f"{SOURCE}：{clash[0]} 既是放假日又是调休上班日。")
    return WorkCalendar(holidays=frozenset(holidays), workdays=frozenset(workdays))

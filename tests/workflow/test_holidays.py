"""The working-day calendar shipped for 催办/督办 time limits (taizhang/supervision/data/holidays.yaml)."""

from datetime import date, timedelta

import pytest

from taizhang.errors import ConfigurationError
from taizhang.ledger.periods import add_working_days
from taizhang.supervision.holidays import calendar_from_schedule, work_calendar


def test_2020_has_249_working_days():
    # By hand: 2020 has 366 days and begins on a Wednesday, so 52 weeks and two extra weekdays: 262
    # weekdays. Holidays on weekdays: 元旦 1 (Wed 1 Jan); 春节 6 (24 Jan–2 Feb: Fri 24, Mon 27–Fri 31);
    # 清明 1 (Mon 6 Apr); 劳动节 3 (Fri 1, Mon 4, Tue 5 May); 端午 2 (Thu 25, Fri 26 Jun); 国庆中秋 6
    # (Thu 1, Fri 2, Mon 5–Thu 8 Oct) — 19 in all. Make-up working weekends: 19 Jan, 26 Apr, 9 May,
    # 28 Jun, 27 Sep, 10 Oct — 6. 262 − 19 + 6 = 249 (251 before the Spring Festival was extended
    # to 2 February, which also cancelled the make-up working Saturday 1 February).
    work = work_calendar()
    days = [date(2020, 1, 1) + timedelta(days=i) for i in range(366)]
    assert sum(work.is_working_day(d) for d in days) == 249


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2020, 9, 26), False),  # Saturday
        (date(2020, 9, 27), True),  # Sunday, worked in exchange for the National Day holiday
        (date(2020, 9, 30), True),
        (date(2020, 10, 1), False),
        (date(2020, 10, 8), False),  # Thursday, the holiday's last day
        (date(2020, 10, 9), True),
        (date(2020, 10, 10), True),  # Saturday, worked
        (date(2020, 1, 31), False),  # Friday, the extended Spring Festival
        (date(2020, 2, 1), False),  # Saturday: no longer worked once the holiday was extended
        (date(2020, 2, 3), True),
        (date(2020, 1, 19), True),  # Sunday, worked
        (date(2020, 6, 28), True),  # Sunday after 端午, worked
    ],
)
def test_the_2020_schedule(day, working):
    assert work_calendar().is_working_day(day) is working


def test_time_limits_run_over_the_national_day_holiday():
    # 3 working days after Wed 30 Sept: Fri 9 Oct, Sat 10 Oct (worked), Mon 12 Oct.
    assert add_working_days(work_calendar(), date(2020, 9, 30), 3) == date(2020, 10, 12)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({2020: {"holidays": [{"name": "国庆节", "from": date(2020, 10, 8), "to": date(2020, 10, 1)}]}}, "放假日期有误"),
        ({2021: {"holidays": [{"name": "元旦", "from": date(2020, 1, 1), "to": date(2020, 1, 1)}]}}, "放假日期有误"),
        ({2020: {"holidays": [{"name": "元旦", "from": "2020-01-01", "to": "2020-01-01"}]}}, "放假日期有误"),
        ({2020: {"workdays": [date(2020, 9, 28)]}}, "不是当年的周六或周日"),  # a Monday
        ({2020: {"holidays": [{"name": "国庆节", "from": date(2020, 10, 1), "to": date(2020, 10, 10)}],
                 "workdays": [date(2020, 10, 10)]}}, "既是放假日又是调休上班日"),
    ],
)
def test_a_malformed_schedule_is_refused_with_what_to_fix(schedule, message):
    with pytest.raises(ConfigurationError, match=message):
        calendar_from_schedule(schedule)

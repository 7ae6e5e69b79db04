"""Reporting periods: keys, due days, what a task owes, and working days."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.ledger.periods import (
    MONTHLY,
    WEEKDAYS,
    Cadence,
    ReportRecord,
    WorkCalendar,
    add_working_days,
    current_period,
    first_owed,
    format_date,
    judged_period,
    missed_in_a_row,
    next_period,
    owed_before,
    owes,
    period_bounds,
    period_due,
    period_end,
    period_label,
    period_of,
    period_start,
    previous_period,
)
from taizhang.ledger.status import TaskSnapshot

WEEKLY = Cadence("weekly")
QUARTERLY = Cadence("quarterly")
START = date(2020, 6, 18)  # the Ganzhou notice's issue date


@pytest.mark.parametrize(
    ("cadence", "period", "due"),
    [
        (MONTHLY, "2020-09", date(2020, 9, 25)),  # the 25th-of-month rule
        (MONTHLY, "2020-12", date(2020, 12, 25)),
        (Cadence("monthly", 31), "2020-02", date(2020, 2, 29)),  # past the month's end: its last day
        (Cadence("monthly", 31), "2021-02", date(2021, 2, 28)),
        (Cadence("monthly", 5), "2020-09", date(2020, 9, 5)),
        (WEEKLY, "2020-W37", date(2020, 9, 11)),  # Friday of ISO week 37
        (Cadence("weekly", 1), "2020-W37", date(2020, 9, 7)),
        (WEEKLY, "2020-W53", date(2021, 1, 1)),
        (QUARTERLY, "2020-Q3", date(2020, 10, 10)),  # the 10th of the month after the quarter
        (QUARTERLY, "2020-Q4", date(2021, 1, 10)),
        (Cadence("quarterly", 31), "2020-Q1", date(2020, 4, 30)),
    ],
)
def test_each_cadence_fixes_the_due_day_of_its_periods(cadence, period, due):
    assert period_due(cadence, period) == due


@pytest.mark.parametrize(
    ("cadence", "day", "period"),
    [
        (MONTHLY, date(2020, 9, 25), "2020-09"),
        (MONTHLY, date(2020, 10, 1), "2020-10"),
        (WEEKLY, date(2020, 9, 7), "2020-W37"),
        (WEEKLY, date(2020, 12, 31), "2020-W53"),
        (WEEKLY, date(2021, 1, 3), "2020-W53"),  # ISO weeks straddle the new year
        (QUARTERLY, date(2020, 9, 30), "2020-Q3"),
        (QUARTERLY, date(2020, 10, 5), "2020-Q4"),  # running, while Q3's report is not yet due
    ],
)
def test_the_current_period_is_the_one_running_today(cadence, day, period):
    assert current_period(cadence, day) == period


@pytest.mark.parametrize(
    ("cadence", "period", "previous", "following"),
    [
        (MONTHLY, "2020-01", "2019-12", "2020-02"),
        (MONTHLY, "2020-12", "2020-11", "2021-01"),
        (WEEKLY, "2021-W01", "2020-W53", "2021-W02"),
        (QUARTERLY, "2020-Q1", "2019-Q4", "2020-Q2"),
        (QUARTERLY, "2020-Q4", "2020-Q3", "2021-Q1"),
    ],
)
def test_previous_and_next_periods_cross_year_ends(cadence, period, previous, following):
    assert previous_period(cadence, period) == previous
    assert next_period(cadence, period) == following


@pytest.mark.parametrize(
    ("period", "bounds"),
    [
        ("2020-09", (date(2020, 9, 1), date(2020, 9, 30))),
        ("2020-02", (date(2020, 2, 1), date(2020, 2, 29))),
        ("2020-Q3", (date(2020, 7, 1), date(2020, 9, 30))),
        ("2020-W37", (date(2020, 9, 7), date(2020, 9, 13))),
    ],
)
def test_a_period_key_of_any_cadence_names_its_days(period, bounds):
    assert period_bounds(period) == bounds


@pytest.mark.parametrize(
    ("cadence", "period", "label"),
    [(MONTHLY, "2020-09", "2020年9月"), (WEEKLY, "2020-W37", "2020年第37周"), (QUARTERLY, "2020-Q3", "2020年第3季度")],
)
def test_periods_have_chinese_names(cadence, period, label):
    assert period_label(cadence, period) == label


def test_dates_read_the_chinese_way():
    assert format_date(date(2020, 9, 5)) == "2020年9月5日"


@pytest.mark.parametrize(
    ("cadence", "period"),
    [(MONTHLY, "2020-13"), (MONTHLY, "2020-9"), (MONTHLY, "2020-Q3"), (WEEKLY, "2020-W54"), (QUARTERLY, "2020-Q5"),
     (MONTHLY, "0001-01"), (QUARTERLY, "9999-Q4")],  # years whose neighbouring periods fall off the calendar
)
def test_malformed_period_keys_are_refused_in_chinese(cadence, period):
    with pytest.raises(ValueError, match="报送期"):
        period_due(cadence, period)


@pytest.mark.parametrize(("kind", "day"), [("daily", None), ("weekly", 8), ("monthly", 0), ("monthly", 32)])
def test_invalid_cadences_are_refused(kind, day):
    with pytest.raises(ValueError, match="报送"):
        Cadence(kind, day)


@pytest.mark.parametrize(
    ("cadence", "start", "first"),
    [
        (MONTHLY, date(2020, 6, 18), "2020-06"),  # due 25 June, on or after the start
        (MONTHLY, date(2020, 6, 25), "2020-06"),
        (MONTHLY, date(2020, 6, 26), "2020-07"),  # June fell due before the task began
        (QUARTERLY, date(2020, 10, 5), "2020-Q4"),  # Q3 is due 10 October but ended before the start
    ],
)
def test_the_first_period_owed_is_the_first_due_on_or_after_the_start(cadence, start, first):
    assert first_owed(cadence, start) == first
    assert not owes(cadence, previous_period(cadence, first), start)


@pytest.mark.parametrize(
    ("today", "closed_on", "owed"),
    [
        (date(2020, 9, 25), None, ["2020-06", "2020-07", "2020-08"]),  # September is due today, not yet owed
        (date(2020, 9, 26), None, ["2020-06", "2020-07", "2020-08", "2020-09"]),
        (date(2020, 9, 26), date(2020, 8, 20), ["2020-06", "2020-07"]),  # nothing due after closing
        (date(2020, 9, 26), date(2020, 8, 25), ["2020-06", "2020-07", "2020-08"]),
        (date(2020, 6, 25), None, []),
    ],
)
def test_periods_owed_before_today(today, closed_on, owed):
    assert owed_before(MONTHLY, START, closed_on, today) == owed


def _task(*reports: ReportRecord) -> TaskSnapshot:
    return TaskSnapshot(task_id=1, start=START, reports=reports)


def _report(period: str, submitted: date | None, approved: date | None = None) -> ReportRecord:
    return ReportRecord(period, submitted, approved)


@pytest.mark.parametrize(
    ("today", "reports", "judged"),
    [
        (date(2020, 6, 20), [], None),  # nothing due yet
        (date(2020, 9, 10), [], "2020-08"),  # before the 25th: August is judged
        (date(2020, 9, 25), [], "2020-08"),  # the due day itself
        (date(2020, 9, 26), [], "2020-09"),
        # September approved early: judged on the fresher report
        (date(2020, 9, 20), [_report("2020-09", date(2020, 9, 15), date(2020, 9, 18))], "2020-09"),
        # approved after today does not count yet
        (date(2020, 9, 17), [_report("2020-09", date(2020, 9, 15), date(2020, 9, 18))], "2020-08"),
    ],
)
def test_the_period_under_judgement(today, reports, judged):
    assert judged_period(_task(*reports), today) == judged


@pytest.mark.parametrize(
    ("reports", "today", "missed"),
    [
        ([_report("2020-08", date(2020, 8, 25))], date(2020, 8, 26), []),  # on the due day: on time
        (  # a day late: missed, though submitted
            [
                _report("2020-06", date(2020, 6, 20)),
                _report("2020-07", date(2020, 7, 20)),
                _report("2020-08", date(2020, 8, 26)),
            ],
            date(2020, 8, 27),
            ["2020-08"],
        ),
        ([], date(2020, 8, 26), ["2020-06", "2020-07", "2020-08"]),
        ([_report("2020-07", date(2020, 7, 1))], date(2020, 9, 26), ["2020-08", "2020-09"]),
        ([_report("2020-09", date(2020, 9, 2))], date(2020, 9, 26), []),  # only the latest run counts
    ],
)
def test_missed_periods_in_a_row(reports, today, missed):
    assert missed_in_a_row(_task(*reports), today) == missed


# ---------------------------------------------------------------- working days

NATIONAL_DAY_2020 = WorkCalendar(
    holidays=frozenset(date(2020, 10, d) for d in range(1, 9)),
    workdays=frozenset({date(2020, 9, 27), date(2020, 10, 10)}),  # 调休上班
)


@pytest.mark.parametrize(
    ("calendar", "start", "days", "end"),
    [
        (WEEKDAYS, date(2020, 9, 25), 3, date(2020, 9, 30)),  # Friday + 3: Mon, Tue, Wed
        (WEEKDAYS, date(2020, 9, 26), 1, date(2020, 9, 28)),  # from a Saturday
        (WEEKDAYS, date(2020, 9, 25), 0, date(2020, 9, 25)),
        (NATIONAL_DAY_2020, date(2020, 9, 25), 3, date(2020, 9, 29)),  # Sunday 27 September is worked
        (NATIONAL_DAY_2020, date(2020, 9, 30), 3, date(2020, 10, 12)),  # 9th, Saturday 10th, Monday 12th
    ],
)
def test_working_days_skip_weekends_and_holidays(calendar, start, days, end):
    assert add_working_days(calendar, start, days) == end


@given(st.sampled_from([MONTHLY, WEEKLY, QUARTERLY]), st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_every_day_falls_in_exactly_one_period(cadence, day):
    period = period_of(cadence, day)
    assert period_start(cadence, period) <= day <= period_end(cadence, period)
    assert previous_period(cadence, next_period(cadence, period)) == period
    assert period_of(cadence, period_end(cadence, period) + timedelta(days=1)) == next_period(cadence, period)

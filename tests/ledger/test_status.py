"""The progress light and the completion status, written as the rules they check.

Expected values are worked out by hand in the comments, never by calling the code under test.
"""

import ast
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.errors import InvalidOverride
from taizhang.ledger.periods import ReportRecord
from taizhang.ledger.status import (
    LIGHT_LABELS,
    IndicatorSnapshot,
    Override,
    TaskSnapshot,
    Thresholds,
    completion_status,
    expected_share,
    light_rank,
    task_light,
    worst,
)
from taizhang.ledger.vocabulary import LIGHT_MEANINGS, LIGHTS, TASK_STATUSES

START = date(2020, 6, 18)  # the Ganzhou notice was issued on 18 June 2020
DUE = date(2020, 12, 31)


def filed(period: str, value: D | None = None, *, day: int = 20, approved: bool = True, late: bool = False):
    """A report for a monthly period, submitted on ``day`` (or on the 26th, a day late) and approved
    the day after."""
    year, month = map(int, period.split("-"))
    submitted = date(year, month, 26 if late else day)
    values = {1: value} if value is not None else {}
    return ReportRecord(period, submitted, submitted + timedelta(days=1) if approved else None, values=values)


def months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    found = []
    while f"{year}-{month:02d}" <= last:
        found.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def deadline_task(*reports, due=DUE, closed_on=None, override=None, due_note=None) -> TaskSnapshot:
    return TaskSnapshot(
        task_id=18,
        start=START,
        due_date=due,
        lead_unit_id=3,
        due_note=due_note,
        closed_on=closed_on,
        reports=tuple(reports),
        override=override,
    )


# ---------------------------------------------------------------- numeric targets

# A clean trajectory: start 2020-01-01, deadline 2020-04-10 = 100 days; on 2020-02-20, 50 days have
# elapsed, so the expected share is exactly 50%.
CLEAN_START, CLEAN_DUE, CLEAN_TODAY = date(2020, 1, 1), date(2020, 4, 10), date(2020, 2, 20)


def numeric_task(actual, *, cmp=">=", target=D(100), low=None, unit="个", trajectory=()) -> TaskSnapshot:
    """January reported on time; February's figure submitted on the 19th, approved on the 20th."""
    indicator = IndicatorSnapshot(1, "新增企业见习基地100个", target, unit, cmp, low, CLEAN_DUE, trajectory)
    reports = [ReportRecord("2020-01", date(2020, 1, 20), date(2020, 1, 21), values={1: D(0)})]
    if actual is not None:
        reports.append(ReportRecord("2020-02", date(2020, 2, 19), date(2020, 2, 20), values={1: actual}))
    return TaskSnapshot(1, CLEAN_START, CLEAN_DUE, lead_unit_id=5, indicators=(indicator,), reports=tuple(reports))


@pytest.mark.parametrize(
    ("actual", "light", "gap"),
    [
        (D(100), "green", D(50)),  # target met
        (D(60), "green", D(10)),  # ahead
        (D(50), "green", D(0)),  # exactly on the trajectory
        (D("49.99"), "yellow", D("-0.01")),
        (D(40), "yellow", D(-10)),  # exactly 10 points behind: still yellow
        (D("39.99"), "orange", D("-10.01")),
        (D(20), "orange", D(-30)),  # exactly 30 points behind: still orange
        (D("19.99"), "red", D("-30.01")),
        (D(0), "red", D(-50)),
    ],
)
def test_numeric_light_follows_the_gap_to_the_expected_share(actual, light, gap):
    result = task_light(numeric_task(actual), CLEAN_TODAY)
    assert (result.light, result.gap_pp, result.expected_share) == (light, gap, D("0.5"))


def test_the_reason_states_expected_actual_and_gap():
    result = task_light(numeric_task(D(40)), CLEAN_TODAY)
    assert result.reasons == (
        "新增企业见习基地100个：截至2020年2月20日序时进度50%，实际完成40%，落后10个百分点",
        "2020年2月进展已审核通过",
    )


def test_ganzhou_traineeship_bases_on_25_september():
    """全年新增企业见习基地100个: 2020-06-18 → 2020-12-31 is 196 days; 25 September is day 99, so the
    expected share is 99/196 = 50.51%; 42 bases approved is 42%, 8.51 points behind: yellow."""
    indicator = IndicatorSnapshot(1, "全年新增企业见习基地100个", D(100), "个", ">=", due_date=DUE)
    reports = [filed("2020-06", D(5)), filed("2020-07", D(20)), filed("2020-08", D(30)), filed("2020-09", D(42))]
    task = TaskSnapshot(4, START, DUE, lead_unit_id=1, indicators=(indicator,), reports=tuple(reports))
    result = task_light(task, date(2020, 9, 25))
    assert result.light == "yellow"
    assert (result.expected_share, result.actual_share, result.gap_pp) == (D("0.5051"), D("0.42"), D("-8.51"))
    assert result.period == "2020-09"
    assert (
        result.reasons[0] == "全年新增企业见习基地100个：截至2020年9月25日序时进度50.51%，实际完成42%，落后8.51个百分点"
    )


@pytest.mark.parametrize(
    ("cmp", "target", "low", "actual", "unit", "light", "reason_part"),
    [
        (">=", D(100), None, D(100), "个", "green", "已完成，实际100个，目标100个"),
        ("=", D(12000), None, D(12000), "套", "green", "已完成，实际1.2万套，目标1.2万套"),  # 棚户区改造1.2万套
        (">", D(100), None, D(100), "个", "green", "超前50个百分点"),  # "more than": not met, but ahead
        ("range", D(2), D(1), D(1), "项", "green", "目标1-2项"),  # 1-2项: the low end is the target
        ("range", D(2), D(1), D("0.4"), "项", "yellow", "实际完成40%"),  # 0.4 of 1, half-way through
    ],
)
def test_met_targets_and_ranges(cmp, target, low, actual, unit, light, reason_part):
    result = task_light(numeric_task(actual, cmp=cmp, target=target, low=low, unit=unit), CLEAN_TODAY)
    assert result.light == light
    assert reason_part in result.reasons[0]


def test_a_share_above_the_target_shows_as_100_percent():
    result = task_light(numeric_task(D(150)), CLEAN_TODAY)
    assert (result.actual_share, result.expected_share, result.gap_pp) == (D(1), D("0.5"), D(50))


def test_no_approved_figure_counts_as_nothing_achieved():
    task = numeric_task(D(80))
    unapproved = ReportRecord("2020-02", date(2020, 2, 19), None, values={1: D(80)})
    task = TaskSnapshot(1, CLEAN_START, CLEAN_DUE, indicators=task.indicators, reports=(task.reports[0], unapproved))
    result = task_light(task, date(2020, 2, 26))  # February due and submitted, not approved
    assert result.light == "red"  # 0% against 55 days / 100 = 55%
    assert result.reasons[0].endswith("实际完成0%，落后55个百分点")
    assert "2020年2月进展已报送，尚未审核通过，暂不评为绿灯" in result.reasons


def test_a_rate_is_held_to_its_full_target_without_a_trajectory():
    """不低于新增岗位的50%: 45% reached is 90% of the target, against an expected 100%: 10 behind."""
    result = task_light(numeric_task(D(45), target=D(50), unit="%"), CLEAN_TODAY)
    assert (result.light, result.expected_share, result.gap_pp) == ("yellow", D(1), D(-10))
    assert "序时进度100%（比率指标按全额目标衡量）" in result.reasons[0]


TRAJECTORY = ((date(2020, 2, 1), D("0.2")), (date(2020, 3, 1), D("0.6")))


@pytest.mark.parametrize(
    ("on", "share"),
    [
        (date(2020, 1, 31), D(0)),  # before the first point
        (date(2020, 2, 1), D("0.2")),  # on a point
        (date(2020, 2, 29), D("0.2")),
        (date(2020, 3, 1), D("0.6")),
        (date(2020, 12, 1), D("0.6")),
    ],
)
def test_an_explicit_trajectory_uses_the_latest_point_on_or_before_the_day(on, share):
    task = numeric_task(D(0), trajectory=TRAJECTORY)
    assert expected_share(task, task.indicators[0], on) == share


@pytest.mark.parametrize(
    ("on", "share"),
    [
        (date(2019, 12, 31), D(0)),  # before the start: clipped
        (date(2020, 1, 1), D(0)),
        (date(2020, 1, 26), D("0.25")),  # 25 of 100 days
        (date(2020, 4, 10), D(1)),  # the deadline
        (date(2020, 5, 1), D(1)),  # after it: clipped
    ],
)
def test_the_linear_trajectory_runs_from_start_to_deadline(on, share):
    task = numeric_task(D(0))
    assert expected_share(task, task.indicators[0], on) == share


def test_with_a_trajectory_the_gap_is_taken_against_it():
    result = task_light(numeric_task(D(20), trajectory=TRAJECTORY), CLEAN_TODAY)
    assert (result.light, result.expected_share, result.gap_pp) == ("green", D("0.2"), D(0))


def test_thresholds_are_configurable():
    strict = Thresholds(yellow_lag_pp=D(5), orange_lag_pp=D(8))
    assert task_light(numeric_task(D(46)), CLEAN_TODAY, strict).light == "yellow"  # 4 behind
    assert task_light(numeric_task(D(44)), CLEAN_TODAY, strict).light == "orange"  # 6 behind
    assert task_light(numeric_task(D(40)), CLEAN_TODAY, strict).light == "red"  # 10 behind


def test_inconsistent_thresholds_are_refused():
    with pytest.raises(ValueError, match="预警阈值"):
        Thresholds(yellow_lag_pp=D(30), orange_lag_pp=D(10))


def _year_task(actual: D) -> TaskSnapshot:
    indicator = IndicatorSnapshot(1, "全年新增企业见习基地100个", D(100), "个", ">=")
    reports = [filed(m, actual) for m in months("2020-06", "2020-12")]
    return TaskSnapshot(4, START, DUE, indicators=(indicator,), reports=tuple(reports))


@pytest.mark.parametrize(
    ("today", "light"),
    [
        (date(2020, 12, 31), "blue"),  # the deadline day: 99 of 100 is ahead of 189/196, but due soon
        (date(2021, 1, 1), "red"),  # the day after, unmet: overdue
    ],
)
def test_an_unmet_target_is_red_from_the_day_after_its_deadline(today, light):
    result = task_light(_year_task(D(99)), today)
    assert result.light == light
    if light == "red":
        assert (
            result.reasons[0]
            == "全年新增企业见习基地100个：完成时限2020年12月31日已过，实际完成99%，目标100个未完成（逾期）"
        )
        assert (result.expected_share, result.gap_pp) == (D(1), D(-1))  # overdue: all was expected


def test_a_target_met_after_the_deadline_is_green():
    assert task_light(_year_task(D(100)), date(2021, 1, 1)).light == "green"


# ---------------------------------------------------------------- limits

DEBT = "政府债务率控制在100%的警戒线内"


@pytest.mark.parametrize(
    ("cmp", "limit", "actual", "light", "reason"),
    [
        ("<=", D(100), D(98), "green", f"{DEBT}：实际98%，控制在100%以内"),
        ("<=", D(100), D(100), "green", f"{DEBT}：实际100%，控制在100%以内"),  # exactly the limit
        ("<=", D(100), D("100.01"), "red", f"{DEBT}：实际100.01%，超过100%的上限"),  # just above
        ("<", D(100), D("99.99"), "green", f"{DEBT}：实际99.99%，低于100%的上限"),
        ("<", D(100), D(100), "red", f"{DEBT}：实际100%，未低于100%的上限"),  # "<" excludes the limit
    ],
)
def test_a_limit_is_green_within_and_red_beyond(cmp, limit, actual, light, reason):
    indicator = IndicatorSnapshot(1, DEBT, limit, "%", cmp)
    reports = [filed(m, actual) for m in months("2020-06", "2020-09")]
    task = TaskSnapshot(23, START, None, indicators=(indicator,), reports=tuple(reports))
    result = task_light(task, date(2020, 9, 26))
    assert (result.light, result.reasons[0]) == (light, reason)
    assert result.expected_share is None and result.gap_pp is None  # a limit has no trajectory


def test_a_limit_without_an_approved_figure_has_no_light_of_its_own():
    indicator = IndicatorSnapshot(1, DEBT, D(100), "%", "<=")
    task = TaskSnapshot(23, START, None, indicators=(indicator,), reports=(filed("2020-06"),))
    result = task_light(task, date(2020, 6, 26))
    assert result.indicators[0].light == "none"
    assert f"{DEBT}：尚无审核通过的实际值，暂不判断是否超限" in result.reasons


# ---------------------------------------------------------------- deadlines

ALL_MONTHS = [filed(m) for m in months("2020-06", "2020-12")]


@pytest.mark.parametrize(
    ("today", "light", "reason"),
    [
        (date(2020, 12, 23), "green", "2020年12月进展已审核通过"),  # 8 days before: not yet
        (date(2020, 12, 24), "blue", "距完成时限2020年12月31日还有7天，任务尚未办结"),  # 7 days before
        (date(2020, 12, 31), "blue", "今天是完成时限（2020年12月31日），任务尚未办结"),  # the day itself
        (date(2021, 1, 1), "red", "完成时限2020年12月31日已过，任务尚未办结（逾期）"),  # the day after
    ],
)
def test_a_deadline_only_task_turns_blue_then_red(today, light, reason):
    result = task_light(deadline_task(*ALL_MONTHS), today)
    assert result.light == light
    assert reason in result.reasons


def test_a_closed_task_is_green_even_after_its_deadline():
    on_time = task_light(deadline_task(*ALL_MONTHS, closed_on=date(2020, 12, 30)), date(2021, 1, 5))
    late = task_light(deadline_task(*ALL_MONTHS, closed_on=date(2021, 1, 4)), date(2021, 1, 5))
    assert (on_time.light, on_time.reasons) == ("green", ("任务已于2020年12月30日办结",))
    assert (late.light, late.reasons) == ("green", ("任务已于2021年1月4日办结，晚于完成时限2020年12月31日",))


def test_a_task_without_a_dated_deadline_is_judged_by_its_reports():
    """市直部门在预算批复后六十日内分配下达: no date, so reporting decides."""
    note = "预算批复后六十日内"
    good = task_light(deadline_task(*ALL_MONTHS, due=None, due_note=note), date(2021, 1, 25))
    assert good.light == "green"  # January 2021 is due today
    assert "未设具体完成时限（预算批复后六十日内），按进展报送情况评灯" in good.reasons
    missing = task_light(deadline_task(*ALL_MONTHS, due=None, due_note=note), date(2021, 1, 26))
    assert missing.light == "yellow"  # January 2021 not reported


# ---------------------------------------------------------------- reporting discipline

JUNE_JULY = [filed("2020-06"), filed("2020-07")]


@pytest.mark.parametrize(
    ("reports", "today", "light", "reason"),
    [
        ([], date(2020, 8, 25), "green", "2020年7月进展已审核通过"),  # August due today: on time still
        ([], date(2020, 8, 26), "yellow", "2020年8月进展未报送（应于2020年8月25日前报送）"),
        ([filed("2020-08", day=25)], date(2020, 8, 26), "green", "2020年8月进展已审核通过"),  # on the due day
        (
            [filed("2020-08", day=25, approved=False)],
            date(2020, 8, 26),
            "yellow",
            "2020年8月进展已报送，尚未审核通过，暂不评为绿灯",
        ),
        (
            [filed("2020-08", late=True)],
            date(2020, 8, 28),
            "yellow",
            "2020年8月进展逾期报送（2020年8月26日报送，应于2020年8月25日前报送）",
        ),
        ([], date(2020, 9, 26), "red", "已连续2期未按时报送进展（2020年8月、2020年9月）"),  # two in a row
        ([filed("2020-09")], date(2020, 9, 26), "green", "2020年9月进展已审核通过"),  # one missed, then back
    ],
)
def test_reporting_discipline(reports, today, light, reason):
    result = task_light(deadline_task(*JUNE_JULY, *reports), today)
    assert result.light == light
    assert reason in result.reasons


@pytest.mark.parametrize(
    ("reports", "light", "period"),
    [
        ([filed("2020-08")], "green", "2020-08"),  # before the 25th: August's approved report
        ([filed("2020-08", day=25, approved=False)], "yellow", "2020-08"),  # August not approved
        ([filed("2020-08"), filed("2020-09", day=5)], "green", "2020-09"),  # September approved early
    ],
)
def test_green_needs_the_approved_report_of_the_period_under_judgement(reports, light, period):
    result = task_light(deadline_task(*JUNE_JULY, *reports), date(2020, 9, 10))
    assert (result.light, result.period) == (light, period)


def test_two_missed_periods_can_be_made_configurable():
    result = task_light(deadline_task(*JUNE_JULY), date(2020, 9, 26), Thresholds(red_misses=3))
    assert result.light == "yellow"


@pytest.mark.parametrize(
    ("today", "reason"),
    [
        (date(2020, 6, 17), "任务尚未开始（起始日期2020年6月18日）"),
        (date(2020, 6, 20), "首期进展（2020年6月）应于2020年6月25日前报送，尚未到期"),
    ],
)
def test_no_light_before_the_start_or_the_first_report(today, reason):
    result = task_light(deadline_task(), today)
    assert (result.light, result.reasons) == ("none", (reason,))


# ---------------------------------------------------------------- the worst rule wins


def test_the_task_light_is_the_worst_of_its_indicators_and_its_reporting():
    bases = IndicatorSnapshot(1, "全年新增企业见习基地100个", D(100), "个", ">=")
    trainees = IndicatorSnapshot(2, "见习人员2000人", D(2000), "人", ">=")
    august = ReportRecord("2020-08", date(2020, 8, 20), date(2020, 8, 21), values={1: D(60), 2: D(500)})
    task = TaskSnapshot(4, START, DUE, indicators=(bases, trainees), reports=(*JUNE_JULY, august))
    result = task_light(task, date(2020, 9, 26))  # September missed; judged on 25 September: 50.51%
    assert [il.light for il in result.indicators] == ["green", "orange"]  # +9.49 and −25.51 points
    assert result.light == "orange"
    assert (result.expected_share, result.actual_share, result.gap_pp) == (D("0.5051"), D("0.25"), D("-25.51"))
    assert result.reasons == (
        "全年新增企业见习基地100个：截至2020年9月25日序时进度50.51%，实际完成60%，超前9.49个百分点",
        "见习人员2000人：截至2020年9月25日序时进度50.51%，实际完成25%，落后25.51个百分点",
        "2020年9月进展未报送（应于2020年9月25日前报送）",
    )


def test_the_order_of_lights():
    assert LIGHTS == ("none", "green", "blue", "yellow", "orange", "red")
    assert worst(["green", "red", "blue"]) == "red"
    assert worst(["yellow", "blue"]) == "yellow"
    assert worst([]) == "none"


@pytest.mark.parametrize("light", LIGHTS)
def test_every_light_has_a_chinese_label_and_meaning(light):
    assert LIGHT_LABELS[light].endswith("灯") and LIGHT_MEANINGS[light]


# ---------------------------------------------------------------- overrides

YELLOW_TASK = deadline_task(*JUNE_JULY)  # August missed: yellow from 26 August


def _override(at: date, light: str = "green") -> Override:
    return Override(light, "已核实，8月进展因系统故障未能报送", "督查室李明", at)


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_without_a_reason_is_refused(reason):
    with pytest.raises(ValueError, match="必须填写理由"):
        Override("green", reason, "督查室李明", date(2020, 8, 27))
    with pytest.raises(InvalidOverride):
        Override("green", reason, "督查室李明", date(2020, 8, 27))


def test_an_override_to_an_unknown_light_is_refused():
    with pytest.raises(ValueError, match="预警灯"):
        Override("purple", "理由", "督查室李明", date(2020, 8, 27))


def test_an_override_keeps_both_lights_and_says_who_and_why():
    task = deadline_task(*JUNE_JULY, override=_override(date(2020, 8, 27)))
    result = task_light(task, date(2020, 8, 27))
    assert (result.light, result.computed, result.overridden) == ("green", "yellow", True)
    assert result.reasons[-1] == "督查室人工调整为绿灯：已核实，8月进展因系统故障未能报送（督查室李明，2020年8月27日）"


@pytest.mark.parametrize(
    ("at", "today", "overridden"),
    [
        (date(2020, 8, 27), date(2020, 9, 25), True),  # through the next due day
        (date(2020, 8, 27), date(2020, 9, 26), False),  # expired: September is judged
        (date(2020, 8, 25), date(2020, 8, 25), True),  # made on a due day: lasts to the next one
        (date(2020, 8, 24), date(2020, 8, 25), True),
        (date(2020, 8, 24), date(2020, 8, 26), False),  # made before the due day: expires after it
        (date(2020, 8, 28), date(2020, 8, 27), False),  # not yet made
    ],
)
def test_an_override_lasts_until_the_next_report_falls_due(at, today, overridden):
    result = task_light(deadline_task(*JUNE_JULY, override=_override(at)), today)
    assert result.overridden is overridden


# ---------------------------------------------------------------- completion status


@pytest.mark.parametrize(
    ("today", "reports", "closed_on", "status"),
    [
        (date(2020, 6, 17), [], None, "not_started"),  # before the start
        (date(2020, 9, 1), [], None, "not_started"),  # started, but nothing reported
        (date(2020, 9, 1), [filed("2020-06", approved=False)], None, "in_progress"),
        (date(2020, 12, 31), [filed("2020-06")], None, "in_progress"),  # the deadline day itself
        (date(2021, 1, 1), [filed("2020-06")], None, "overdue"),  # the day after, not closed
        (date(2021, 1, 1), [], None, "overdue"),
        (date(2021, 1, 1), [filed("2020-06")], date(2020, 12, 31), "completed"),  # closed on the day
        (date(2021, 1, 5), [filed("2020-06")], date(2021, 1, 1), "completed_late"),  # closed a day late
        (date(2020, 12, 1), [filed("2020-06")], date(2020, 12, 2), "in_progress"),  # closed later on
    ],
)
def test_completion_status(today, reports, closed_on, status):
    assert completion_status(deadline_task(*reports, closed_on=closed_on), today) == status
    assert status in TASK_STATUSES


def test_a_task_without_a_deadline_closed_any_day_is_completed():
    task = deadline_task(due=None, closed_on=date(2021, 3, 1))
    assert completion_status(task, date(2021, 3, 1)) == "completed"


# ---------------------------------------------------------------- properties


@given(
    st.decimals(0, 150, places=2),
    st.decimals(0, 150, places=2),
    st.dates(date(2020, 1, 1), date(2020, 6, 30)),
)
def test_the_light_never_improves_when_the_actual_decreases(a, b, today):
    high, low = max(a, b), min(a, b)
    assert light_rank(task_light(numeric_task(low), today).light) >= light_rank(
        task_light(numeric_task(high), today).light
    )


@given(st.decimals(0, 200, places=2), st.decimals(0, 200, places=2))
def test_a_limit_never_improves_when_the_actual_rises(a, b):
    def light(actual):
        return task_light(numeric_task(actual, cmp="<=", unit="%"), CLEAN_TODAY).light

    assert light_rank(light(max(a, b))) >= light_rank(light(min(a, b)))


# ---------------------------------------------------------------- purity

PURE = ["status", "periods", "rollup", "reminders", "scoring"]
LEDGER = Path(__file__).resolve().parents[2] / "taizhang" / "ledger"


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_database_web_or_cli_library(module):
    code = (
        f"import sys, taizhang.ledger.{module}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'fastapi', 'typer', 'starlette'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_never_read_the_clock(module):
    tree = ast.parse((LEDGER / f"{module}.py").read_text("utf-8"))
    calls = {
        node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not calls & {"today", "now", "utcnow", "time"}

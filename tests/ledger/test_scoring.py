"""考核: the facts of a period become points, totals and a ranking."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.ledger.periods import Cadence, ReportRecord
from taizhang.ledger.scoring import (
    DEFAULT_POINTS,
    PointsTable,
    ScoreEvent,
    ScoreLine,
    score,
    score_events_for_period,
)
from taizhang.ledger.status import TaskSnapshot
from taizhang.ledger.vocabulary import SCORE_KINDS

START = date(2020, 6, 18)
DUE = date(2020, 12, 31)
RENSHE, CAIZHENG, FAGAI, GONGXIN = 7, 8, 9, 10  # 市人社局, 市财政局, 市发改委, 市工信局
SEPT_END = date(2020, 9, 30)


@pytest.mark.parametrize(
    ("kind", "points"),
    [
        ("on_time", D("1")),
        ("late", D("-0.1")),
        ("missing", D("-0.5")),
        ("returned", D("-2")),
        ("yellow", D("-0.5")),
        ("orange", D("-1")),  # between yellow and red: a worse light never costs less
        ("red", D("-2")),
        ("completed_on_time", D("1")),
    ],
)
def test_the_default_points_table(kind, points):
    assert DEFAULT_POINTS.points(kind) == points
    assert SCORE_KINDS[kind]


def test_unknown_event_kinds_are_refused():
    with pytest.raises(ValueError, match="考核事项"):
        ScoreEvent(RENSHE, 1, "praised", SEPT_END)


def ev(unit: int, kind: str, task: int = 1, day: int = 25) -> ScoreEvent:
    return ScoreEvent(unit, task, kind, date(2020, 9, day))


def test_a_units_total_is_the_sum_of_its_lines():
    events = [ev(RENSHE, "on_time"), ev(RENSHE, "returned", day=27), ev(RENSHE, "yellow", task=2, day=30)]
    (renshe,) = score(events)
    assert renshe.total == D("-1.5")  # 1 − 2 − 0.5
    assert renshe.events == (
        ScoreLine(1, "on_time", "按时报送", D(1), date(2020, 9, 25), ""),
        ScoreLine(1, "returned", "报送内容被退回", D(-2), date(2020, 9, 27), ""),
        ScoreLine(2, "yellow", "黄灯", D("-0.5"), date(2020, 9, 30), ""),
    )


def test_standard_competition_ranking_with_ties_in_unit_order():
    events = [
        ev(GONGXIN, "on_time"),
        ev(GONGXIN, "completed_on_time"),  # 2
        ev(FAGAI, "on_time"),  # 1
        ev(RENSHE, "on_time"),  # 1
        ev(CAIZHENG, "missing"),  # −0.5
    ]
    ranked = [(s.unit_id, s.total, s.rank) for s in score(events)]
    assert ranked == [(GONGXIN, D(2), 1), (RENSHE, D(1), 2), (FAGAI, D(1), 2), (CAIZHENG, D("-0.5"), 4)]


def test_units_without_events_can_be_ranked_at_zero():
    ranked = [(s.unit_id, s.total, s.rank) for s in score([ev(RENSHE, "late")], units=[CAIZHENG, RENSHE])]
    assert ranked == [(CAIZHENG, D(0), 1), (RENSHE, D("-0.1"), 2)]


def test_the_points_table_is_configurable():
    table = PointsTable(missing=D(-1))
    assert score([ev(RENSHE, "missing")], table)[0].total == D(-1)


events_strategy = st.lists(
    st.builds(
        ScoreEvent,
        unit_id=st.integers(1, 6),
        task_id=st.integers(1, 5),
        kind=st.sampled_from(list(SCORE_KINDS)),
        on=st.dates(date(2020, 9, 1), date(2020, 9, 30)),
    ),
    max_size=40,
)


@given(events_strategy)
def test_ranking_is_a_permutation_and_totals_are_sums_of_their_lines(events):
    scores = score(events)
    assert sorted(s.unit_id for s in scores) == sorted({e.unit_id for e in events})
    assert sum(len(s.events) for s in scores) == len(events)
    for s in scores:
        assert s.total == sum((line.points for line in s.events), D(0))
    for before, after in zip(scores, scores[1:], strict=False):
        assert (before.total, -before.unit_id) > (after.total, -after.unit_id)
        assert before.rank <= after.rank
    for s in scores:
        assert s.rank == 1 + sum(1 for other in scores if other.total > s.total)


# ---------------------------------------------------------------- events from the facts of a period


def report(period: str, submitted: date | None, *, returned=(), approved: bool = True) -> ReportRecord:
    approved_on = submitted + timedelta(days=1) if submitted and approved else None
    return ReportRecord(period, submitted, approved_on, returned_on=tuple(returned))


SUMMER = (
    report("2020-06", date(2020, 6, 20)),
    report("2020-07", date(2020, 7, 20)),
    report("2020-08", date(2020, 8, 20)),
)


MONTHLY = Cadence()


def task(task_id, september=None, *, unit=RENSHE, due=DUE, closed_on=None, cadence=MONTHLY, reports=None):
    reports = reports if reports is not None else (*SUMMER, *([september] if september else []))
    return TaskSnapshot(task_id, START, due, lead_unit_id=unit, closed_on=closed_on, reports=reports, cadence=cadence)


def kinds(events: list[ScoreEvent]) -> list[tuple[str, date]]:
    return [(e.kind, e.on) for e in events]


@pytest.mark.parametrize(
    ("submitted", "kind", "on"),
    [
        (date(2020, 9, 25), "on_time", date(2020, 9, 25)),  # on the due day
        (date(2020, 9, 26), "late", date(2020, 9, 26)),  # the day after
        (date(2020, 9, 30), "late", date(2020, 9, 30)),  # the period's last day
        (date(2020, 10, 1), "missing", date(2020, 9, 25)),  # after the period closed
        (None, "missing", date(2020, 9, 25)),
    ],
)
def test_each_report_owed_in_the_period_scores_once(submitted, kind, on):
    september = report("2020-09", submitted) if submitted else None
    events = score_events_for_period([task(1, september)], "2020-09", lights={1: "green"})
    assert kinds(events) == [(kind, on)]
    assert events[0].unit_id == RENSHE


def test_report_details_say_what_happened():
    late = score_events_for_period([task(1, report("2020-09", date(2020, 9, 28)))], "2020-09", lights={1: "green"})
    missing = score_events_for_period([task(1)], "2020-09", lights={1: "green"})
    assert late[0].detail == "2020年9月进展逾期报送（2020年9月28日报送，应于2020年9月25日前）"
    assert missing[0].detail == "2020年9月进展未报送（应于2020年9月25日前）"


def test_each_return_within_the_period_costs_points():
    september = report("2020-09", date(2020, 9, 20), returned=[date(2020, 9, 22), date(2020, 9, 24), date(2020, 10, 2)])
    events = score_events_for_period([task(1, september)], "2020-09", lights={1: "green"})
    assert kinds(events) == [
        ("on_time", date(2020, 9, 20)),
        ("returned", date(2020, 9, 22)),
        ("returned", date(2020, 9, 24)),
    ]


@pytest.mark.parametrize(
    ("light", "scored"),
    [("green", False), ("blue", False), ("none", False), ("yellow", True), ("orange", True), ("red", True)],
)
def test_the_light_at_the_periods_end_scores_yellow_orange_or_red(light, scored):
    events = score_events_for_period([task(1, report("2020-09", date(2020, 9, 20)))], "2020-09", lights={1: light})
    light_events = [(e.kind, e.on) for e in events if e.kind == light]
    assert light_events == ([(light, SEPT_END)] if scored else [])


def test_without_given_lights_the_light_on_the_last_day_is_computed():
    """August reported, September submitted but never approved: yellow on 30 September."""
    september = report("2020-09", date(2020, 9, 20), approved=False)
    events = score_events_for_period([task(1, september)], "2020-09")
    assert kinds(events) == [("on_time", date(2020, 9, 20)), ("yellow", SEPT_END)]
    assert events[1].detail == "2020年9月30日为黄灯"


@pytest.mark.parametrize(
    ("closed_on", "due", "scored"),
    [
        (date(2020, 9, 20), date(2020, 9, 20), True),  # closed on the deadline day
        (date(2020, 9, 21), date(2020, 9, 20), False),  # a day late
        (date(2020, 9, 20), None, True),
        (date(2020, 8, 31), DUE, False),  # closed in an earlier period
    ],
)
def test_a_task_closed_in_the_period_by_its_deadline_scores(closed_on, due, scored):
    events = score_events_for_period([task(1, closed_on=closed_on, due=due)], "2020-09", lights={1: "green"})
    assert (("completed_on_time", closed_on) in kinds(events)) is scored
    if closed_on < date(2020, 9, 25):
        assert not [e for e in events if e.kind == "missing"]  # nothing is owed after closing


def test_a_task_without_a_lead_unit_scores_nobody():
    assert score_events_for_period([task(1, unit=None)], "2020-09", lights={1: "red"}) == []


def test_a_quarter_scores_every_monthly_report_due_in_it():
    reports = (report("2020-07", date(2020, 7, 20)), report("2020-08", date(2020, 8, 27)))
    events = score_events_for_period([task(1, reports=reports)], "2020-Q3", lights={1: "green"})
    assert kinds(events) == [
        ("on_time", date(2020, 7, 20)),
        ("late", date(2020, 8, 27)),
        ("missing", date(2020, 9, 25)),
    ]


def test_a_month_scores_every_weekly_report_due_in_it():
    """Weeks 36–39 of 2020 fall due on Fridays 4, 11, 18 and 25 September."""
    weekly = Cadence("weekly")
    reports = (ReportRecord("2020-W37", date(2020, 9, 11)),)
    events = score_events_for_period([task(1, reports=reports, cadence=weekly)], "2020-09", lights={1: "green"})
    assert kinds(events) == [
        ("missing", date(2020, 9, 4)),
        ("on_time", date(2020, 9, 11)),
        ("missing", date(2020, 9, 18)),
        ("missing", date(2020, 9, 25)),
    ]


def test_a_month_of_the_ganzhou_ledger_end_to_end():
    tasks = [
        task(1, report("2020-09", date(2020, 9, 24)), unit=RENSHE),  # on time: +1
        task(20, report("2020-09", date(2020, 9, 28)), unit=CAIZHENG),  # late −0.1, then yellow −0.5
        task(18, None, unit=FAGAI),  # missing −0.5, yellow −0.5
        # reported on 10 September and closed on the due day: the report still counts, +1 +1
        task(17, report("2020-09", date(2020, 9, 10)), unit=GONGXIN, closed_on=date(2020, 9, 25)),
    ]
    lights = {1: "green", 20: "yellow", 18: "yellow", 17: "green"}
    ranked = [(s.unit_id, s.total, s.rank) for s in score(score_events_for_period(tasks, "2020-09", lights=lights))]
    assert ranked == [(GONGXIN, D(2), 1), (RENSHE, D(1), 2), (CAIZHENG, D("-0.6"), 3), (FAGAI, D(-1), 4)]

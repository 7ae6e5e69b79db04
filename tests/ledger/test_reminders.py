"""What needs urging, and the escalation ladder 催办 → 蓝色 → 橙色 → 红色督办."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from taizhang.ledger.periods import ReportRecord, WorkCalendar
from taizhang.ledger.reminders import (
    Ladder,
    NoticeRecord,
    Step,
    UrgeItem,
    answer_by,
    needs_urging,
    next_step,
)
from taizhang.ledger.status import IndicatorSnapshot, Override, TaskSnapshot
from taizhang.ledger.vocabulary import NOTICE_STEPS, URGE_REASONS

START = date(2020, 6, 18)
DUE = date(2020, 12, 31)
RENSHE, FAGAI = 7, 9  # 市人社局, 市发改委


def filed(period: str, value: D | None = None, *, day: int = 20) -> ReportRecord:
    year, month = map(int, period.split("-"))
    submitted = date(year, month, day)
    return ReportRecord(
        period, submitted, submitted + timedelta(days=1), values={1: value} if value is not None else {}
    )


SUMMER = [filed("2020-06"), filed("2020-07"), filed("2020-08")]


def task(task_id=1, *reports, unit=RENSHE, due=DUE, indicators=(), closed_on=None, start=START, override=None):
    return TaskSnapshot(
        task_id,
        start,
        due,
        lead_unit_id=unit,
        closed_on=closed_on,
        indicators=indicators,
        reports=tuple(reports),
        override=override,
    )


def reasons(items: list[UrgeItem]) -> list[tuple[int, str]]:
    return [(i.task_id, i.reason) for i in items]


@pytest.mark.parametrize(
    ("september", "today", "urged"),
    [
        (None, date(2020, 9, 25), False),  # the due day itself: not yet missing
        (None, date(2020, 9, 26), True),  # the day after
        (filed("2020-09", day=25), date(2020, 9, 26), False),
        (filed("2020-09", day=26), date(2020, 9, 27), False),  # submitted late: nothing left to urge
    ],
)
def test_a_report_missing_after_its_due_day_is_urged(september, today, urged):
    reports = [*SUMMER, september] if september else SUMMER
    items = [i for i in needs_urging([task(1, *reports)], today) if i.reason == "missing_report"]
    assert bool(items) is urged


def test_a_missing_report_item_names_the_period_unit_and_delay():
    (item,) = needs_urging([task(1, *SUMMER)], date(2020, 9, 28))
    assert item == UrgeItem(
        task_id=1,
        unit_id=RENSHE,
        reason="missing_report",
        text="2020年9月进展未报送，应于2020年9月25日前报送，已逾期3天",
        key="1:report:2020-09",
        period="2020-09",
        due=date(2020, 9, 25),
    )
    assert item.label == "未按时报送进展"


def test_each_missing_period_is_its_own_item():
    items = needs_urging([task(1, filed("2020-06"), filed("2020-07"))], date(2020, 9, 26))
    assert [i.key for i in items if i.reason == "missing_report"] == ["1:report:2020-08", "1:report:2020-09"]


BASES = IndicatorSnapshot(1, "全年新增企业见习基地100个", D(100), "个", ">=")


@pytest.mark.parametrize(
    ("august_figure", "reason"),
    [
        (D(30), None),  # 30% against 68/196 = 34.69% expected on 25 August: yellow, not urged
        (D(20), "orange"),  # 14.69 points behind
        (D(4), "red"),  # 30.69 points behind
    ],
)
def test_orange_and_red_tasks_are_urged_with_their_reasons(august_figure, reason):
    reports = [filed("2020-06", D(0)), filed("2020-07", D(0)), filed("2020-08", august_figure)]
    items = needs_urging([task(4, *reports, indicators=(BASES,))], date(2020, 9, 1))
    assert [i.reason for i in items] == ([reason] if reason else [])
    if reason:
        (item,) = items
        assert item.key == "4:progress:2020-08"
        assert item.text.startswith(("橙灯：全年新增企业见习基地100个：截至2020年8月25日序时进度34.69%", "红灯："))


def test_a_supervisor_override_to_red_is_urged():
    override = Override("red", "群众反映强烈，需重点督办", "督查室李明", date(2020, 9, 1))
    items = needs_urging([task(1, *SUMMER, override=override)], date(2020, 9, 2))
    assert reasons(items) == [(1, "red")]
    assert items[0].text.endswith("督查室人工调整为红灯：群众反映强烈，需重点督办（督查室李明，2020年9月1日）")


@pytest.mark.parametrize(
    ("today", "text"),
    [
        (date(2020, 12, 23), None),  # 8 days before
        (date(2020, 12, 24), "距完成时限2020年12月31日还有7天，任务尚未办结"),  # 7 days before
        (date(2020, 12, 31), "今天是完成时限（2020年12月31日），任务尚未办结"),
        (date(2021, 1, 1), None),  # past: the light is red instead
    ],
)
def test_deadlines_within_seven_days_are_urged(today, text):
    reports = [filed(f"2020-{m:02d}") for m in range(6, 13)]
    items = [i for i in needs_urging([task(18, *reports)], today) if i.reason == "deadline_soon"]
    assert [i.text for i in items] == ([text] if text else [])


def test_the_deadline_window_is_configurable():
    reports = [filed(f"2020-{m:02d}") for m in range(6, 13)]
    items = needs_urging([task(18, *reports)], date(2020, 12, 21), soon_days=10)
    assert [i.key for i in items] == ["18:deadline:2020-12-31"]


def test_an_unmet_indicator_with_its_own_deadline_is_urged():
    """11月底前推出赣州智慧旅游手机APP4.0版: an indicator due before its task."""
    app = IndicatorSnapshot(1, "推出智慧旅游APP4.0版1个", D(1), "个", ">=", due_date=date(2020, 11, 30))
    reports = [filed(f"2020-{m:02d}", D(0)) for m in range(6, 12)]
    items = needs_urging([task(11, *reports, indicators=(app,), unit=FAGAI)], date(2020, 11, 25))
    deadlines = [i for i in items if i.reason == "deadline_soon"]
    assert [(i.unit_id, i.text) for i in deadlines] == [
        (FAGAI, "推出智慧旅游APP4.0版1个：距完成时限2020年11月30日还有5天，目标尚未完成")
    ]


def test_closed_and_not_yet_started_tasks_are_not_urged():
    closed = task(1, closed_on=date(2020, 9, 1))
    later = task(2, start=date(2020, 10, 1))
    assert needs_urging([closed, later], date(2020, 9, 28)) == []


def test_items_come_most_severe_first():
    red = task(3, filed("2020-06"), filed("2020-07"))  # August and September missed: red
    missing = task(1, *SUMMER)
    soon = task(2, *SUMMER, filed("2020-09"), due=date(2020, 9, 30))
    items = needs_urging([soon, missing, red], date(2020, 9, 26))
    assert reasons(items) == [
        (3, "red"),
        (1, "missing_report"),
        (3, "missing_report"),
        (3, "missing_report"),
        (2, "deadline_soon"),
    ]


@pytest.mark.parametrize("reason", ["missing_report", "red", "orange", "deadline_soon"])
def test_every_reason_has_a_chinese_label(reason):
    assert URGE_REASONS[reason]


# ---------------------------------------------------------------- the ladder

FRIDAY = date(2020, 9, 25)


def notice(step: str, issued: date, answered: date | None = None) -> NoticeRecord:
    return NoticeRecord(step, issued, answered)


@pytest.mark.parametrize(
    ("history", "today", "expected"),
    [
        ([], FRIDAY, Step("reminder", FRIDAY, date(2020, 9, 30))),  # 3 working days: Mon, Tue, Wed
        ([notice("reminder", FRIDAY)], date(2020, 9, 30), None),  # its last day: wait
        ([notice("reminder", FRIDAY)], date(2020, 10, 1), Step("blue", date(2020, 10, 1), date(2020, 10, 8))),
        ([notice("reminder", FRIDAY, date(2020, 9, 29))], date(2020, 10, 1), None),  # answered: stop
        # answered after today is not answered yet
        (
            [notice("reminder", FRIDAY, date(2020, 10, 2))],
            date(2020, 10, 1),
            Step("blue", date(2020, 10, 1), date(2020, 10, 8)),
        ),
        ([notice("reminder", FRIDAY), notice("blue", date(2020, 10, 1))], date(2020, 10, 8), None),  # 5 days
        (
            [notice("reminder", FRIDAY), notice("blue", date(2020, 10, 1))],
            date(2020, 10, 9),
            Step("orange", date(2020, 10, 9), date(2020, 10, 14)),
        ),
        (
            [notice("reminder", FRIDAY), notice("blue", date(2020, 10, 1)), notice("orange", date(2020, 10, 9))],
            date(2020, 10, 15),
            Step("red", date(2020, 10, 15), date(2020, 10, 19)),  # 2 working days: Fri, Mon
        ),
        ([notice("red", date(2020, 10, 15))], date(2020, 10, 20), None),  # the ladder ends at red
        (
            [notice("blue", FRIDAY, date(2020, 9, 28)), notice("reminder", date(2020, 10, 12))],
            date(2020, 10, 16),
            Step("blue", date(2020, 10, 16), date(2020, 10, 23)),
        ),  # the latest notice decides
    ],
)
def test_the_ladder_moves_up_only_when_a_notice_expires_unanswered(history, today, expected):
    assert next_step(history, today) == expected


def test_an_urgent_item_may_start_higher():
    assert next_step([], FRIDAY, start_at="orange") == Step("orange", FRIDAY, date(2020, 9, 30))
    expired = [notice("reminder", FRIDAY)]
    assert next_step(expired, date(2020, 10, 1), start_at="orange").step == "orange"  # blue skipped


def test_time_limits_are_configurable():
    quick = Ladder(reminder=1)
    assert next_step([], FRIDAY, ladder=quick).answer_by == date(2020, 9, 28)
    with pytest.raises(ValueError, match="至少为1个工作日"):
        Ladder(red=0)


def test_holidays_extend_the_time_to_answer():
    national_day = WorkCalendar(
        holidays=frozenset(date(2020, 10, d) for d in range(1, 9)),
        workdays=frozenset({date(2020, 9, 27), date(2020, 10, 10)}),
    )
    reminder = notice("reminder", date(2020, 9, 30))
    assert answer_by(reminder, calendar=national_day) == date(2020, 10, 12)  # 9th, Saturday 10th, 12th
    assert next_step([reminder], date(2020, 10, 12), calendar=national_day) is None
    assert next_step([reminder], date(2020, 10, 13), calendar=national_day).step == "blue"


def test_unknown_steps_are_refused():
    with pytest.raises(ValueError, match="督办环节"):
        NoticeRecord("purple", FRIDAY)
    with pytest.raises(ValueError, match="督办环节"):
        next_step([], FRIDAY, start_at="urgent")


def test_every_step_has_a_chinese_label():
    assert list(NOTICE_STEPS) == ["reminder", "blue", "orange", "red"]
    assert next_step([], FRIDAY).label == "催办"

"""Pure: a task's progress light (预警灯) and its completion status, from plain facts and ``today``.

Lights, best to worst: none 无灯 < green 绿灯 < blue 蓝灯 < yellow 黄灯 < orange 橙灯 < red 红灯.
A task's light is the worst light any rule gives it; every rule that fires adds a reason. Which
periods a task owes and which period is judged: see ``periods``. Thresholds are ``Thresholds``.

Numeric targets (>=, >, =, range). Actual share = the latest approved cumulative figure / target
(a range's low end; "=" is met once reached); no approved figure counts as 0. Expected share
(序时进度) on the due day of the period under judgement, or today if earlier: the trajectory's
latest point on or before that day (0 before the first), else elapsed / total days from the task's
start to the indicator's deadline, clipped to [0, 1]. Rates are levels, not accumulations: a rate
(%, 个百分点, ratio, per-capita units) without a trajectory is held to its full target throughout.
Both shares are rounded to 0.01% and gap = actual − expected in points, so the judged gap is the
gap shown. Green when met or gap ≥ 0; yellow for a lag up to 10 points; orange up to 30; red
beyond, and red once the indicator's deadline has passed unmet (逾期).

Limits (<=, <; 政府债务率控制在100%以内). No trajectory: green while the latest approved figure
is within the limit ("<=" allows the limit itself, "<" does not), red beyond it, no light without
an approved figure.

Deadlines. Blue from 7 days before the task's deadline through the deadline day, unless every
indicator is met. A task without indicators is red from the day after its deadline until closed;
a task with indicators is overdue through its indicators. A task without a dated deadline
(预算批复后60日内) is judged by its reporting alone.

Reporting. The latest period due missed: at least yellow; the two latest both missed: red.

Green needs approval. The approved report of the period under judgement allows green; while that
report is submitted but not approved the task is at least yellow (暂不评为绿灯). A task has no
light before its start date; before its first report falls due only its deadline and targets
already met or overdue can light it. A closed task is green.

Override. A supervisor may set the light, with a mandatory reason. It holds from its date through
the first due day after it (when the next report is judged), then the computed light returns. The
result keeps both the computed and the effective light.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from taizhang.errors import InvalidOverride
from taizhang.ledger.periods import (
    MONTHLY,
    Cadence,
    ReportRecord,
    approved_by,
    first_owed,
    format_date,
    judged_period,
    missed_in_a_row,
    next_period,
    period_due,
    period_label,
    period_of,
    period_start,
    previous_period,
    report_for,
    submitted_by,
)
from taizhang.ledger.rollup import format_number, format_quantity, format_share, is_rate
from taizhang.ledger.vocabulary import LIGHT_LABELS, LIGHTS

LIMIT_CMPS = frozenset({"<=", "<"})
_RANK = {light: rank for rank, light in enumerate(LIGHTS)}
_SHARE_PLACES, _CENT = Decimal("0.0001"), Decimal("0.01")


@dataclass(frozen=True)
class Thresholds:
    yellow_lag_pp: Decimal = Decimal(10)  # a lag up to this many points is yellow
    orange_lag_pp: Decimal = Decimal(30)  # … up to this many orange, beyond it red
    blue_days: int = 7  # days before the deadline that turn the light blue
    red_misses: int = 2  # consecutive missed periods that turn the light red

    def __post_init__(self) -> None:
        ordered = Decimal(0) <= self.yellow_lag_pp <= self.orange_lag_pp
        if not ordered or self.blue_days < 0 or self.red_misses < 1:
            raise ValueError("预警阈值无效：应满足 0 ≤ 黄灯落后点数 ≤ 橙灯落后点数，临期天数 ≥ 0，漏报期数 ≥ 1。")


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class IndicatorSnapshot:
    id: int
    name: str  # 全年新增企业见习基地100个
    target_value: Decimal  # the high end of a range
    unit: str
    cmp: str  # ">=", ">", "=", "range", "<=", "<"
    target_low: Decimal | None = None
    due_date: date | None = None  # None: the task's deadline
    trajectory: tuple[tuple[date, Decimal], ...] = ()  # (day, expected cumulative share 0–1)


@dataclass(frozen=True)
class Override:
    light: str
    reason: str
    by: str
    at: date

    def __post_init__(self) -> None:
        if self.light not in _RANK:
            raise InvalidOverride(f"预警灯“{self.light}”无效，可选：{'、'.join(LIGHTS)}。")
        if not self.reason.strip():
            raise InvalidOverride("人工调整预警灯必须填写理由，请说明调整原因后重新提交。")
        if not self.by.strip():
            raise InvalidOverride("人工调整预警灯必须注明调整人。")


@dataclass(frozen=True)
class TaskSnapshot:
    """Everything the pure ledger rules need to know about one task."""

    task_id: int
    start: date  # usually the document's issue date
    due_date: date | None = None
    lead_unit_id: int | None = None
    due_note: str | None = None  # an event-relative limit (预算批复后60日内)
    closed_on: date | None = None  # 办结 / 销号
    indicators: tuple[IndicatorSnapshot, ...] = ()
    reports: tuple[ReportRecord, ...] = ()
    cadence: Cadence = MONTHLY
    override: Override | None = None


@dataclass(frozen=True)
class IndicatorLight:
    indicator_id: int
    light: str
    reason: str | None
    met: bool | None  # None: cannot be judged yet
    expected_share: Decimal | None = None
    actual_share: Decimal | None = None
    gap_pp: Decimal | None = None


@dataclass(frozen=True)
class LightResult:
    light: str  # effective: the override when one is in force
    computed: str
    reasons: tuple[str, ...]
    expected_share: Decimal | None  # of the indicator furthest behind
    actual_share: Decimal | None
    gap_pp: Decimal | None
    overridden: bool
    period: str | None = None  # the period under judgement
    indicators: tuple[IndicatorLight, ...] = ()

    @property
    def effective(self) -> str:
        return self.light


def light_rank(light: str) -> int:
    return _RANK[light]


def worst(lights) -> str:
    return max(lights, key=light_rank, default="none")


# ---------------------------------------------------------------- the light


def task_light(task: TaskSnapshot, today: date, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> LightResult:
    """The task's light on ``today`` with the reasons for it (see the module docstring for the rules)."""
    if task.start > today:
        return _plain("none", f"任务尚未开始（起始日期{format_date(task.start)}）", task, today)
    if task.closed_on is not None and task.closed_on <= today:
        late = task.due_date is not None and task.closed_on > task.due_date
        note = f"，晚于完成时限{format_date(task.due_date)}" if late else ""
        return _plain("green", f"任务已于{format_date(task.closed_on)}办结{note}", task, today)

    period = judged_period(task, today)
    on = min(period_due(task.cadence, period), today) if period else None
    indicators = tuple(_indicator_light(task, ind, today, on, thresholds) for ind in task.indicators)
    findings = [(il.light, il.reason) for il in indicators]
    findings += _deadline_findings(task, indicators, today, thresholds)
    findings += _reporting_findings(task, today, thresholds)
    findings += _approval_findings(task, period, today)
    computed = worst(light for light, _ in findings)
    reasons = [reason for _, reason in findings if reason]
    behind = min((il for il in indicators if il.gap_pp is not None), key=lambda il: il.gap_pp, default=None)
    result = LightResult(
        light=computed,
        computed=computed,
        reasons=tuple(reasons),
        expected_share=behind.expected_share if behind else None,
        actual_share=behind.actual_share if behind else None,
        gap_pp=behind.gap_pp if behind else None,
        overridden=False,
        period=period,
        indicators=indicators,
    )
    return _apply_override(result, task, today)


def _plain(light: str, reason: str, task: TaskSnapshot, today: date) -> LightResult:
    return _apply_override(LightResult(light, light, (reason,), None, None, None, False), task, today)


def override_in_force(task: TaskSnapshot, today: date) -> Override | None:
    """The override, from its date through the first due day after it."""
    override = task.override
    if override is None or override.at > today:
        return None
    period = previous_period(task.cadence, period_of(task.cadence, override.at))
    while period_due(task.cadence, period) <= override.at:
        period = next_period(task.cadence, period)
    return override if today <= period_due(task.cadence, period) else None


def _apply_override(result: LightResult, task: TaskSnapshot, today: date) -> LightResult:
    override = override_in_force(task, today)
    if override is None:
        return result
    who = f"（{override.by}，{format_date(override.at)}）"
    note = f"督查室人工调整为{LIGHT_LABELS[override.light]}：{override.reason}{who}"
    return replace(result, light=override.light, reasons=(*result.reasons, note), overridden=True)


def approved_value(task: TaskSnapshot, indicator_id: int, today: date) -> Decimal | None:
    """The indicator's figure from the latest approved report that gives one."""
    figures = [
        (period_start(task.cadence, r.period), r.values[indicator_id])
        for r in task.reports
        if approved_by(r, today) and indicator_id in r.values
    ]
    return max(figures, key=lambda f: f[0])[1] if figures else None


def expected_share(task: TaskSnapshot, indicator: IndicatorSnapshot, on: date) -> Decimal | None:
    """序时进度 on ``on``: the trajectory, or full for rates, or linear from start to deadline."""
    if indicator.trajectory:
        reached = [share for day, share in sorted(indicator.trajectory) if day <= on]
        return reached[-1] if reached else Decimal(0)
    if is_rate(indicator.unit):
        return Decimal(1)
    due = indicator.due_date or task.due_date
    if due is None:
        return None
    total = (due - task.start).days
    if total <= 0:
        return Decimal(1)
    return min(max(Decimal((on - task.start).days) / total, Decimal(0)), Decimal(1))


def _indicator_light(
    task: TaskSnapshot, ind: IndicatorSnapshot, today: date, on: date | None, th: Thresholds
) -> IndicatorLight:
    actual = approved_value(task, ind.id, today)
    if ind.cmp in LIMIT_CMPS:
        return _limit_light(ind, actual)
    target = ind.target_low if ind.cmp == "range" and ind.target_low is not None else ind.target_value
    achieved = actual if actual is not None else Decimal(0)
    met = achieved > target if ind.cmp == ">" else achieved >= target
    share = _share(achieved, target, met)
    due = ind.due_date or task.due_date
    overdue = not met and due is not None and today > due
    expected = Decimal(1) if overdue else (expected_share(task, ind, on) if on else None)
    if expected is not None:
        expected = expected.quantize(_SHARE_PLACES, rounding=ROUND_HALF_UP)
    gap = ((share - expected) * 100).quantize(_CENT) if expected is not None else None  # judged = shown
    goal, done = _goal_text(ind), f"实际完成{format_share(share)}"
    if met:
        reason = f"{ind.name}：已完成，实际{_q(achieved, ind)}，目标{goal}"
        return IndicatorLight(ind.id, "green", reason, True, expected, share, gap)
    if overdue:
        reason = f"{ind.name}：完成时限{format_date(due)}已过，{done}，目标{goal}未完成（逾期）"
        return IndicatorLight(ind.id, "red", reason, False, expected, share, gap)
    if on is None:
        return IndicatorLight(ind.id, "none", None, False, actual_share=share)
    done += "（尚无审核通过的数据）" if actual is None else ""
    if gap is None:
        reason = f"{ind.name}：未设完成时限和进度计划，不计算序时进度；{done}"
        return IndicatorLight(ind.id, "none", reason, False, actual_share=share)
    rate_note = "（比率指标按全额目标衡量）" if is_rate(ind.unit) and not ind.trajectory else ""
    expectation = f"截至{format_date(on)}序时进度{format_share(expected)}{rate_note}"
    reason = f"{ind.name}：{expectation}，{done}，{_gap_text(gap)}"
    return IndicatorLight(ind.id, _gap_light(gap, th), reason, False, expected, share, gap)


def _limit_light(ind: IndicatorSnapshot, actual: Decimal | None) -> IndicatorLight:
    limit = _q(ind.target_value, ind)
    if actual is None:
        return IndicatorLight(ind.id, "none", f"{ind.name}：尚无审核通过的实际值，暂不判断是否超限", None)
    within = actual <= ind.target_value if ind.cmp == "<=" else actual < ind.target_value
    if within:
        wording = f"控制在{limit}以内" if ind.cmp == "<=" else f"低于{limit}的上限"
        return IndicatorLight(ind.id, "green", f"{ind.name}：实际{_q(actual, ind)}，{wording}", True)
    wording = f"超过{limit}的上限" if actual > ind.target_value else f"未低于{limit}的上限"
    return IndicatorLight(ind.id, "red", f"{ind.name}：实际{_q(actual, ind)}，{wording}", False)


def _share(achieved: Decimal, target: Decimal, met: bool) -> Decimal:
    if met:
        return Decimal(1)
    if target <= 0:
        return Decimal(0)
    return min(max(achieved / target, Decimal(0)), Decimal(1)).quantize(_SHARE_PLACES, rounding=ROUND_HALF_UP)


def _gap_light(gap: Decimal, th: Thresholds) -> str:
    if gap >= 0:
        return "green"
    if -gap <= th.yellow_lag_pp:
        return "yellow"
    return "orange" if -gap <= th.orange_lag_pp else "red"


def _deadline_findings(
    task: TaskSnapshot, indicators: tuple[IndicatorLight, ...], today: date, th: Thresholds
) -> list[tuple[str, str]]:
    if task.due_date is None:
        if task.indicators:
            return []
        note = f"（{task.due_note}）" if task.due_note else ""
        return [("none", f"未设具体完成时限{note}，按进展报送情况评灯")]
    days_left = (task.due_date - today).days
    due = format_date(task.due_date)
    if days_left < 0 and not task.indicators:
        return [("red", f"完成时限{due}已过，任务尚未办结（逾期）")]
    all_met = bool(indicators) and all(il.met for il in indicators)
    if 0 <= days_left <= th.blue_days and not all_met:
        when = f"今天是完成时限（{due}）" if days_left == 0 else f"距完成时限{due}还有{days_left}天"
        return [("blue", f"{when}，任务尚未办结")]
    return []


def _reporting_findings(task: TaskSnapshot, today: date, th: Thresholds) -> list[tuple[str, str]]:
    missed = missed_in_a_row(task, today)
    if not missed:
        return []
    if len(missed) >= th.red_misses:
        names = "、".join(period_label(task.cadence, p) for p in missed)
        return [("red", f"已连续{len(missed)}期未按时报送进展（{names}）")]
    period = missed[-1]
    label, deadline = period_label(task.cadence, period), format_date(period_due(task.cadence, period))
    report = report_for(task, period)
    if submitted_by(report, today):
        late = format_date(report.submitted_on)
        return [("yellow", f"{label}进展逾期报送（{late}报送，应于{deadline}前报送）")]
    return [("yellow", f"{label}进展未报送（应于{deadline}前报送）")]


def _approval_findings(task: TaskSnapshot, period: str | None, today: date) -> list[tuple[str, str]]:
    if period is None:
        first = first_owed(task.cadence, task.start)
        due = format_date(period_due(task.cadence, first))
        return [("none", f"首期进展（{period_label(task.cadence, first)}）应于{due}前报送，尚未到期")]
    label, report = period_label(task.cadence, period), report_for(task, period)
    if approved_by(report, today):
        return [("green", f"{label}进展已审核通过")]
    if submitted_by(report, today):
        return [("yellow", f"{label}进展已报送，尚未审核通过，暂不评为绿灯")]
    return []


# ---------------------------------------------------------------- completion status


def completion_status(task: TaskSnapshot, today: date) -> str:
    """One of ``vocabulary.TASK_STATUSES`` (withdrawal is the service's decision, not a fact here)."""
    if task.closed_on is not None and task.closed_on <= today:
        on_time = task.due_date is None or task.closed_on <= task.due_date
        return "completed" if on_time else "completed_late"
    if task.due_date is not None and today > task.due_date:
        return "overdue"
    started = any(submitted_by(r, today) for r in task.reports)
    return "in_progress" if started and task.start <= today else "not_started"


# ---------------------------------------------------------------- wording


def _gap_text(gap: Decimal) -> str:
    if gap > 0:
        return f"超前{format_number(gap)}个百分点"
    if gap < 0:
        return f"落后{format_number(-gap)}个百分点"
    return "与序时进度持平"


def _q(value: Decimal, ind: IndicatorSnapshot) -> str:
    return format_quantity(value, ind.unit)


def _goal_text(ind: IndicatorSnapshot) -> str:
    if ind.cmp == "range" and ind.target_low is not None:
        return f"{format_number(ind.target_low)}-{_q(ind.target_value, ind)}"
    return _q(ind.target_value, ind)

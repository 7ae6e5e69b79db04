"""What the home page (工作台) and the 驾驶舱 dashboard show, composed from the ledger, reports,
notices and scores — read-only, scoped like every other read."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from taizhang.auth.permissions import Actor, allowed, require
from taizhang.ledger.models import Measure, Policy, Section, Task, Unit
from taizhang.ledger.periods import current_period, period_due, period_label, previous_period
from taizhang.ledger.service.access import scope_tasks
from taizhang.ledger.service.lights import as_of, cadence_of, current_policy_row, snapshots, thresholds_of
from taizhang.ledger.status import approved_value, task_light
from taizhang.reporting.models import Report
from taizhang.supervision.models import Notice

ON_TRACK = ("green", "blue")
BEHIND = ("yellow", "orange", "red")
LIGHT_ORDER = ("red", "orange", "yellow", "blue", "green", "none")


@dataclass(frozen=True)
class Headline:
    total: int
    completed: int
    on_track: int
    behind: int
    overdue: int


@dataclass(frozen=True)
class DueItem:
    task_id: int
    title: str
    period: str
    period_label: str
    due: date
    report_status: str | None  # None: nothing started for this period
    report_id: int | None
    light: str


@dataclass(frozen=True)
class Workbench:
    as_of: date
    policy_title: str
    demo: bool
    period: str
    period_label: str
    period_due: date
    due: list[DueItem] = field(default_factory=list)  # tasks to report this period (units)
    returned: list[DueItem] = field(default_factory=list)  # reports sent back for correction
    to_review: int = 0  # office: reports waiting for review
    unread: int = 0
    open_notices: list[Notice] = field(default_factory=list)
    lights: dict[str, int] = field(default_factory=dict)
    headline: Headline | None = None
    red_tasks: list[Task] = field(default_factory=list)


@dataclass(frozen=True)
class SectionLights:
    no: int
    title: str
    lights: dict[str, int]


@dataclass(frozen=True)
class CountyRow:
    unit: str
    tasks: int
    lights: dict[str, int]
    completion: Decimal | None  # approved actual / sub-target over additive indicators, 0–1


@dataclass(frozen=True)
class TrendPoint:
    period: str
    label: str
    on_track: int
    behind: int
    completed: int


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    policy_title: str
    demo: bool
    ranking_period: str  # the last period whose reports are all due
    ranking_label: str
    headline: Headline
    sections: list[SectionLights]
    counties: list[CountyRow]
    trend: list[TrendPoint]


def _tasks(session: Session, actor: Actor, policy: Policy, *, top_level: bool = True) -> list[Task]:
    query = (select(Task).join(Measure, Measure.id == Task.measure_id)
             .where(Measure.policy_id == policy.id, Task.status != "withdrawn"))
    if top_level and not actor.unit_scoped:
        query = query.where(Task.parent_id.is_(None))
    query = scope_tasks(query, actor).options(selectinload(Task.indicators), selectinload(Task.measure))
    return list(session.scalars(query.order_by(Task.id)))


def headline(tasks: list[Task]) -> Headline:
    return Headline(
        total=len(tasks),
        completed=sum(t.status in ("completed", "completed_late") for t in tasks),
        on_track=sum(t.light in ON_TRACK and t.status not in ("completed", "completed_late") for t in tasks),
        behind=sum(t.light in BEHIND and t.status != "overdue" for t in tasks),
        overdue=sum(t.status == "overdue" for t in tasks),
    )


def workbench(*, session: Session, actor: Actor, today: date | None = None) -> Workbench | None:
    require(actor, "task.view")
    policy = current_policy_row(session)
    if policy is None:
        return None
    day = as_of(session, today)
    cadence = cadence_of(policy)
    period = current_period(cadence, day)
    tasks = _tasks(session, actor, policy)
    base = dict(as_of=day, policy_title=policy.title, demo=policy.demo, period=period,
                period_label=period_label(cadence, period), period_due=period_due(cadence, period),
                lights=dict(Counter(t.light for t in tasks)))
    notices, unread = _notices(session, actor)
    if actor.unit_scoped:
        due, returned = _unit_reports(session, actor, tasks, cadence, period)
        return Workbench(**base, due=due, returned=returned, unread=unread, open_notices=notices)
    to_review = session.scalar(select(func.count()).select_from(Report)
                               .where(Report.status == "submitted", Report.kind == "lead")) or 0
    reds = [t for t in tasks if t.light == "red"][:20]
    return Workbench(**base, to_review=to_review if allowed(actor, "report.review") else 0, unread=unread,
                     open_notices=notices, headline=headline(tasks), red_tasks=reds)


def _notices(session: Session, actor: Actor) -> tuple[list[Notice], int]:
    query = select(Notice).where(Notice.status == "open")
    unread = select(func.count()).select_from(Notice).where(Notice.read_at.is_(None))
    if actor.unit_scoped:
        query = query.where(Notice.unit_id == actor.unit_id)
        unread = unread.where(Notice.unit_id == actor.unit_id)
    return list(session.scalars(query.order_by(Notice.id.desc()).limit(10))), session.scalar(unread) or 0


def _unit_reports(session, actor, tasks, cadence, period) -> tuple[list[DueItem], list[DueItem]]:
    mine = [t for t in tasks if t.closed_on is None and any(a.unit_id == actor.unit_id for a in t.assignments)]
    reports = {(r.task_id, r.period): r for r in session.scalars(
        select(Report).where(Report.unit_id == actor.unit_id, Report.task_id.in_([t.id for t in mine])))}
    due, returned = [], []
    for t in mine:
        report = reports.get((t.id, period))
        item = DueItem(task_id=t.id, title=t.title, period=period, period_label=period_label(cadence, period),
                       due=period_due(cadence, period), report_status=report.status if report else None,
                       report_id=report.id if report else None, light=t.light)
        due.append(item)
        for (task_id, p), r in reports.items():
            if task_id == t.id and r.status == "returned":
                returned.append(DueItem(task_id=t.id, title=t.title, period=p, period_label=period_label(cadence, p),
                                        due=period_due(cadence, p), report_status="returned", report_id=r.id,
                                        light=t.light))
    return due, returned


def dashboard(*, session: Session, actor: Actor, today: date | None = None) -> Dashboard | None:
    require(actor, "task.view")
    policy = current_policy_row(session)
    if policy is None:
        return None
    day = as_of(session, today)
    tasks = _tasks(session, actor, policy)
    sections = session.scalars(select(Section).where(Section.policy_id == policy.id).order_by(Section.no)).all()
    by_section: dict[int, Counter] = defaultdict(Counter)
    for t in tasks:
        by_section[t.measure.section_id or 0][t.light] += 1
    cadence = cadence_of(policy)
    period = current_period(cadence, day)
    closed = period if period_due(cadence, period) <= day else previous_period(cadence, period)
    return Dashboard(
        as_of=day, policy_title=policy.title, demo=policy.demo, ranking_period=closed,
        ranking_label=period_label(cadence, closed), headline=headline(tasks),
        sections=[SectionLights(no=s.no, title=s.title, lights=dict(by_section.get(s.id, {}))) for s in sections],
        counties=_counties(session, actor, policy, day),
        trend=_trend(session, tasks, policy, day),
    )


def _counties(session: Session, actor: Actor, policy: Policy, day: date) -> list[CountyRow]:
    """Sub-tasks decomposed to counties, compared county by county."""
    counties = {u.id: u.short_name for u in session.scalars(select(Unit).where(Unit.kind == "county"))}
    subtasks = [t for t in _tasks(session, actor, policy, top_level=False) if t.lead_unit_id in counties]
    snaps = snapshots(session, subtasks, cadence_of(policy))
    rows = []
    for unit_id, name in counties.items():
        own = [t for t in subtasks if t.lead_unit_id == unit_id]
        done = target = Decimal(0)
        for t in own:
            for i in t.indicators:
                if not i.additive:
                    continue
                actual = approved_value(snaps[t.id], i.id, day)
                done += min(actual or Decimal(0), Decimal(i.target_value))
                target += Decimal(i.target_value)
        rows.append(CountyRow(unit=name, tasks=len(own), lights=dict(Counter(t.light for t in own)),
                              completion=(done / target).quantize(Decimal("0.0001")) if target else None))
    return rows


def _trend(session: Session, tasks: list[Task], policy: Policy, day: date, periods: int = 6) -> list[TrendPoint]:
    """How many tasks were on track, behind and completed at each of the last periods' due days."""
    cadence = cadence_of(policy)
    thresholds = thresholds_of(policy)
    snaps = snapshots(session, tasks, cadence)
    keys, period = [], current_period(cadence, day)
    while len(keys) < periods:
        if period_due(cadence, period) <= day:
            keys.append(period)
        period = previous_period(cadence, period)
    points = []
    for key in reversed(keys):
        due = period_due(cadence, key)
        lights = [task_light(s, due, thresholds) for s in snaps.values()]
        closed = sum(1 for s in snaps.values() if s.closed_on is not None and s.closed_on <= due)
        points.append(TrendPoint(period=key, label=period_label(cadence, key),
                                 on_track=sum(r.light in ON_TRACK for r in lights),
                                 behind=sum(r.light in BEHIND for r in lights), completed=closed))
    return points


@dataclass(frozen=True)
class Navigation:
    unread: int
    to_review: int
    demo: bool
    as_of: date | None
    policy_id: int | None


def navigation(*, session: Session, actor: Actor) -> Navigation:
    """What every page's frame shows: unread notices, reports waiting for review, the demo banner."""
    policy = current_policy_row(session)
    unread = select(func.count()).select_from(Notice).where(Notice.read_at.is_(None))
    if actor.unit_scoped:
        unread = unread.where(Notice.unit_id == actor.unit_id)
    unread_count = session.scalar(unread) or 0 if allowed(actor, "notice.view") else 0
    to_review = 0
    if allowed(actor, "report.review"):
        to_review = session.scalar(select(func.count()).select_from(Report)
                                   .where(Report.status == "submitted", Report.kind == "lead")) or 0
    return Navigation(unread=unread_count, to_review=to_review,
                      demo=bool(policy and policy.demo), as_of=policy.as_of if policy else None,
                      policy_id=policy.id if policy else None)

"""演示数据: the Ganzhou ledger five months into its year, through the real use cases.

Every task follows a scripted profile (on track, lagging, far behind, missing reports, waiting for
review, returned, completed, completed late…) so that every light and every workflow state shows. The
policy is marked as demo data and judged as of 2020-11-25; users are named after their units.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.auth.models import User
from taizhang.auth.passwords import hash_password
from taizhang.auth.permissions import Actor, require
from taizhang.ledger import service as ledger
from taizhang.ledger.models import Policy, Task, Unit
from taizhang.ledger.periods import period_due
from taizhang.ledger.service.lights import cadence_of
from taizhang.policy.parse import parse_text
from taizhang.reporting import service as reporting
from taizhang.reporting.models import Report
from taizhang.reporting.service import ReportInput
from taizhang.supervision import service as supervision

AS_OF = date(2020, 11, 25)
PERIODS = ("2020-06", "2020-07", "2020-08", "2020-09", "2020-10", "2020-11")
EXAMPLE = "ganzhou-2020-liuwen-liubao.txt"
COUNTIES = ("章贡区", "南康区", "赣县区", "信丰县", "大余县", "上犹县", "崇义县", "安远县", "龙南市", "定南县",
            "全南县", "宁都县", "于都县", "兴国县", "会昌县", "寻乌县", "石城县", "瑞金市")
# Sub-targets of 见习人员2000人 by county (they add up to 2000).
TRAINEES = (220, 150, 110, 100, 80, 80, 70, 90, 90, 70, 60, 150, 170, 140, 100, 80, 90, 150)

# measure no → profile: which periods are reported, when, what the office did with them.
PROFILES = {
    "1": "on_track", "2": "on_track", "3": "slight_lag", "4": "on_track", "5": "lagging", "6": "on_track",
    "7": "pending_review", "8": "far_behind", "9": "missing_one", "10": "returned", "11": "completed",
    "12": "missing_two", "13": "on_track", "14": "draft_only", "15": "slight_lag", "16": "on_track",
    "17": "overridden", "18": "on_track", "19": "completed_late", "20": "on_track", "21": "lagging",
    "22": "on_track", "23": "on_track",
}
# How far ahead of (or behind) 序时进度 each profile's figures run.
PACE = {"on_track": Decimal("1.05"), "slight_lag": Decimal("0.93"), "lagging": Decimal("0.78"),
        "far_behind": Decimal("0.5")}
COUNTY_PROFILES = ("on_track", "on_track", "slight_lag", "on_track", "lagging", "missing_one", "on_track",
                   "pending_review", "on_track", "returned", "on_track", "far_behind")


@dataclass
class DemoResult:
    password: str
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, unit)
    lights: dict[str, int] = field(default_factory=dict)
    created: bool = True


def load_demo(*, session: Session, actor: Actor) -> DemoResult:
    """Fill an empty ledger with the demo; refuses a ledger that already holds real work."""
    require(actor, "policy.import")
    existing = session.scalar(select(Policy).where(Policy.is_current.is_(True)))
    if existing is not None and existing.demo:
        return DemoResult(password="", created=False)
    if session.scalar(select(Task.id).join(Task.measure).limit(1)) and _has_reports(session):
        raise ValueError("数据库中已有实际工作数据，不能载入演示数据；请使用一个空数据库。")
    if existing is None:
        text = resources.files("taizhang.examples").joinpath(EXAMPLE).read_text("utf-8")
        ledger.import_policy(parse_text(text, name=EXAMPLE), session=session, actor=actor, source_name=EXAMPLE)
    policy = session.scalar(select(Policy).where(Policy.is_current.is_(True)))
    policy.demo, policy.as_of = True, AS_OF
    _counties(session)
    result = DemoResult(password=_password())
    users = _users(session, result)
    office = _actor(users["督查室"])
    tasks = {t.measure_key.split(".")[-1]: t for t in session.scalars(
        select(Task).where(Task.parent_id.is_(None)).order_by(Task.id))}
    _decompose(session, tasks["4"], office)
    # Counties first: the lead unit's compiled report then rolls up their approved figures.
    for n, county_task in enumerate(tasks["4"].children):
        _play(session, county_task, COUNTY_PROFILES[n % len(COUNTY_PROFILES)], users, office, policy)
    for no, task in tasks.items():
        _play(session, task, PROFILES.get(no, "on_track"), users, office, policy)
    _contributions(session, tasks, users)
    _notices(session, tasks, users, office)
    ledger.refresh_all(session=session, today=AS_OF)
    session.commit()
    for light in session.scalars(select(Task.light)):
        result.lights[light] = result.lights.get(light, 0) + 1
    return result


def _has_reports(session: Session) -> bool:
    return session.scalar(select(Report.id).limit(1)) is not None


def _password() -> str:
    return "Demo-" + secrets.token_urlsafe(9)


def _counties(session: Session) -> None:
    for name in COUNTIES:
        if session.scalar(select(Unit).where(Unit.short_name == name)) is None:
            session.add(Unit(name=f"赣州市{name}", short_name=name, kind="county", in_directory=True))
    session.flush()


def _users(session: Session, result: DemoResult) -> dict[str, User]:
    """督查室, 领导, and one reporter per department named in the document and per county."""
    password_hash = hash_password(result.password)
    wanted: list[tuple[str, str, str, int | None]] = [("dcs", "supervisor", "督查室", None),
                                                      ("lingdao", "leader", "领导", None)]
    for kind, prefix in (("department", "dept"), ("county", "county")):
        units = session.scalars(select(Unit).where(Unit.kind == kind).order_by(Unit.id)).all()
        for n, unit in enumerate(units, start=1):
            wanted.append((f"{prefix}{n:02d}", "reporter", unit.short_name, unit.id))
    users: dict[str, User] = {}
    for username, role, label, unit_id in wanted:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, display_name=f"{label}（演示）", password_hash=password_hash, role=role,
                        unit_id=unit_id, must_change_password=False)
            session.add(user)
        users[label] = user
        result.users.append((username, role, label))
    session.flush()
    return users


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, username=user.username, role=user.role, unit_id=user.unit_id)


DECOMPOSED_ON = date(2020, 6, 20)


def _decompose(session: Session, task: Task, office: Actor) -> None:
    """Split 见习人员2000人 among the counties two days after the notice, as an office would."""
    if task.children:
        return
    policy = session.scalar(select(Policy).where(Policy.is_current.is_(True)))
    policy.as_of = DECOMPOSED_ON
    trainees = next(i for i in task.indicators if i.target_value == 2000)
    specs = []
    for name, target in zip(COUNTIES, TRAINEES, strict=True):
        unit = session.scalar(select(Unit).where(Unit.short_name == name))
        specs.append(ledger.SubtaskSpec(unit_id=unit.id, kind="county", targets={trainees.id: Decimal(target)}))
    ledger.decompose(task.id, specs, session=session, actor=office)
    policy.as_of = AS_OF


def _due(policy: Policy, period: str) -> date:
    return period_due(cadence_of(policy), period)


def _figure(task: Task, indicator, day: date, pace: Decimal) -> Decimal:
    """A cumulative figure running at ``pace`` times 序时进度 (levels — rates — at pace times target)."""
    target = Decimal(indicator.target_value)
    if indicator.cmp.startswith("<"):
        return (target * Decimal("0.9")).quantize(Decimal("0.01"))
    if not indicator.additive:
        return (target * min(Decimal(1), pace)).quantize(Decimal("0.01"))
    end = indicator.due_date or task.due_date or date(2020, 12, 31)
    elapsed = Decimal((day - task.start_date).days) / max(1, (end - task.start_date).days)
    return (target * max(Decimal(0), min(Decimal(1), elapsed * pace))).quantize(Decimal("1"))


def _play(session, task, profile, users, office, policy) -> None:
    unit = session.get(Unit, task.lead_unit_id)
    reporter = _actor(users[unit.short_name]) if unit and unit.short_name in users else None
    if reporter is None:
        return
    periods = {
        "missing_one": PERIODS[:-2] + PERIODS[-1:], "missing_two": PERIODS[:-2],
    }.get(profile, PERIODS)
    for n, period in enumerate(periods, start=1):
        last = period == PERIODS[-1]
        due = _due(policy, period)
        if last and due > AS_OF:
            due = AS_OF
        pace = PACE.get(profile, Decimal("1.02"))
        values = {i.id: _figure(task, i, due, pace) for i in task.indicators}
        fraction = min(Decimal(1), Decimal((due - task.start_date).days) / 196 * pace)
        claimed = "completed" if last and profile in ("completed", "completed_late") else "in_progress"
        submit_day = due if profile != "far_behind" or n % 2 else date.fromordinal(due.toordinal() + 3)
        data = ReportInput(progress=f"{period[:4]}年{int(period[5:])}月：按计划推进，累计完成{int(fraction * 100)}%。",
                           problems="个别县（市、区）进度不均衡。" if profile in ("lagging", "far_behind") else "",
                           next_steps="加强调度，按月通报。", claimed_status=claimed,
                           values={k: str(v) for k, v in values.items()})
        report = reporting.save_report(task.id, period, data, session=session, actor=reporter, today=submit_day)
        if last and profile == "draft_only":
            continue
        reporting.submit_report(report.id, session=session, actor=reporter, today=submit_day)
        if last and profile == "pending_review":
            continue
        if last and profile == "returned":
            reporting.review_report(report.id, "returned", reason="完成值与佐证材料不一致，请核实后重报",
                                    session=session, actor=office, today=AS_OF)
            continue
        review_day = AS_OF if last else date.fromordinal(submit_day.toordinal() + 1)
        if last and profile == "completed_late":
            task.due_date = date(2020, 9, 30)
        reporting.review_report(report.id, "approved", session=session, actor=office, today=review_day)
    if profile == "overridden":
        supervision.override_light(task.id, "yellow", "市领导调度会指出链长制推进偏慢，人工调为黄灯以示提醒",
                                   session=session, actor=office, today=AS_OF)


def _notices(session, tasks, users, office) -> None:
    """A reminder answered, one unanswered and escalated, an urgent orange order."""
    plays = (("12", "reminder", date(2020, 9, 28), "8月、9月进展未报送，请即报送。", None),
             ("9", "reminder", date(2020, 10, 8), "9月进展未报送，请即报送。", "已于10月9日补报9月进展。"),
             ("8", "orange", date(2020, 10, 20), "棚户区改造进度严重滞后，请说明原因并提出整改措施。", None))
    for no, start_at, day, reason, answer in plays:
        task = tasks[no]
        notice = supervision.issue_notice(task.id, session=session, actor=office, reason=reason, start_at=start_at,
                                          today=day)
        if answer:
            unit = session.get(Unit, task.lead_unit_id)
            supervision.reply_notice(notice.id, answer, session=session, actor=_actor(users[unit.short_name]),
                                     today=date.fromordinal(day.toordinal() + 1))
    twelve = tasks["12"]
    supervision.issue_notice(twelve.id, session=session, actor=office, reason="8月、9月进展仍未报送，发蓝色督办单。",
                             today=date(2020, 10, 12))


def _contributions(session, tasks, users) -> None:
    """Co-units report their part to the lead unit (配合单位报送)."""
    for no, unit_name, text in (("2", "市教育局", "组织高校毕业生参加以工代训对接会3场，推荐毕业生126人。"),
                                ("5", "市商务局", "协助开展创业担保贷款政策进商圈活动5场。")):
        task = tasks[no]
        actor = _actor(users[unit_name])
        report = reporting.save_report(task.id, PERIODS[-1], ReportInput(progress=text), session=session,
                                       actor=actor, today=AS_OF)
        reporting.submit_report(report.id, session=session, actor=actor, today=AS_OF)

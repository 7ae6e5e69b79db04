"""A ledger two reporting periods in, judged as of 2020-10-10 (the office writes September's 通报).

On top of the workflow world (the seed imported, one reporter per unit): task 4 split between 章贡区
and 南康区 (split on 2020-07-01), and these reports (values are cumulative):

| task | unit | 2020-08 | 2020-09 |
|---|---|---|---|
| (一) 3000万元 | 市人社局 | 1000万, approved 08-21 | 1600万, approved 09-22 |
| (二) no indicator | 市人社局 | approved 08-21 | approved 09-22, texts that look like formulas |
| (五) 16亿元 | 市人社局 | 4亿, approved 08-21 | 6亿, submitted 09-20, not reviewed |
| (十) 0.5个百分点 | 市政府金融办 | — | 0.3, returned 09-22 (数据口径不一致) |
| (二十) 压减15% | 市财政局 | — | 15, approved 09-22, texts that look like formulas |

Every other task has no report at all. Task (十九) is due on 2020-09-30 (as in the demo).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from taizhang.ledger import service as ledger
from taizhang.ledger.models import Policy
from taizhang.reporting import service as reporting
from taizhang.reporting.models import Report, ReportValue
from taizhang.reporting.service import ReportInput
from tests.workflow.conftest import World, build_world

AS_OF = date(2020, 10, 10)
RENDERED: list = []  # bulletin pages rendered to PNG, named at the end of the run
SECRET = "test-secret-key-for-templates-0123456789"
HYPERLINK = '=HYPERLINK("http://example.com","点击")'


def report(world: World, no: str, unit: str, period: str, *, values=None, progress="推进中", problems="",
           next_steps="", submitted: date, decision: str | None = None, decided: date | None = None,
           reason: str = "") -> Report:
    task = world.task(no)
    ids = [i.id for i in task.indicators]
    data = ReportInput(progress=progress, problems=problems, next_steps=next_steps,
                       values={ids[n]: str(v) for n, v in enumerate(values or [])})
    actor = world.actor(unit)
    saved = reporting.save_report(task.id, period, data, session=world.session, actor=actor, today=submitted)
    reporting.submit_report(saved.id, session=world.session, actor=actor, today=submitted)
    if decision:
        reporting.review_report(saved.id, decision, session=world.session, actor=world.office, reason=reason,
                                today=decided)
    return saved


def fill(world: World) -> World:
    s = world.session
    policy = s.scalar(select(Policy).where(Policy.is_current.is_(True)))
    policy.as_of = date(2020, 7, 1)  # the office splits task (四) on 1 July: the counties report from July
    four = world.task("4")
    trainees = next(i for i in four.indicators if i.target_value == 2000)
    ledger.decompose(four.id, [ledger.SubtaskSpec(unit_id=world.unit(name).id, targets={trainees.id: Decimal(1000)})
                               for name in ("章贡区", "南康区")], session=s, actor=world.office)
    world.task("19").due_date = date(2020, 9, 30)  # as in the demo: a deadline agreed with the office
    aug, sep = date(2020, 8, 20), date(2020, 9, 20)
    aug_ok, sep_ok = date(2020, 8, 21), date(2020, 9, 22)
    report(world, "1", "市人社局", "2020-08", values=[10_000_000], submitted=aug, decision="approved", decided=aug_ok)
    report(world, "1", "市人社局", "2020-09", values=[16_000_000], progress="9月返还稳岗资金600万元",
           problems="部分企业未申领", next_steps="加快审核拨付", submitted=sep, decision="approved", decided=sep_ok)
    report(world, "2", "市人社局", "2020-08", progress="8月以工代训1200人", submitted=aug, decision="approved",
           decided=aug_ok)
    report(world, "2", "市人社局", "2020-09", progress=HYPERLINK, problems="@SUM(A1)", next_steps="+1+1",
           submitted=sep, decision="approved", decided=sep_ok)
    report(world, "5", "市人社局", "2020-08", values=[400_000_000], submitted=aug, decision="approved", decided=aug_ok)
    report(world, "5", "市人社局", "2020-09", values=[600_000_000], submitted=sep)
    report(world, "10", "市政府金融办", "2020-09", values=["0.3"], submitted=sep, decision="returned", decided=sep_ok,
           reason="数据口径不一致")
    report(world, "20", "市财政局", "2020-09", values=[15], progress="-1+1", problems="\t=1", submitted=sep,
           decision="approved", decided=sep_ok)
    policy.as_of = AS_OF
    ledger.refresh_all(session=s, today=AS_OF)
    s.commit()
    return world


@pytest.fixture
def filled(session, seed_text) -> World:
    return fill(build_world(session, seed_text))


def report_state(session) -> list[tuple]:
    """Everything about reports that an import could change."""
    rows = session.execute(select(Report.id, Report.task_id, Report.period, Report.unit_id, Report.status,
                                  Report.progress, Report.problems, Report.next_steps, Report.claimed_status,
                                  Report.row_version).order_by(Report.id)).all()
    values = session.execute(select(ReportValue.report_id, ReportValue.indicator_id, ReportValue.actual)
                             .order_by(ReportValue.id)).all()
    return [tuple(r) for r in rows] + [tuple(v) for v in values] + [
        (session.scalar(select(func.count()).select_from(Report)),)]


def pytest_terminal_summary(terminalreporter):
    for path in RENDERED:
        terminalreporter.write_line(f"通报 PDF 首页已渲染：{path}")

"""Eight county reporters, each in a process of its own, save 500 reports apiece through the API at
the same time, against one server and one database: every save succeeds, exactly 4000 reports
exist, and the database is consistent afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from sqlalchemy import String, cast, func, select, text

from taizhang.audit.models import AuditEvent
from taizhang.audit.service import verify_chain
from taizhang.auth.permissions import Actor
from taizhang.ledger.models import Task
from taizhang.reporting.models import Report
from tests.durability.processes import ROOT

SAVES_PER_PROCESS = 500


@pytest.mark.slow
def test_eight_processes_save_4000_reports_without_a_server_error(database, counties, server, tmp_path):
    for reporter in counties:
        (tmp_path / f"{reporter.username}.json").write_text(json.dumps(reporter.jobs(SAVES_PER_PROCESS)))
    started = time.monotonic()
    clients = [subprocess.Popen([sys.executable, "-m", "tests.durability.client", server, reporter.token,
                                 str(tmp_path / f"{reporter.username}.json")], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for reporter in counties]
    outcomes = []
    for client in clients:
        output, errors = client.communicate(timeout=900)
        assert client.returncode == 0, errors.decode()
        outcomes.append(json.loads(output))
    elapsed = time.monotonic() - started
    print(f"\n{len(counties) * SAVES_PER_PROCESS} 次保存，用时 {elapsed:.1f} 秒，"
          f"{len(counties) * SAVES_PER_PROCESS / elapsed:.0f} 次/秒（{database.engine.dialect.name}）")

    assert [o["statuses"] for o in outcomes] == [{"200": SAVES_PER_PROCESS}] * len(counties), outcomes
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == len(counties) * SAVES_PER_PROCESS
        assert consistency_problems(session) == []
        chain = verify_chain(session=session, actor=Actor.system())
        assert chain.broken_at is None, chain.reason
        if database.is_sqlite:
            assert session.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []


def consistency_problems(session) -> list[str]:
    """What must hold after 4000 distinct first saves, read from the table rows themselves."""
    problems = []
    if session.get_bind().dialect.name == "postgresql":
        # Read the heap, not the unique index that is itself under test.
        session.execute(text("SET LOCAL enable_indexscan = off"))
        session.execute(text("SET LOCAL enable_indexonlyscan = off"))
        session.execute(text("SET LOCAL enable_bitmapscan = off"))
    duplicates = session.execute(select(Report.task_id, Report.period, Report.unit_id)
                                 .group_by(Report.task_id, Report.period, Report.unit_id)
                                 .having(func.count() > 1)).all()
    if duplicates:
        problems.append(f"duplicate reports: {duplicates[:5]}")
    foreign = session.scalar(select(func.count()).select_from(Report).join(Task, Task.id == Report.task_id)
                             .where(Report.unit_id != Task.lead_unit_id))
    if foreign:
        problems.append(f"{foreign} reports by a unit that does not lead the task")
    saved = select(AuditEvent.object_id).where(AuditEvent.action == "report.save")
    unrecorded = session.scalar(select(func.count()).select_from(Report)
                                .where(cast(Report.id, String).not_in(saved)))
    if unrecorded:
        problems.append(f"{unrecorded} reports without their report.save audit record")
    events = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "report.save"))
    reports = session.scalar(select(func.count()).select_from(Report))
    if events != reports:
        problems.append(f"{events} report.save records for {reports} reports")
    return problems

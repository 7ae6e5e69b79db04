"""A writer killed with SIGKILL at a random moment — between statements, inside a commit, while
writing its acknowledgement — loses nothing it acknowledged: fifty writers in a row are killed, and
afterwards every report acknowledged as committed is there with exactly the content that was saved."""

from __future__ import annotations

import random
import time

import pytest
from sqlalchemy import String, cast, func, select, text

from taizhang.audit.models import AuditEvent
from taizhang.audit.service import verify_chain
from taizhang.auth.permissions import Actor
from taizhang.reporting.models import Report
from tests.durability.processes import ForkingWriter
from tests.durability.world import content_checksum

ROUNDS = 50
LONGEST_LIFE_SECONDS = 0.8  # a writer connects, then commits a report every few milliseconds until killed


@pytest.mark.slow
def test_every_acknowledged_report_survives_fifty_kills(database, database_url, counties):
    seed = random.randrange(2**32)
    moments = random.Random(seed)
    writers = ForkingWriter(database_url, counties[0].username)
    acknowledged: dict[int, str] = {}
    try:
        for _ in range(ROUNDS):
            pid = writers.fork()
            time.sleep(moments.uniform(0, LONGEST_LIFE_SECONDS))
            acknowledged |= writers.kill_and_reap(pid)
    finally:
        writers.close()

    print(f"\n{ROUNDS} 个写入进程被 SIGKILL，共确认 {len(acknowledged)} 次提交（种子 {seed}）")
    assert acknowledged, f"no writer committed anything (seed {seed})"
    with database.reading() as session:
        found = {r.id: content_checksum(r.task_id, r.period, r.progress, r.problems, r.next_steps)
                 for r in session.scalars(select(Report).where(Report.id.in_(acknowledged)))}
        assert found == acknowledged, f"seed {seed}"
        recorded = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "report.save", AuditEvent.object_id.in_([str(i) for i in acknowledged])))
        assert recorded == len(acknowledged)
        # Nothing half-written either: every report is on record with its audit event, and at most one
        # per writer was committed but killed before it could be acknowledged.
        reports = session.scalar(select(func.count()).select_from(Report))
        unrecorded = session.scalar(select(func.count()).select_from(Report).where(
            cast(Report.id, String).not_in(select(AuditEvent.object_id).where(AuditEvent.action == "report.save"))))
        assert unrecorded == 0
        assert len(acknowledged) <= reports <= len(acknowledged) + ROUNDS
        chain = verify_chain(session=session, actor=Actor.system())
        assert chain.broken_at is None, chain.reason
        if database.is_sqlite:
            assert session.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]

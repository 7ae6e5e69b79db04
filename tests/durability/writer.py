"""A writer process: saves progress reports through the reporting service, one transaction each,
and acknowledges each one on stdout only after its commit has returned.

    python -m tests.durability.writer DATABASE_URL USERNAME          write until killed
    python -m tests.durability.writer DATABASE_URL USERNAME --forks  a fresh writer per "fork" line

An acknowledgement is one line, ``ack <report id> <content checksum>``, written with a single
``os.write``: a kill can cut the process short, never a line. With ``--forks`` the process imports
the application once and forks a writer for each ``fork`` read on stdin (answering ``child <pid>``),
so a test can kill fifty writers in the time it takes to start three; ``reap`` waits for the last
child and answers ``reaped`` — every line that child wrote comes before it.
"""

from __future__ import annotations

import os
import secrets
import sys
import traceback

from sqlalchemy import select

from taizhang.auth.models import User
from taizhang.auth.service import actor_for
from taizhang.db.engine import Database
from taizhang.ledger.models import Task
from taizhang.reporting.models import Report
from taizhang.reporting.service import ReportInput, save_report
from tests.durability.world import PERIODS, content_checksum


def write_reports(url: str, username: str) -> None:
    """Save a new report for each of the county's (task, period) pairs not reported yet, in turn."""
    database = Database.from_url(url)
    with database.reading() as session:
        user = session.scalar(select(User).where(User.username == username))
        actor = actor_for(user)
        tasks = session.scalars(select(Task.id).where(Task.lead_unit_id == user.unit_id, Task.parent_id.is_not(None))
                                .order_by(Task.id)).all()
        taken = {tuple(row) for row in session.execute(
            select(Report.task_id, Report.period).where(Report.unit_id == user.unit_id))}
    for period in PERIODS:
        for task_id in tasks:
            if (task_id, period) in taken:
                continue
            data = ReportInput(progress=f"{period}进展 {secrets.token_hex(12)}", problems=secrets.token_hex(6),
                               next_steps=f"下步 {secrets.token_hex(4)}")
            with database.writing() as session:
                report = save_report(task_id, period, data, session=session, actor=actor)
            checksum = content_checksum(task_id, period, data.progress, data.problems, data.next_steps)
            os.write(1, f"ack {report.id} {checksum}\n".encode())
    os.write(1, b"done\n")


def fork_on_request(url: str, username: str) -> None:
    child = None
    for line in sys.stdin:
        if line.strip() == "fork":
            child = os.fork()
            if child == 0:
                try:
                    write_reports(url, username)
                    os._exit(0)
                except BaseException:
                    traceback.print_exc()
                    os._exit(1)
            os.write(1, f"child {child}\n".encode())
        elif line.strip() == "reap" and child is not None:
            os.waitpid(child, 0)
            os.write(1, b"reaped\n")


if __name__ == "__main__":
    if "--forks" in sys.argv:
        fork_on_request(sys.argv[1], sys.argv[2])
    else:
        write_reports(sys.argv[1], sys.argv[2])

"""The same report saved twenty times at once — a double click, a client retrying on a timeout —
makes one report, and every one of the twenty saves succeeds."""

from __future__ import annotations

import http.client
import threading

import pytest
from sqlalchemy import func, select

from taizhang.audit.models import AuditEvent
from taizhang.reporting.models import Report
from tests.durability.client import report_body, save_report

PARALLEL = 20


@pytest.mark.slow
def test_twenty_identical_first_saves_make_one_report(database, counties, server):
    reporter = counties[0]
    task_id, period = reporter.tasks[0], "2020-10"
    host, port = server.split(":")
    start = threading.Barrier(PARALLEL)
    results: list[tuple[int, dict]] = []

    def save() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=120)
        connection.connect()
        start.wait()
        results.append(save_report(connection, reporter.token, task_id, period, report_body(period)))

    threads = [threading.Thread(target=save) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in results] == [200] * PARALLEL, results
    with database.reading() as session:
        reports = session.scalars(select(Report).where(Report.task_id == task_id, Report.period == period)).all()
        assert len(reports) == 1
        (report,) = reports
        assert {body["id"] for _, body in results} == {report.id}
        assert (report.unit_id, report.status, report.progress) == (reporter.unit_id, "draft",
                                                                    report_body(period)["progress"])
        saves = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "report.save", AuditEvent.object_id == str(report.id)))
        assert saves == PARALLEL  # each save is on record, the first as the creation, the others as updates

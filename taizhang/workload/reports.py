"""The report rows of a load, produced in a second process while the first writes them.

Reading a million CSV rows and formatting them costs as much Python time as the database needs to
store them; on two or more cores the two overlap. The producer is a forked child that only reads the
files and computes rows (it never touches the database); rows cross in chunks over a bounded queue,
so memory stays flat, and the parent writes them in its one transaction.
"""

from __future__ import annotations

import multiprocessing
import queue as queues
from pathlib import Path

from taizhang.workload.source import Submissions, read_reports, snapshot_json

CHUNK = 20_000
VERSIONS = ("report_version", ("id", "report_id", "version", "snapshot", "submitted_by", "submitted_at"))
REPORTS = ("report", ("id", "task_id", "period", "unit_id", "kind", "status", "progress", "problems", "next_steps",
                      "claimed_status", "version", "created_by", "created_at", "updated_at", "first_submitted_at",
                      "submitted_at", "submitted_by", "approved_at", "row_version"))
VALUES = ("report_value", ("id", "report_id", "indicator_id", "actual"))
WAIT_SECONDS = 5


def _rows(directory: Path, fmt, user_base: int, indicator_of: dict[int, int], lead_of: dict[int, int]):
    """(table, row) for every version, then every report and its figure (values of its last submission)."""
    submissions = Submissions()
    ts = fmt.ts
    for rid, task_id, reported_at, unit_id, value, narrative in read_reports(directory):
        task, unit = int(task_id), int(unit_id)
        group = submissions.add(task, reported_at, unit, value or None, narrative)
        yield VERSIONS, (int(rid), group.report_id, group.versions,
                         snapshot_json(narrative, indicator_of.get(task), value), user_base + unit, ts(reported_at))
    values = 0
    for g in submissions.groups.values():
        first, last = ts(g.first_at), ts(g.last_at)
        kind = "lead" if lead_of[g.task_id] == g.unit_id else "contribution"
        yield REPORTS, (g.report_id, g.task_id, g.period, g.unit_id, kind, "approved", g.narrative, "", "",
                        "in_progress", g.versions, user_base + g.unit_id, first, last, first, last,
                        user_base + g.unit_id, last, 1)
        indicator_id = indicator_of.get(g.task_id)
        if g.value and indicator_id is not None:
            values += 1
            yield VALUES, (values, g.report_id, indicator_id, fmt.num(g.value))


def _chunks(rows):
    table, chunk = None, []
    for kind, row in rows:
        if (kind is not table and chunk) or len(chunk) >= CHUNK:
            yield table, chunk
            chunk = []
        table = kind
        chunk.append(row)
    if chunk:
        yield table, chunk


def _produce(out, directory, fmt, user_base, indicator_of, lead_of) -> None:
    encode = getattr(fmt, "encode", None)  # PostgreSQL: COPY text, formatted here rather than in the writer
    try:
        for spec, chunk in _chunks(_rows(directory, fmt, user_base, indicator_of, lead_of)):
            out.put((spec, (len(chunk), encode(chunk)) if encode else chunk))
        out.put(None)
    except Exception as exc:  # reported to the parent, which rolls the load back
        out.put(("error", f"{type(exc).__name__}: {exc}"))


def write_reports(writer, directory: Path, *, user_base: int, indicator_of: dict[int, int],
                  lead_of: dict[int, int]) -> dict[str, int]:
    """Write every version, report and report figure; the row counts per table."""
    counts = {VERSIONS[0]: 0, REPORTS[0]: 0, VALUES[0]: 0}
    if "fork" not in multiprocessing.get_all_start_methods():  # one process: produce and write in turn
        for (table, columns), chunk in _chunks(_rows(directory, type(writer), user_base, indicator_of, lead_of)):
            counts[table] += writer.write(table, columns, chunk)
        return counts
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=8)
    child = context.Process(target=_produce, name="taizhang-load-reports", daemon=True,
                            args=(channel, directory, type(writer), user_base, indicator_of, lead_of))
    child.start()
    try:
        while True:
            try:
                item = channel.get(timeout=WAIT_SECONDS)
            except queues.Empty:
                if not child.is_alive():
                    raise RuntimeError("读取进展报告的子进程意外退出。") from None
                continue
            if item is None:
                break
            spec, chunk = item
            if spec == "error":
                raise RuntimeError(f"读取 reports.csv 出错：{chunk}")
            if isinstance(chunk, tuple):
                count, data = chunk
                writer.write_encoded(spec[0], spec[1], data)
                counts[spec[0]] += count
            else:
                counts[spec[0]] += writer.write(spec[0], spec[1], chunk)
    finally:
        child.join(timeout=WAIT_SECONDS)
        if child.is_alive():
            child.terminate()
    return counts




"""Export speed on the demo data: the full 台账 (every task and sub-task, every section), as figures.

    .venv/bin/python bench/export.py [--repeat 10] [--database sqlite:////tmp/x.db]

Loads the demo (23 tasks, 18 county sub-tasks, June–November reports, judged as of 2020-11-25) into a
fresh SQLite file unless a database URL is given, then times, as the office would run them:
the full 台账 as .xlsx and as .csv for the running period (2020-11) and for 2020-09 (gathering the
rows and writing the file, with its audit record), a unit's progress template, and the 通报 (.docx).
Prints mean and best wall time and the file size. Not a test: timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from taizhang.auth.permissions import Actor
from taizhang.db.engine import Database
from taizhang.db.migrate import upgrade
from taizhang.demo.service import load_demo
from taizhang.documents.service import export_ledger, progress_template
from taizhang.documents.service.bulletin import bulletin_file

SECRET = "bench-secret-0123456789-abcdefghijklmnop"


def timed(database: Database, repeat: int, run) -> tuple[list[float], int, int]:
    times, size, rows = [], 0, 0
    for _ in range(repeat):
        with database.writing() as session:
            start = time.perf_counter()
            file = run(session)
            times.append(time.perf_counter() - start)
        size, rows = len(file.data), file.rows
    return times, size, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--database", help="an already filled database (default: a fresh SQLite file with the demo)")
    args = ap.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="taizhang-bench-")
    database = Database.from_url(args.database or f"sqlite:///{Path(folder.name) / 'bench.db'}")
    if not args.database:
        upgrade(database.engine)
        start = time.perf_counter()
        with database.writing() as session:
            load_demo(session=session, actor=Actor.system())
        print(f"demo loaded in {time.perf_counter() - start:.2f} s ({database.engine.url})")
    system = Actor.system()
    cases = [
        ("full 台账 2020-11 .xlsx", lambda s: export_ledger(session=s, actor=system, period="2020-11")),
        ("full 台账 2020-11 .csv", lambda s: export_ledger(session=s, actor=system, period="2020-11", fmt="csv")),
        ("full 台账 2020-09 .xlsx", lambda s: export_ledger(session=s, actor=system, period="2020-09")),
        ("template 市人社局 2020-11", lambda s: progress_template(session=s, actor=system, secret=SECRET,
                                                             unit="市人社局", period="2020-11")),
        ("通报 2020-09 .docx", lambda s: bulletin_file(session=s, actor=system, period="2020-09")),
    ]
    print(f"{'export':<28}{'rows':>6}{'bytes':>10}{'mean ms':>10}{'best ms':>10}")
    for name, run in cases:
        run_times, size, rows = timed(database, args.repeat, run)
        print(f"{name:<28}{rows:>6}{size:>10}{statistics.mean(run_times) * 1000:>10.1f}"
              f"{min(run_times) * 1000:>10.1f}")
    database.dispose()
    folder.cleanup()


if __name__ == "__main__":
    main()

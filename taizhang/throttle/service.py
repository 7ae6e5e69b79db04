"""Shared request counts (the ``rate_count`` table): the one write behind the web's rate limits.

Each application process counts requests in memory (``taizhang.web.ratelimit``) and now and then
adds its counts here, learning the other processes' counts in return."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from taizhang.auth.models import RateCount


def exchange_counts(window_start: int, pending: dict[str, int], keys: list[str], *, session: Session,
                    forget_before: int | None = None) -> dict[str, int]:
    """Add ``pending`` counts to the window starting at ``window_start``; the window's totals of ``keys``.
    ``forget_before`` also deletes the windows that started before it. Commits."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":  # a lost count after a crash does not matter; skip the wait for disk
        session.connection().exec_driver_sql("SET LOCAL synchronous_commit = off")
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RateCount)
    add = insert.on_conflict_do_update(index_elements=[RateCount.key, RateCount.window_start],
                                       set_={"count": RateCount.count + insert.excluded.count})
    if pending:  # one statement, many rows, in one key order for every process: no deadlocks
        session.execute(add, [{"key": k, "window_start": window_start, "count": pending[k]} for k in sorted(pending)])
    if forget_before is not None:
        session.execute(delete(RateCount).where(RateCount.window_start < forget_before))
    rows = session.execute(select(RateCount.key, RateCount.count)
                           .where(RateCount.window_start == window_start, RateCount.key.in_(keys))).all()
    session.commit()
    return {k: n for k, n in rows}

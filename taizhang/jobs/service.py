"""Enqueueing and claiming jobs. Safe with many workers in many processes or hosts:

- PostgreSQL: the claim selects the next due job ``FOR UPDATE SKIP LOCKED``, so two workers never
  take the same row and neither waits for the other;
- SQLite: the claim runs in a write transaction (``BEGIN IMMEDIATE``, see ``db.engine``), and
  SQLite runs one write transaction at a time.

A claimed job carries a lease; a worker that dies leaves its job running with an expired lease,
and the next claim takes it again (``attempts`` counts the tries, ``max_attempts`` ends them).
Finishing checks that the job is still this worker's, so a worker that lost its lease cannot
overwrite the result of the one that took over.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from taizhang.db.base import utcnow
from taizhang.jobs.models import Job

DEFAULT_LEASE = timedelta(minutes=15)
RETRY_DELAY = timedelta(minutes=1)


def enqueue(kind: str, payload: dict[str, Any] | None = None, *, session: Session, dedupe_key: str | None = None,
            run_after: datetime | None = None, max_attempts: int = 3) -> int | None:
    """Add a job and commit; its id, or None when a job with this ``dedupe_key`` already exists (so
    that several processes enqueueing the same daily job create it once)."""
    values = {"kind": kind, "payload": payload or {}, "state": "queued", "dedupe_key": dedupe_key,
              "run_after": run_after or utcnow(), "attempts": 0, "max_attempts": max_attempts, "error": "",
              "created_at": utcnow()}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Job).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    job_id = session.execute(statement.returning(Job.id)).scalar()
    session.commit()
    return job_id


def claim(*, session: Session, worker: str, kinds: list[str] | None = None, lease: timedelta = DEFAULT_LEASE,
          now: datetime | None = None) -> Job | None:
    """Take the next due job (queued, or running with an expired lease) and commit the claim."""
    now = now or utcnow()
    due = or_(and_(Job.state == "queued", Job.run_after <= now), and_(Job.state == "running", Job.lease_until < now))
    query = select(Job).where(due).order_by(Job.run_after, Job.id).limit(1).with_for_update(skip_locked=True)
    if kinds:
        query = query.where(Job.kind.in_(kinds))
    job = session.scalar(query)
    if job is None:
        session.rollback()
        return None
    if job.attempts >= job.max_attempts:  # its last worker died on the last try
        job.state, job.finished_at, job.error = "failed", now, job.error or "工作进程中断，已达最大尝试次数。"
        session.commit()
        return claim(session=session, worker=worker, kinds=kinds, lease=lease, now=now)
    job.state, job.worker, job.lease_until, job.attempts = "running", worker, now + lease, job.attempts + 1
    session.commit()
    return job


def finish(job: Job, *, session: Session, result: dict[str, Any] | None = None) -> bool:
    """Record success; False if the job was no longer this worker's (its lease ran out)."""
    return _close(job, session, state="done", result=result, error="")


def fail(job: Job, error: str, *, session: Session, retry_delay: timedelta = RETRY_DELAY) -> bool:
    """Record a failure: queued again after ``retry_delay`` while tries remain, else failed."""
    if job.attempts < job.max_attempts:
        owned = _mine(job)
        done = session.execute(update(Job).where(owned).values(
            state="queued", run_after=utcnow() + retry_delay, worker=None, lease_until=None, error=error[:2000]))
        session.commit()
        return done.rowcount == 1
    return _close(job, session, state="failed", result=None, error=error[:2000])


def _close(job: Job, session: Session, *, state: str, result: dict[str, Any] | None, error: str) -> bool:
    done = session.execute(update(Job).where(_mine(job)).values(
        state=state, result=result, error=error, finished_at=utcnow(), lease_until=None))
    session.commit()
    return done.rowcount == 1


def _mine(job: Job):
    return and_(Job.id == job.id, Job.state == "running", Job.worker == job.worker, Job.attempts == job.attempts)


def get(job_id: int, *, session: Session) -> Job | None:
    return session.get(Job, job_id)

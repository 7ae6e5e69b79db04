"""The worker loop: claim a job, run its handler outside the claim's transaction, record the outcome.

Run one or more ``taizhang worker`` processes on any hosts that reach the database; each server
process also runs a worker thread (``BackgroundWorker``, setting ``background_jobs``) so that a
batch uploaded through the web starts at once even where no worker process is set up. Each
``taizhang worker`` also enqueues the day's recurring jobs (``DAILY``) with a per-day dedupe key, so
however many workers run, each recurring job runs once a day.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from typing import Any

from taizhang.clock import local_today
from taizhang.db.engine import Database
from taizhang.jobs import service as jobs
from taizhang.settings import Settings, get_settings

log = logging.getLogger("taizhang.jobs")


@dataclass(frozen=True)
class JobContext:
    job_id: int
    kind: str
    payload: dict[str, Any]
    database: Database
    settings: Settings


Handler = Callable[[JobContext], dict[str, Any] | None]
HANDLERS: dict[str, Handler] = {}
# Modules whose handlers register themselves on import (kept out of this module's imports: they
# import ``handler`` from here).
HANDLER_MODULES = ("taizhang.fulfillment.worker",)


def registered() -> dict[str, Handler]:
    for module in HANDLER_MODULES:
        import_module(module)
    return HANDLERS


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register a handler: ``@handler("ledger.lights")``."""

    def register(func: Handler) -> Handler:
        HANDLERS[kind] = func
        return func

    return register


@handler("ledger.lights")
def refresh_lights(context: JobContext) -> dict[str, Any]:
    """The daily light and completion-status refresh of every task (``taizhang lights``)."""
    from taizhang.ledger.service import refresh_ledger

    with context.database.writing() as session:
        return {"tasks": refresh_ledger(session=session)}


DAILY = ("ledger.lights",)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def schedule_daily(database: Database, day: date, kinds: tuple[str, ...] = DAILY) -> list[int]:
    """Enqueue each recurring job for ``day`` unless any worker already has."""
    created = []
    for kind in kinds:
        with database.writing() as session:
            job_id = jobs.enqueue(kind, {"day": day.isoformat()}, session=session, dedupe_key=f"{kind}:{day}")
        if job_id is not None:
            created.append(job_id)
    return created


def run_one(database: Database, worker: str, handlers: dict[str, Handler] | None = None, *,
            settings: Settings | None = None) -> bool:
    """Claim and run one job; False when none is due."""
    handlers = registered() if handlers is None else handlers
    with database.writing() as session:
        job = jobs.claim(session=session, worker=worker, kinds=sorted(handlers))
        if job is None:
            return False
        session.expunge(job)
    context = JobContext(job_id=job.id, kind=job.kind, payload=dict(job.payload or {}), database=database,
                         settings=settings or get_settings())
    try:
        result = handlers[job.kind](context)
    except Exception as exc:  # the job's failure is recorded; the worker goes on
        log.exception("job %s (%s) failed", job.id, job.kind)
        with database.writing() as session:
            jobs.fail(job, f"{type(exc).__name__}: {exc}", session=session)
        return True
    with database.writing() as session:
        if not jobs.finish(job, session=session, result=result):
            log.warning("job %s finished after its lease ran out; another worker's outcome stands", job.id)
    return True


def run_worker(database: Database, *, settings: Settings | None = None, stop: threading.Event | None = None,
               wake: threading.Event | None = None, poll_seconds: float = 5.0, max_jobs: int | None = None,
               until_idle: bool = False, daily: bool = True, handlers: dict[str, Handler] | None = None) -> int:
    """Run jobs until ``stop`` is set, ``max_jobs`` have run, or (``until_idle``) none is due. Between
    polls it sleeps ``poll_seconds`` or until ``wake`` is set (a job was just enqueued)."""
    stop, wake = stop or threading.Event(), wake or threading.Event()
    name, done, scheduled_for = worker_name(), 0, None
    while not stop.is_set() and (max_jobs is None or done < max_jobs):
        today = local_today()
        if daily and scheduled_for != today:
            schedule_daily(database, today)
            scheduled_for = today
        if run_one(database, name, handlers, settings=settings):
            done += 1
            continue
        if until_idle:
            break
        wake.wait(poll_seconds)
        wake.clear()
    return done


class BackgroundWorker:
    """The worker thread of a server process: runs queued jobs (no daily scheduling, which is
    ``taizhang worker``'s) until the process stops."""

    def __init__(self, database: Database, settings: Settings, poll_seconds: float = 5.0) -> None:
        self._stop, self._wake = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, name="taizhang-jobs", daemon=True,
                                        kwargs={"database": database, "settings": settings,
                                                "poll_seconds": poll_seconds})

    def _run(self, **kwargs: Any) -> None:
        while not self._stop.is_set():
            try:
                run_worker(stop=self._stop, wake=self._wake, daily=False, **kwargs)
            except Exception:  # a database outage must not end the thread for good
                log.exception("background worker error; retrying")
                self._stop.wait(kwargs["poll_seconds"])

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

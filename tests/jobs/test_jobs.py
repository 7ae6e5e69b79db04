"""Jobs in the database: claimed once however many workers ask, retried, taken over after a
worker dies, and recurring jobs enqueued once a day by however many workers."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from taizhang.db.base import utcnow
from taizhang.jobs import service as jobs
from taizhang.jobs import worker
from taizhang.jobs.models import Job


def enqueue(database, kind="test.echo", payload=None, **kwargs):
    with database.writing() as session:
        return jobs.enqueue(kind, payload or {}, session=session, **kwargs)


def claim(database, name, **kwargs):
    with database.writing() as session:
        job = jobs.claim(session=session, worker=name, **kwargs)
        if job is not None:
            session.expunge(job)
        return job


def state(database, job_id):
    with database.reading() as session:
        job = session.get(Job, job_id)
        session.expunge(job)
        return job


def test_a_dedupe_key_enqueues_once(database):
    first = enqueue(database, dedupe_key="daily:2023-01-01")
    assert first is not None
    assert enqueue(database, dedupe_key="daily:2023-01-01") is None
    assert enqueue(database) != enqueue(database)  # without a key every enqueue is a job


def test_jobs_are_claimed_in_order_and_only_when_due(database):
    later = enqueue(database, run_after=utcnow() + timedelta(hours=1))
    first, second = enqueue(database), enqueue(database)
    long = timedelta(days=1)
    assert [claim(database, "w1", lease=long).id, claim(database, "w2", lease=long).id] == [first, second]
    assert claim(database, "w3") is None
    assert claim(database, "w3", now=utcnow() + timedelta(hours=2)).id == later


def test_many_workers_claim_each_job_exactly_once(database):
    ids = {enqueue(database) for _ in range(40)}
    claimed: list[int] = []
    lock = threading.Lock()

    def work(name):
        while (job := claim(database, name)) is not None:
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(claimed) == sorted(ids)


def test_a_dead_workers_job_is_taken_over_and_its_late_result_ignored(database):
    job_id = enqueue(database)
    lost = claim(database, "dies", lease=timedelta(seconds=30))
    assert claim(database, "other") is None  # the lease still runs
    taken = claim(database, "other", now=utcnow() + timedelta(minutes=1))
    assert (taken.id, taken.attempts) == (job_id, 2)
    with database.writing() as session:
        assert not jobs.finish(lost, session=session, result={"late": True})
        assert jobs.finish(taken, session=session, result={"ok": True})
    done = state(database, job_id)
    assert (done.state, done.result) == ("done", {"ok": True})


def test_a_failing_job_is_retried_then_failed(database):
    job_id = enqueue(database, max_attempts=2)
    for attempt in (1, 2):
        job = claim(database, "w", now=utcnow() + timedelta(minutes=5 * attempt))
        assert (job.id, job.attempts) == (job_id, attempt)
        with database.writing() as session:
            assert jobs.fail(job, "计算出错", session=session)
    failed = state(database, job_id)
    assert (failed.state, failed.error) == ("failed", "计算出错")


def test_the_worker_runs_handlers_and_records_failures(database):
    seen = []

    def echo(context):
        seen.append(context.payload["n"])
        return {"n": context.payload["n"]}

    def broken(context):
        raise ValueError("坏数据")

    ok = enqueue(database, "test.echo", {"n": 7})
    bad = enqueue(database, "test.broken", max_attempts=1)
    done = worker.run_worker(database, until_idle=True, daily=False,
                             handlers={"test.echo": echo, "test.broken": broken})
    assert done == 2 and seen == [7]
    assert state(database, ok).result == {"n": 7}
    assert (state(database, bad).state, state(database, bad).error) == ("failed", "ValueError: 坏数据")


def test_daily_jobs_are_enqueued_once_by_any_number_of_workers(database):
    day = date(2023, 1, 1)
    created = [worker.schedule_daily(database, day) for _ in range(3)]
    assert len(created[0]) == len(worker.DAILY) and created[1:] == [[], []]
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == len(worker.DAILY)


@pytest.mark.slow
def test_the_daily_lights_job_refreshes_every_task(database, seed_text):
    from taizhang.auth.permissions import Actor
    from taizhang.ledger.service import import_policy
    from taizhang.policy.parse import parse_text

    with database.writing() as session:
        import_policy(parse_text(seed_text), session=session, actor=Actor.system(), source_name="seed.txt")
    worker.schedule_daily(database, date(2020, 9, 1))
    assert worker.run_worker(database, until_idle=True, daily=False) == 1
    with database.reading() as session:
        job = session.scalar(select(Job))
        assert job.state == "done" and job.result["tasks"] >= 23

"""A request whose transaction the database aborts to settle a conflict with another transaction is
run again, at most three times, before its response starts.

The conflicts are real: a second connection changes the row the request is about to update. On
PostgreSQL the request's REPEATABLE READ transaction then fails with a serialization failure
(40001); on SQLite the second connection holds the write lock until the request's short busy
timeout runs out ("database is locked"). The probe route is added to the real application, so the
error travels through the real routing, dependencies, exception handlers and middleware.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg.errors
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from taizhang.auth.models import User
from taizhang.db.engine import make_engine
from taizhang.web.app import create_app
from taizhang.web.retry import ATTEMPTS, is_transient
from tests.conftest import app_settings

READ = text("SELECT failed_logins FROM user_account WHERE username = 'probe'")
ADD = text("UPDATE user_account SET failed_logins = failed_logins + :n WHERE username = 'probe'")
RIVAL_ADDS = 100


class ProbeIn(BaseModel):
    add: int


class Rival:
    """Another client of the database that changes the probe's row while the first ``conflicts``
    attempts are between their read and their write."""

    def __init__(self, engine: Engine, conflicts: int) -> None:
        self.engine, self.conflicts = engine, conflicts

    @contextmanager
    def interfering(self, attempt: int) -> Iterator[None]:
        if attempt > self.conflicts:
            yield
            return
        with self.engine.connect() as connection:
            if self.engine.dialect.name == "sqlite":
                connection.execution_options(sqlite_immediate=True)
                connection.execute(ADD, {"n": RIVAL_ADDS})  # holds the write lock until the request gave up
                try:
                    yield
                finally:
                    connection.commit()
            else:
                connection.execute(ADD, {"n": RIVAL_ADDS})
                connection.commit()  # committed after the request's snapshot was taken
                yield


@pytest.fixture
def probe(database, database_url, tmp_path):
    """The application with one extra route, POST /api/v1/probe, that reads the probe user's counter,
    lets the rival interfere, then adds the body's ``add`` to it; ``attempts`` lists each run's body."""
    with database.writing() as session:
        session.add(User(username="probe", display_name="probe", password_hash="x", role="reporter"))
        session.commit()
    engine = make_engine(database_url)
    # A small upload limit: the retry middleware keeps bodies up to 1 KiB + 1 MiB for replays.
    app = create_app(app_settings(tmp_path, database_url=database_url, upload_max_bytes=1024), database)
    app.state.attempts, app.state.rival, app.state.failure = [], Rival(engine, conflicts=0), None

    def probe_route(body: ProbeIn) -> dict:
        app.state.attempts.append(body.add)
        if app.state.failure is not None:
            raise app.state.failure
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA busy_timeout = 100")
            else:
                connection.execution_options(isolation_level="REPEATABLE READ")
            seen = connection.execute(READ).scalar_one()
            with app.state.rival.interfering(len(app.state.attempts)):
                connection.execute(ADD, {"n": body.add})
            connection.commit()
        return {"seen": seen}

    app.add_api_route("/api/v1/probe", probe_route, methods=["POST"])
    yield app, engine
    engine.dispose()


def counter(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(READ).scalar_one()


def test_a_request_that_lost_a_conflict_is_run_again_with_its_body(probe):
    app, engine = probe
    app.state.rival.conflicts = 1
    response = TestClient(app, raise_server_exceptions=False).post("/api/v1/probe", json={"add": 1})
    assert response.status_code == 200, response.text
    assert app.state.attempts == [1, 1]  # the second run received the same body
    assert response.json() == {"seen": RIVAL_ADDS}  # and read the rival's committed change
    assert counter(engine) == RIVAL_ADDS + 1


def test_after_three_lost_conflicts_the_error_reaches_the_500_handler(probe):
    app, engine = probe
    app.state.rival.conflicts = ATTEMPTS
    response = TestClient(app, raise_server_exceptions=False).post("/api/v1/probe", json={"add": 1})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal"
    assert len(app.state.attempts) == ATTEMPTS
    assert counter(engine) == ATTEMPTS * RIVAL_ADDS  # none of the request's attempts committed


def test_a_body_too_large_to_keep_reaches_the_route_whole_and_is_not_run_again(probe):
    app, engine = probe
    app.state.rival.conflicts = 1
    padding = "x" * (1024 + 1024 * 1024)
    response = TestClient(app, raise_server_exceptions=False).post("/api/v1/probe", json={"add": 1, "pad": padding})
    assert response.status_code == 500
    assert app.state.attempts == [1]
    assert counter(engine) == RIVAL_ADDS


def test_an_error_that_is_not_a_conflict_is_not_retried(probe):
    app, engine = probe
    app.state.failure = RuntimeError("not a database conflict")
    response = TestClient(app, raise_server_exceptions=False).post("/api/v1/probe", json={"add": 1})
    assert response.status_code == 500
    assert app.state.attempts == [1]


def test_a_unique_violation_is_answered_409_once_and_not_retried(probe, database):
    app, engine = probe

    def duplicate(body: ProbeIn) -> dict:
        app.state.attempts.append(body.add)
        with database.writing() as session:
            session.add(User(username="probe", display_name="again", password_hash="x", role="reporter"))
            session.commit()
        return {}

    app.add_api_route("/api/v1/duplicate", duplicate, methods=["POST"])
    response = TestClient(app, raise_server_exceptions=False).post("/api/v1/duplicate", json={"add": 1})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert app.state.attempts == [1]


def _wrapped(orig: Exception) -> Exception:
    kind = IntegrityError if isinstance(orig, psycopg.errors.IntegrityError) else OperationalError
    return kind("UPDATE …", {}, orig)


@pytest.mark.parametrize(("error", "transient"), [
    (_wrapped(psycopg.errors.SerializationFailure("could not serialize access")), True),
    (_wrapped(psycopg.errors.DeadlockDetected("deadlock detected")), True),
    (_wrapped(sqlite3.OperationalError("database is locked")), True),
    (_wrapped(psycopg.errors.UniqueViolation("duplicate key")), False),
    (_wrapped(psycopg.errors.QueryCanceled("statement timeout")), False),
    (_wrapped(sqlite3.OperationalError("no such table: report")), False),
    (RuntimeError("database is locked"), False),  # only the driver's own error counts
])
def test_which_errors_are_worth_another_attempt(error, transient):
    assert is_transient(error) is transient

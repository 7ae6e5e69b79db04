"""Engines and sessions for SQLite (default, WAL) and PostgreSQL (production).

SQLite connections are set for durability: WAL journal, ``synchronous=FULL``, foreign keys on,
a busy timeout. Sessions that write begin with ``BEGIN IMMEDIATE`` so two writers queue at the
start of their transaction instead of failing at commit; read sessions begin a deferred
transaction so readers never wait for each other.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

try:
    import fcntl
except ImportError:  # not on Windows: writers of other processes then meet the busy timeout only
    fcntl = None

SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, *, echo: bool = False) -> Engine:
    import taizhang.db.models  # noqa: F401  (register every table before the first flush)

    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN, not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if ":memory:" not in str(engine.url) and engine.url.database:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        if immediate:
            writers.enter(connection.connection)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        except Exception:
            writers.leave(connection.connection)
            raise

    database = engine.url.database
    writers = _WriterQueue(f"{database}.writers" if database and database != ":memory:" else None)
    dialect = engine.dialect
    for name in ("do_commit", "do_rollback"):
        setattr(dialect, name, writers.releasing(getattr(dialect, name)))
    event.listen(engine, "invalidate", lambda dbapi_connection, *_: writers.leave(dbapi_connection))


class _WriterQueue:
    """SQLite runs one write transaction at a time and makes the others poll with growing sleeps
    (up to 100 ms each), so under load a queued write waits far longer than the writes before it,
    and a process whose writers follow each other closely can starve the others. Writers therefore
    queue before BEGIN IMMEDIATE and leave the queue once COMMIT or ROLLBACK has returned: on a lock
    within the process, then on an exclusive ``flock`` of a file beside the database shared by every
    process (the kernel wakes the next waiter at once; a process that dies lets go of it). Where no
    file lock exists, other processes still meet SQLite's busy timeout."""

    def __init__(self, lock_path: str | None) -> None:
        self._lock = threading.Lock()
        self._holder: frozenset[int] = frozenset()
        self._path = lock_path if fcntl is not None else None
        self._file: tuple[int, int] | None = None  # (pid, fd): a forked child opens its own

    def enter(self, connection) -> None:
        """``connection``: the pool's proxy, which the dialect's commit and rollback receive."""
        if not self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            return  # not had in time: queue in SQLite as before
        self._holder = frozenset({id(connection), id(connection.dbapi_connection)})
        if self._path:
            fcntl.flock(self._fd(), fcntl.LOCK_EX)

    def leave(self, connection) -> None:
        """``connection``: the pool's proxy, or the driver's connection (when invalidated)."""
        if id(connection) in self._holder:
            self._holder = frozenset()
            if self._path:
                fcntl.flock(self._fd(), fcntl.LOCK_UN)
            self._lock.release()

    def _fd(self) -> int:
        if self._file is None or self._file[0] != os.getpid():
            self._file = (os.getpid(), os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600))
        return self._file[1]

    def releasing(self, method):
        def call(dbapi_connection) -> None:
            try:
                method(dbapi_connection)
            finally:
                self.leave(dbapi_connection)

        return call


@dataclass(frozen=True)
class Database:
    engine: Engine

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def _factory(self, *, write: bool) -> sessionmaker[Session]:
        bind = self.engine.execution_options(sqlite_immediate=True) if write and self.is_sqlite else self.engine
        return sessionmaker(bind=bind, expire_on_commit=False)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session for a use case that writes. The service commits; anything left is rolled back."""
        session = self._factory(write=True)()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        session = self._factory(write=False)()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

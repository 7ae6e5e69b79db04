"""Test databases: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``TAIZHANG_TEST_DATABASE_URL`` (``make test`` and ``.ci/run`` start a
throwaway server and set it). Without it the PostgreSQL half is skipped on a developer machine and
fails under CI, where a missing server is an error, not a reason to skip.

Schemas are built by the real Alembic migrations. ``session`` runs each test in a transaction
that is rolled back; ``database`` gives a whole empty database for tests that open their own
sessions (the CLI, the web app).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from taizhang.db.engine import Database, make_engine
from taizhang.db.migrate import upgrade
from taizhang.db.models import Base

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = ROOT / "taizhang" / "examples" / "ganzhou-2020-liuwen-liubao.txt"
PG_URL = os.environ.get("TAIZHANG_TEST_DATABASE_URL", "")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

BACKENDS = ["sqlite", "postgresql"]


def _require_postgres() -> str:
    if PG_URL:
        return PG_URL
    if IN_CI:
        pytest.fail("CI 中必须提供 PostgreSQL：TAIZHANG_TEST_DATABASE_URL 未设置（.ci/run 应启动测试数据库）。")
    pytest.skip("未设置 TAIZHANG_TEST_DATABASE_URL：跳过 PostgreSQL 部分（make test 会自动启动测试数据库）。")


def _reset_postgres(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def migrated_engine(backend, tmp_path_factory) -> Iterator[Engine]:
    """One migrated database per backend for the whole run (transactional tests share it)."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'shared.db'}")
    else:
        engine = _reset_postgres(_require_postgres())
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(migrated_engine) -> Iterator[Session]:
    """A session inside a transaction rolled back after the test; services' commits become savepoints."""
    connection = migrated_engine.connect()
    outer = connection.begin()
    s = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield s
    finally:
        s.close()
        outer.rollback()
        connection.close()


def _truncate_all(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(text(f'DELETE FROM "{t}"'))


@pytest.fixture
def database(backend, tmp_path, migrated_engine) -> Iterator[Database]:
    """A whole empty, migrated database (its own file on SQLite; emptied afterwards on PostgreSQL)."""
    if backend == "sqlite":
        db = Database.from_url(f"sqlite:///{tmp_path / 'taizhang.db'}")
        upgrade(db.engine)
        yield db
        db.dispose()
    else:
        _truncate_all(migrated_engine)
        db = Database(migrated_engine)
        yield db
        _truncate_all(migrated_engine)


@pytest.fixture
def database_url(database) -> str:
    return database.engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text("utf-8")

"""Test databases: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``TAIZHANG_TEST_DATABASE_URL`` (``make test`` and ``.ci/run`` start a
throwaway server and set it). Without it the PostgreSQL half is skipped on a developer machine and
fails under CI, where a missing server is an error, not a reason to skip.

Schemas are built by the real Alembic migrations. ``session`` runs each test in a transaction
that is rolled back; ``database`` gives a whole empty database for tests that open their own
sessions (the CLI, the web app).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from taizhang.db.engine import Database, make_engine
from taizhang.db.migrate import upgrade
from taizhang.db.models import Base
from taizhang.privacy.crypto import load_key
from taizhang.rules.identifiers import id_number_problem
from taizhang.settings import Settings

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


# What must never reach a log: the passwords the tests use, API tokens, valid 身份证号.
TEST_PASSWORDS = ("Ganzhou-Test#2020",)
API_TOKEN = re.compile(r"tz_[A-Za-z0-9_-]{20,}")
ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")


@pytest.fixture(autouse=True)
def no_secrets_in_logs(caplog):
    """Every test runs with its logs captured (taizhang at DEBUG, everything else at INFO);
    afterwards no test password, API token or valid ID number may appear in them."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="taizhang")
    yield
    logged = caplog.text
    leaks = [p for p in TEST_PASSWORDS if p in logged] + API_TOKEN.findall(logged)
    leaks += [n for n in ID_CANDIDATE.findall(logged) if id_number_problem(n) is None]
    assert not leaks, f"日志中出现了密码、令牌或身份证号：{leaks[:3]}"


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
            # The audit table refuses TRUNCATE to the application; the test harness, as superuser,
            # switches triggers off for this one transaction.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
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


def app_settings(data_dir: Path, **overrides) -> Settings:
    """Settings for an app under test: its own data directory and personal-data key. The second
    factor is off and the rate limits are high (a test sends hundreds of requests a second from one
    address) unless a test asks otherwise, as tests/security does; no background worker thread (a test
    runs the queue itself, see tests/fulfillment/factories.run_batches); the rest is the production default."""
    load_key(data_dir / "data.key", create=True)
    values = {"environment": "test", "database_url": "sqlite://", "data_dir": data_dir, "second_factor_roles": "",
              "rate_limit_per_minute": 1_000_000, "login_rate_per_minute": 1_000_000, "background_jobs": False}
    return Settings(**(values | overrides))


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text("utf-8")

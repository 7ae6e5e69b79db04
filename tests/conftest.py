"""Test databases, and which tests run on which.

Where the database matters — services, migrations, durability, the workload, concurrency — a test runs
on SQLite and on PostgreSQL (``BOTH_DATABASES``); pages, HTTP contracts and pure logic run on SQLite.
PostgreSQL comes from ``TAIZHANG_TEST_DATABASE_URL`` (``make test`` and ``.ci/run`` start a throwaway
server and set it). Without it the PostgreSQL half is skipped on a developer machine and fails under CI,
where a missing server is an error, not a reason to skip. ``TAIZHANG_TEST_BACKENDS=sqlite`` (``make
test-fast``) runs everything on SQLite only.

Schemas are built by the real Alembic migrations, once per run and worker: on SQLite into a template
file that each whole-database test copies, on PostgreSQL into the worker's own database (pytest-xdist
workers never share one). ``session`` runs each test in a transaction that is rolled back; ``database``
gives a whole empty database for tests that open their own sessions (the CLI, the web app).

Passwords are hashed with argon2's cheapest parameters here; production keeps the recommended ones
(tests/security/test_passwords.py checks both).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import argon2
import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from taizhang.auth import passwords
from taizhang.db.engine import Database, make_engine
from taizhang.db.migrate import upgrade
from taizhang.db.models import Base
from taizhang.privacy.crypto import load_key
from taizhang.rules.identifiers import id_number_problem
from taizhang.settings import Settings
from tests.needs import need

ROOT = Path(__file__).resolve().parents[1]
# Copies of ../shared kept in step by scripts/sync-test-data (tests read nothing outside the repository).
TEST_DATA = ROOT / "tests" / "data"
SEED = ROOT / "taizhang" / "examples" / "ganzhou-2020-liuwen-liubao.txt"
PG_URL = os.environ.get("TAIZHANG_TEST_DATABASE_URL", "")
CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright drives it, never a browser of its own download
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-default-apps"]
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

BACKENDS = [b for b in os.environ.get("TAIZHANG_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
# The tests whose behaviour depends on the database engine: they run on every backend.
BOTH_DATABASES = (
    "tests/durability/", "tests/workload/", "tests/jobs/", "tests/ledger/", "tests/workflow/",
    "tests/documents/test_ledger.py", "tests/documents/test_template.py", "tests/documents/test_bulletin.py",
    "tests/fulfillment/test_workflow.py", "tests/privacy/test_storage.py", "tests/privacy/test_migration.py",
    "tests/privacy/test_reveal.py", "tests/security/test_audit.py", "tests/security/test_lockout.py",
    "tests/security/test_sessions.py", "tests/security/test_second_factor.py", "tests/test_migrations.py",
    "tests/test_demo.py",
)

passwords.use_parameters(argon2.profiles.CHEAPEST)
# pytest-xdist workers start with COLUMNS=80, which rich would fix as the CLI's width when it is first
# imported; without it the width is read when printing, so a test's COLUMNS=200 takes effect.
os.environ.pop("COLUMNS", None)


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        path = Path(metafunc.definition.fspath).relative_to(ROOT).as_posix()
        backends = BACKENDS if path.startswith(BOTH_DATABASES) else BACKENDS[:1]
        metafunc.parametrize("backend", backends, indirect=True, scope="session")


def _require_postgres() -> str:
    """This worker's own PostgreSQL database (created on the server of ``TAIZHANG_TEST_DATABASE_URL``)."""
    need(bool(PG_URL), "PostgreSQL 测试数据库（TAIZHANG_TEST_DATABASE_URL 未设置）",
         "make test 会用 scripts/test-postgres 启动它")
    url = make_url(PG_URL)
    if WORKER == "main":
        return PG_URL
    name = f"{url.database}_{WORKER}"
    server = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with server.connect() as connection:
        if not connection.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).scalar():
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    server.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


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


@pytest.fixture(scope="session")
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file migrated to head once per run; whole-database tests start from a copy of it."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _sqlite_copy(template: Path, path: Path) -> str:
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def migrated_engine(backend, tmp_path_factory, sqlite_template) -> Iterator[Engine]:
    """One migrated database per backend for the whole run (transactional tests share it)."""
    if backend == "sqlite":
        engine = make_engine(_sqlite_copy(sqlite_template, tmp_path_factory.mktemp("db") / "shared.db"))
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
def database(backend, tmp_path, migrated_engine, sqlite_template) -> Iterator[Database]:
    """A whole empty, migrated database (its own file on SQLite; emptied afterwards on PostgreSQL)."""
    if backend == "sqlite":
        db = Database.from_url(_sqlite_copy(sqlite_template, tmp_path / "taizhang.db"))
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


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One headless Chromium for the whole run (per xdist worker); tests open their own contexts in it."""
    need(os.path.exists(CHROMIUM), f"Chromium（{CHROMIUM}）", "scripts/system-packages 会安装 chromium 和 fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()

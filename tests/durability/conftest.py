"""Fixtures of the durability tests: a ledger with eight county reporters, the application served
in a process of its own, and a second, completely empty database to restore into."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, select
from sqlalchemy.pool import NullPool

from taizhang.auth.models import User
from taizhang.auth.permissions import Actor
from taizhang.auth.service import create_token
from taizhang.ledger import service as ledger
from taizhang.ledger.models import Policy, Task
from tests.conftest import app_settings
from tests.durability.server import served
from tests.durability.world import AS_OF, Reporter
from tests.workflow.conftest import COUNTIES, build_world

COUNTY_COUNT = 8


def build_counties(session, seed_text: str) -> list[Reporter]:
    """The seed's 23 tasks, each decomposed to the first eight counties; a reporter with an API token
    for each county; the policy judged as of 2020-11-25."""
    world = build_world(session, seed_text)
    session.scalar(select(Policy)).as_of = AS_OF
    session.commit()
    units = [world.unit(name) for name in COUNTIES[:COUNTY_COUNT]]
    for task_id in session.scalars(select(Task.id).where(Task.parent_id.is_(None)).order_by(Task.id)).all():
        ledger.decompose(task_id, [ledger.SubtaskSpec(unit_id=unit.id) for unit in units], session=session,
                         actor=world.office)
    reporters = []
    for n, unit in enumerate(units, start=1):
        user = User(username=f"county{n:02d}", display_name=f"{unit.short_name}填报员", password_hash="x",
                    role="reporter", unit_id=unit.id)
        session.add(user)
        session.flush()
        _, token = create_token(user.id, "耐久性测试", session=session, actor=Actor.system())
        tasks = session.scalars(select(Task.id).where(Task.lead_unit_id == unit.id, Task.parent_id.is_not(None))
                                .order_by(Task.id)).all()
        reporters.append(Reporter(username=user.username, unit_id=unit.id, token=token, tasks=tuple(tasks)))
    return reporters


@pytest.fixture
def counties(database, seed_text) -> list[Reporter]:
    with database.writing() as session:
        return build_counties(session, seed_text)


@pytest.fixture
def server(database_url, tmp_path) -> Iterator[str]:
    """The application over the test database in its own uvicorn process; yields ``127.0.0.1:port``."""
    with served(app_settings(tmp_path, database_url=database_url)) as base:
        yield base


@pytest.fixture
def empty_database_url(backend, database_url, tmp_path) -> Iterator[str]:
    """A second database with nothing in it, not even tables: where a backup is restored."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_restored_{os.getpid()}"
    server = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.dispose()

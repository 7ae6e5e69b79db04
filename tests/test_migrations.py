"""Alembic migrations build the schema the models declare, on SQLite and PostgreSQL, both ways."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from taizhang.db.migrate import alembic_config, current_revision, head_revision, upgrade
from taizhang.db.models import Base


def test_upgrade_reaches_head(database):
    assert current_revision(database.engine) == head_revision()


def test_migrations_match_the_models(database):
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_up_again(database):
    with database.engine.begin() as conn:
        command.downgrade(alembic_config(connection=conn), "base")
    assert current_revision(database.engine) is None
    upgrade(database.engine)
    assert current_revision(database.engine) == head_revision()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    from taizhang.db.engine import Database

    db = Database.from_url(f"sqlite:///{tmp_path / 'wal.db'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL

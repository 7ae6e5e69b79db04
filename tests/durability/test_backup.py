"""``taizhang backup`` takes a consistent snapshot while writers keep writing, and ``taizhang restore``
puts it back into an empty database exactly: the row counts and checksums of the manifest, rows
identical to the original's, an audit chain that still verifies and an audit table that still refuses
to be changed. Restoring refuses a database that has data, and fails loudly on a damaged backup."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DatabaseError
from typer.testing import CliRunner

from taizhang.audit.models import AuditEvent
from taizhang.audit.service import verify_chain
from taizhang.auth.permissions import Actor
from taizhang.cli import app
from taizhang.db.backup import MANIFEST, read_manifest, summarize
from taizhang.db.engine import Database
from taizhang.db.models import Base
from taizhang.ledger import service as ledger
from taizhang.policy.parse import parse_text
from taizhang.reporting.models import Report
from taizhang.settings import get_settings
from tests.durability.processes import Writer

WRITES_BEFORE = WRITES_AFTER = 3


@pytest.fixture
def taizhang(monkeypatch, tmp_path):
    """Run the command line against the database at ``url``, as an operator on the server would."""
    monkeypatch.setenv("TAIZHANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")

    def run(url: str, *args: str):
        monkeypatch.setenv("TAIZHANG_DATABASE_URL", url)
        get_settings.cache_clear()
        return CliRunner().invoke(app, list(args), catch_exceptions=False)

    yield run
    get_settings.cache_clear()


@pytest.mark.slow
def test_a_backup_taken_while_writers_write_restores_exactly(database, database_url, empty_database_url, counties,
                                                            taizhang, tmp_path):
    backup = tmp_path / "taizhang.tar"
    writers = [Writer(database_url, reporter.username) for reporter in counties[:2]]
    try:
        for writer in writers:
            writer.wait_for(WRITES_BEFORE)
        made = taizhang(database_url, "backup", str(backup))
        for writer in writers:
            writer.wait_for(WRITES_AFTER)  # the writers went on writing through and after the backup
    finally:
        for writer in writers:
            writer.kill()
    assert made.exit_code == 0, made.output
    assert "已备份到" in made.stdout
    restored = taizhang(empty_database_url, "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "行数与校验和均与清单一致" in restored.stdout

    manifest = read_manifest(backup)
    target = Database.from_url(empty_database_url)
    try:
        with target.engine.connect() as connection:
            counts = {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar() for name in manifest.tables}
        # The restore's own audit record is the one row the restored database has beyond the backup.
        assert counts == {name: t.rows + (name == "audit_event") for name, t in manifest.tables.items()}
        with target.reading() as session:
            last = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
            assert (last.action, last.detail["digest"]) == ("backup.restore", manifest.digest)
            _assert_snapshot_is_consistent(session, acknowledged_before=WRITES_BEFORE, reporters=counties[:2])
            chain = verify_chain(session=session, actor=Actor.system())
            assert (chain.broken_at, chain.checked) == (None, counts["audit_event"])
        with target.engine.connect() as connection:
            restored_sums = summarize(connection)
        assert {n: s for n, s in restored_sums.items() if n != "audit_event"} == {
            n: s for n, s in manifest.tables.items() if n != "audit_event"}
        _assert_rows_identical(database, target, skip_last_audit_record=True)
        _assert_audit_table_refuses_changes(target)
    finally:
        target.dispose()

    with database.reading() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "backup.create"))
        assert event.detail["digest"] == manifest.digest and event.actor_role == "system"
        assert session.scalar(select(func.count()).select_from(Report)) > _reports_in(manifest)


def _reports_in(manifest) -> int:
    return manifest.tables["report"].rows


def _assert_snapshot_is_consistent(session, *, acknowledged_before: int, reporters) -> None:
    """A save writes its report and its audit record in one transaction: a snapshot has both or neither."""
    reports = session.scalar(select(func.count()).select_from(Report))
    saves = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "report.save"))
    assert reports == saves
    for reporter in reporters:
        theirs = session.scalar(select(func.count()).select_from(Report).where(Report.unit_id == reporter.unit_id))
        assert theirs >= acknowledged_before


def _assert_rows_identical(source: Database, restored: Database, *, skip_last_audit_record: bool) -> None:
    """Every row of the restored database is in the source, unchanged (the source has more: writes
    that came after the snapshot)."""
    last_audit = None
    if skip_last_audit_record:
        with restored.engine.connect() as connection:
            last_audit = connection.execute(text("SELECT max(id) FROM audit_event")).scalar()
    for table in Base.metadata.sorted_tables:
        key = [c.name for c in table.primary_key.columns]
        with source.engine.connect() as connection:
            original = {tuple(r[k] for k in key): dict(r) for r in connection.execute(select(table)).mappings()}
        with restored.engine.connect() as connection:
            for row in connection.execute(select(table)).mappings():
                if table.name == "audit_event" and row["id"] == last_audit:
                    continue
                assert original.get(tuple(row[k] for k in key)) == dict(row), table.name


def _assert_audit_table_refuses_changes(database: Database) -> None:
    with database.engine.connect() as connection:
        with pytest.raises(DatabaseError, match="audit records cannot be changed or deleted"):
            connection.execute(text("UPDATE audit_event SET outcome = 'changed'"))
        connection.rollback()


# ---------------------------------------------------------------- refusals


@pytest.fixture
def small_backup(database, database_url, seed_text, taizhang, tmp_path) -> Path:
    """A backup of a database holding the seed policy."""
    with database.writing() as session:
        ledger.import_policy(parse_text(seed_text), session=session, actor=Actor.system(), source_name="seed.txt")
    path = tmp_path / "small.tar"
    result = taizhang(database_url, "backup", str(path))
    assert result.exit_code == 0, result.output
    return path


def test_a_database_with_data_is_not_overwritten_without_force(small_backup, empty_database_url, taizhang):
    assert taizhang(empty_database_url, "restore", str(small_backup)).exit_code == 0
    target = Database.from_url(empty_database_url)
    try:
        refused = taizhang(empty_database_url, "restore", str(small_backup))
        assert refused.exit_code == 1
        assert "目标数据库不是空的" in refused.output and "--force" in refused.output
        with target.reading() as session:
            assert session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == [
                "policy.import", "backup.restore"]

        forced = taizhang(empty_database_url, "restore", str(small_backup), "--force")
        assert forced.exit_code == 0, forced.output
        with target.reading() as session:
            # The backup's content replaced everything, the first restore's record too; then this restore.
            events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
            assert [(e.action, e.detail.get("forced")) for e in events] == [("policy.import", None),
                                                                            ("backup.restore", True)]
            assert verify_chain(session=session, actor=Actor.system()).broken_at is None
    finally:
        target.dispose()


def test_an_existing_backup_file_is_not_overwritten_without_force(database_url, small_backup, taizhang):
    before = small_backup.read_bytes()
    refused = taizhang(database_url, "backup", str(small_backup))
    assert refused.exit_code == 1 and "已存在" in refused.output
    assert small_backup.read_bytes() == before


def test_a_manifest_that_does_not_match_the_data_fails_loudly(small_backup, empty_database_url, taizhang, tmp_path):
    manifest = json.loads(_member(small_backup, MANIFEST))
    manifest["tables"]["task"]["rows"] += 1
    forged = tmp_path / "forged.tar"
    _rewrite(small_backup, forged, {MANIFEST: json.dumps(manifest).encode()})
    result = taizhang(empty_database_url, "restore", str(forged))
    assert result.exit_code == 1
    assert "不符" in result.output and "task" in result.output and "应有 24 行，实有 23 行" in result.output


def test_a_damaged_database_file_is_refused_before_anything_is_restored(small_backup, empty_database_url, taizhang,
                                                                        tmp_path):
    name = next(n for n in _names(small_backup) if n != MANIFEST)
    payload = bytearray(_member(small_backup, name))
    payload[len(payload) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.tar"
    _rewrite(small_backup, damaged, {name: bytes(payload)})
    result = taizhang(empty_database_url, "restore", str(damaged))
    assert result.exit_code == 1 and "备份文件已损坏" in result.output
    target = Database.from_url(empty_database_url)
    try:
        with target.engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
    finally:
        target.dispose()


def test_a_file_that_is_not_a_backup_is_refused(database_url, taizhang, tmp_path):
    stray = tmp_path / "notes.tar"
    stray.write_text("这不是备份", "utf-8")
    result = taizhang(database_url, "restore", str(stray))
    assert result.exit_code == 1 and "不是台账备份文件" in result.output


def _names(path: Path) -> list[str]:
    with tarfile.open(path) as archive:
        return archive.getnames()


def _member(path: Path, name: str) -> bytes:
    with tarfile.open(path) as archive:
        return archive.extractfile(name).read()


def _rewrite(source: Path, target: Path, replaced: dict[str, bytes]) -> None:
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = replaced.get(member.name, old.extractfile(member).read())
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))

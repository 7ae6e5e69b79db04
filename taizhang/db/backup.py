"""Backups that can prove what they hold: ``taizhang backup`` and ``taizhang restore``.

A backup is one tar file: ``manifest.json`` and the database — SQLite's online backup of the file,
or PostgreSQL's ``pg_dump -Fc``. Either is a consistent snapshot taken while the application keeps
writing, and the manifest (each table's row count and content checksum, the schema revision, the
time) is computed from that same snapshot: from the copy on SQLite, inside the exported snapshot
``pg_dump`` reads on PostgreSQL. Restoring checks the archive, puts the database back, computes the
manifest of what is now there and fails loudly on any difference. Both are audited.

This module is the service of those two use cases: ``create_backup`` and ``restore_backup`` each check
the permission, do the work and own the one row they write, the audit event — appended through
``audit.service.record`` in a transaction of their own and committed here, as every service commits
its writes. The CLI only opens the database, calls one of them and prints the result.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import logging
import os
import sqlite3
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from taizhang.audit.service import record
from taizhang.auth.permissions import Actor, require
from taizhang.db.engine import SQLITE_BUSY_TIMEOUT_MS, Database
from taizhang.db.migrate import alembic_config, current_revision, head_revision, upgrade
from taizhang.db.pgtools import find_tool, run_tool, server_major
from taizhang.errors import Conflict, TaizhangError

FORMAT = "taizhang-backup/1"
MANIFEST = "manifest.json"
PAYLOADS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
log = logging.getLogger("taizhang.db.backup")


class BackupInvalid(TaizhangError):
    status = 422
    code = "backup_invalid"


class BackupMismatch(TaizhangError):
    status = 500
    code = "backup_mismatch"


class TargetNotEmpty(Conflict):
    code = "restore_target_not_empty"


@dataclass(frozen=True)
class TableSummary:
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    backend: str
    created_at: str
    revision: str | None
    payload_size: int
    payload_sha256: str
    tables: dict[str, TableSummary]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    @property
    def digest(self) -> str:
        """One checksum for the whole content: the tables' checksums in name order."""
        return hashlib.sha256("".join(f"{n}:{t.sha256}\n" for n, t in sorted(self.tables.items())).encode()).hexdigest()

    def to_json(self) -> bytes:
        body = {"format": FORMAT, **asdict(self), "digest": self.digest}
        return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            body = json.loads(data)
            if body.get("format") != FORMAT:
                raise ValueError(body.get("format"))
            tables = {name: TableSummary(rows=int(t["rows"]), sha256=str(t["sha256"]))
                      for name, t in body["tables"].items()}
            return cls(backend=body["backend"], created_at=body["created_at"], revision=body["revision"],
                       payload_size=int(body["payload_size"]), payload_sha256=body["payload_sha256"], tables=tables)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BackupInvalid("备份清单（manifest.json）无法识别：文件不是台账备份，或已损坏。") from None


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    size: int
    seconds: float
    audited: bool  # false when the schema is older than this program (its audit table cannot take the record)


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    seconds: float
    upgraded_to: str | None  # the backup's schema was older and has been upgraded to this revision


# ---------------------------------------------------------------- backup


def create_backup(database: Database, target: Path, *, actor: Actor, overwrite: bool = False) -> BackupResult:
    """Write a consistent snapshot of the database and its manifest to ``target`` (one tar file)."""
    require(actor, "backup.run")
    if target.exists() and not overwrite:
        raise Conflict(f"文件“{target}”已存在：请换一个文件名，或加 --force 覆盖。")
    started = time.monotonic()
    backend = database.engine.dialect.name
    if backend == "sqlite" and not os.path.isfile(_sqlite_path(database.engine)):
        raise FileNotFoundError(errno.ENOENT, "no database file", _sqlite_path(database.engine))
    try:
        with tempfile.TemporaryDirectory(prefix=".taizhang-backup-", dir=target.parent) as work:
            payload = Path(work) / PAYLOADS[backend]
            snapshot = _snapshot_sqlite if backend == "sqlite" else _snapshot_postgresql
            revision, tables = snapshot(database.engine, payload)
            manifest = Manifest(backend=backend, created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                                revision=revision, payload_size=payload.stat().st_size,
                                payload_sha256=_file_sha256(payload), tables=tables)
            _write_archive(target, manifest, payload)
    except Exception as exc:
        _audit_failure(database, "backup.create", actor, target, exc)
        raise
    audited = _audit(database, "backup.create", actor, detail={
        "file": str(target), "size": target.stat().st_size, "tables": len(manifest.tables), "rows": manifest.rows,
        "digest": manifest.digest, "revision": revision})
    return BackupResult(path=target, manifest=manifest, size=target.stat().st_size,
                        seconds=time.monotonic() - started, audited=audited)


def _snapshot_sqlite(engine: Engine, payload: Path) -> tuple[str | None, dict[str, TableSummary]]:
    """SQLite's online backup in one step: a read transaction on the source, so writers carry on and
    the copy is the database as of one instant. The manifest is then read from the copy itself."""
    source_path = _sqlite_path(engine)
    with closing(sqlite3.connect(source_path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)) as source, \
            closing(sqlite3.connect(payload)) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    with _sqlite_file(payload) as connection:
        return _revision(connection), summarize(connection)


def _snapshot_postgresql(engine: Engine, payload: Path) -> tuple[str | None, dict[str, TableSummary]]:
    """``pg_dump`` reads the snapshot this transaction exports; the manifest is read in the same one."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.begin():
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            program = find_tool("pg_dump", server_major(connection))
            run_tool(program, ["--format=custom", f"--snapshot={snapshot}", f"--file={payload}"], engine.url)
            return _revision(connection), summarize(connection)


def _write_archive(target: Path, manifest: Manifest, payload: Path) -> None:
    """Written beside the target and renamed into place: a crash leaves the old file or the new one."""
    partial = target.with_name(target.name + ".part")
    with tarfile.open(partial, "w") as archive:
        data = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(data), int(time.time())
        archive.addfile(info, io.BytesIO(data))
        archive.add(payload, arcname=payload.name)
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


# ---------------------------------------------------------------- restore


def read_manifest(path: Path) -> Manifest:
    with _open_archive(path) as archive:
        return Manifest.from_json(_member(archive, MANIFEST).read())


def restore_backup(database: Database, source: Path, *, actor: Actor, force: bool = False) -> RestoreResult:
    """Put a backup back into the configured database (which must be empty unless ``force``), then
    prove the result against the manifest; an older schema is then upgraded, and the restore audited."""
    require(actor, "backup.run")
    started = time.monotonic()
    engine = database.engine
    backend = engine.dialect.name
    with tempfile.TemporaryDirectory(prefix="taizhang-restore-") as work:
        manifest, payload = _unpack(source, Path(work))
        if manifest.backend != backend:
            raise BackupInvalid(f"这是 {BACKENDS.get(manifest.backend, manifest.backend)} 数据库的备份，"
                                f"不能恢复到 {BACKENDS.get(backend, backend)} 数据库。")
        _require_known_revision(manifest.revision)
        if not force and not _is_empty(engine):
            raise TargetNotEmpty("目标数据库不是空的：恢复会覆盖其中的全部数据。确认要覆盖请加 --force。")
        if backend == "sqlite":
            _restore_sqlite(engine, payload, manifest)
        else:
            _restore_postgresql(engine, payload)
    engine.dispose()  # pooled connections may hold plans and caches of the replaced tables
    with engine.connect() as connection:
        _compare(manifest.tables, summarize(connection), after_restore=True)
    upgraded_to = None
    if manifest.revision != head_revision():
        upgrade(engine)
        upgraded_to = head_revision()
    _audit(database, "backup.restore", actor, detail={
        "file": str(source), "backup_created_at": manifest.created_at, "revision": manifest.revision,
        "tables": len(manifest.tables), "rows": manifest.rows, "digest": manifest.digest, "forced": force,
        "upgraded_to": upgraded_to})
    return RestoreResult(manifest=manifest, seconds=time.monotonic() - started, upgraded_to=upgraded_to)


def _unpack(source: Path, work: Path) -> tuple[Manifest, Path]:
    """The manifest and the database file, checked against the size and checksum the manifest records."""
    with _open_archive(source) as archive:
        manifest = Manifest.from_json(_member(archive, MANIFEST).read())
        name = PAYLOADS.get(manifest.backend)
        if name is None:
            raise BackupInvalid(f"备份清单中的数据库类型“{manifest.backend}”无法识别。")
        payload = work / name
        with _member(archive, name) as member, open(payload, "wb") as out:
            while chunk := member.read(1 << 20):
                out.write(chunk)
    if payload.stat().st_size != manifest.payload_size or _file_sha256(payload) != manifest.payload_sha256:
        raise BackupInvalid("备份文件已损坏：数据库部分与清单记录的大小或校验和不符，不能用于恢复。")
    return manifest, payload


def _open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:")
    except tarfile.TarError:
        raise BackupInvalid(f"“{path}”不是台账备份文件（应为 taizhang backup 生成的文件）。") from None


def _member(archive: tarfile.TarFile, name: str):
    try:
        member = archive.extractfile(name)
    except KeyError:
        member = None
    if member is None:
        raise BackupInvalid(f"备份文件缺少 {name}：文件不完整，或不是 taizhang backup 生成的。")
    return member


def _require_known_revision(revision: str | None) -> None:
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        raise BackupInvalid(f"备份的数据库结构版本（{revision}）比本程序新：请先升级台账程序再恢复。") from None


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as connection:
        names = [n for n in inspect(connection).get_table_names() if n != "alembic_version"]
        quote = connection.dialect.identifier_preparer.quote
        return not any(connection.execute(text(f"SELECT 1 FROM {quote(n)} LIMIT 1")).first() for n in names)


def _restore_sqlite(engine: Engine, payload: Path, manifest: Manifest) -> None:
    """The copy is proved against the manifest before the target is touched; then SQLite's backup API
    writes it over the target in one transaction (the target's WAL and readers are handled by SQLite)."""
    with _sqlite_file(payload) as connection:
        _compare(manifest.tables, summarize(connection), after_restore=False)
    engine.dispose()
    with closing(sqlite3.connect(payload)) as copy, \
            closing(sqlite3.connect(_sqlite_path(engine), timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)) as target:
        copy.backup(target)


def _restore_postgresql(engine: Engine, payload: Path) -> None:
    """``pg_restore --clean`` in one transaction: it drops and recreates every object of the dump
    (the audit table with its triggers, created after its rows), or changes nothing if any step fails.
    The objects then belong to the configured user, whoever owned them where the backup was taken."""
    with engine.connect() as connection:
        major = server_major(connection)
    engine.dispose()
    program = find_tool("pg_restore", major)
    run_tool(program, ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
                       str(payload)], engine.url)


def _compare(expected: dict[str, TableSummary], actual: dict[str, TableSummary], *, after_restore: bool) -> None:
    problems = []
    for name in sorted(set(expected) | set(actual)):
        want, have = expected.get(name), actual.get(name)
        if want is None:
            problems.append(f"多出备份中没有的表 {name}")
        elif have is None:
            problems.append(f"缺少表 {name}")
        elif want.rows != have.rows:
            problems.append(f"表 {name} 应有 {want.rows} 行，实有 {have.rows} 行")
        elif want.sha256 != have.sha256:
            problems.append(f"表 {name} 的内容校验和不符")
    if not problems:
        return
    if after_restore:
        raise BackupMismatch("恢复后的数据与备份清单不符（请改用空数据库重新恢复，或检查备份文件）："
                             + "；".join(problems[:10]) + "。", details=[{"message": p} for p in problems])
    raise BackupInvalid("备份文件与其清单不符，未做任何恢复：" + "；".join(problems[:10]) + "。",
                        details=[{"message": p} for p in problems])


# ---------------------------------------------------------------- content checksums


def summarize(connection: Connection) -> dict[str, TableSummary]:
    """Every table's row count and a checksum of its column names and rows in primary-key order."""
    inspector = inspect(connection)
    quote = connection.dialect.identifier_preparer.quote
    summaries = {}
    for name in sorted(inspector.get_table_names()):
        columns = [c["name"] for c in inspector.get_columns(name)]
        order = inspector.get_pk_constraint(name)["constrained_columns"] or columns
        query = text(f"SELECT {', '.join(map(quote, columns))} FROM {quote(name)} "
                     f"ORDER BY {', '.join(map(quote, order))}")
        digest, rows = hashlib.sha256("\x1f".join(columns).encode("utf-8")), 0
        for row in connection.execution_options(yield_per=2000).execute(query):
            digest.update(("\n" + "\x1f".join(map(_canonical, row))).encode("utf-8"))
            rows += 1
        summaries[name] = TableSummary(rows=rows, sha256=digest.hexdigest())
    return summaries


def _canonical(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------- helpers


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _sqlite_path(engine: Engine) -> str:
    path = engine.url.database
    if not path or path == ":memory:":
        raise BackupInvalid("内存中的 SQLite 数据库不能备份或恢复：请使用数据库文件。")
    return path


@contextmanager
def _sqlite_file(path: Path) -> Iterator[Connection]:
    """A plain connection to a SQLite file outside the application's engine (no WAL switch, no pool)."""
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _audit(database: Database, action: str, actor: Actor, *, detail: dict, outcome: str = "success") -> bool:
    """Record the event in a transaction of its own when the schema is current (an older audit table
    cannot take it); true if recorded."""
    if current_revision(database.engine) != head_revision():
        return False
    with database.writing() as session:
        record(action, session=session, actor=actor, object_type="database", outcome=outcome, detail=detail)
        session.commit()
    return True


def _audit_failure(database: Database, action: str, actor: Actor, path: Path, exc: Exception) -> None:
    """Record a failed attempt; a failure to record it must not hide the error that made it fail."""
    try:
        _audit(database, action, actor, outcome="failure",
               detail={"file": str(path), "reason": getattr(exc, "message", type(exc).__name__)})
    except Exception:
        log.warning("could not record the failed %s", action, exc_info=True)

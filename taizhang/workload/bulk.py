"""Writing many rows fast into the real schema, on SQLite (executemany) and PostgreSQL (COPY).

One transaction for the whole load: either every row is there or none. Indexes (and, on
PostgreSQL, unique and foreign-key constraints) of the big tables are dropped first and built again
from the same declarations at the end, which is much faster than maintaining them row by row; the
schema afterwards is exactly the migrated one. SQLite checks no foreign keys during the load (the
loader writes the ids itself) and writes without fsync until the final commit; the connection is
discarded afterwards so those settings never reach the application's pool.

Values are given as the dialect stores them, through the formatting methods (``ts``, ``num`` …).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import islice

from sqlalchemy import Connection, Engine, ForeignKeyConstraint, Table, UniqueConstraint, text
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

CHINA = timedelta(hours=8)  # the workload's local times are China time (no daylight saving)
BATCH = 20_000


class Writer:
    """The common part: dropping and rebuilding indexes around the load."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect
        self.raw = connection.connection.driver_connection
        self._deferred: list[Table] = []

    def _ddl(self, element) -> None:
        self.connection.exec_driver_sql(str(element.compile(dialect=self.dialect)))

    def defer_indexes(self, tables: Sequence[Table]) -> None:
        self._deferred = list(tables)
        for table in tables:
            for index in table.indexes:
                self._ddl(DropIndex(index))

    def rebuild_indexes(self) -> None:
        for table in self._deferred:
            for index in sorted(table.indexes, key=lambda i: i.name):
                self._ddl(CreateIndex(index))

    def count(self, table: str) -> int:
        return self.connection.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar() or 0


class SQLiteWriter(Writer):
    def write(self, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
        cursor, total, it = self.raw.cursor(), 0, iter(rows)
        while chunk := list(islice(it, BATCH)):
            cursor.executemany(sql, chunk)
            total += len(chunk)
        return total

    @staticmethod
    def ts(local: str) -> str:
        """China time 'YYYY-MM-DD HH:MM:SS' → the naive UTC text UTCDateTime stores on SQLite."""
        hour = int(local[11:13])
        if hour >= 8 and len(local) == 19:  # the same day in UTC: shift the hour only (a million times)
            return f"{local[:11]}{hour - 8:02d}{local[13:]}.000000"
        return f"{datetime.fromisoformat(local) - CHINA}.000000"

    @staticmethod
    def now(moment: datetime) -> str:
        return moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")

    @staticmethod
    def num(value: str) -> float:
        return float(value)

    @staticmethod
    def flag(value: bool) -> int:
        return int(value)

    def finish(self, tables: Sequence[str]) -> None:
        # A full ANALYZE (about a second): sampled statistics misjudge the skewed lead units and send
        # a city's roll-up through a scan of every task.
        self.connection.exec_driver_sql("ANALYZE")


class PostgresWriter(Writer):
    def defer_indexes(self, tables: Sequence[Table]) -> None:
        for table in tables:
            for constraint in _constraints(table):
                self._ddl(DropConstraint(constraint))
        super().defer_indexes(tables)

    def rebuild_indexes(self) -> None:
        self.connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        super().rebuild_indexes()
        constraints = [c for t in self._deferred for c in _constraints(t)]
        # Unique constraints first: a foreign key may need one to exist.
        for constraint in sorted(constraints, key=lambda c: isinstance(c, ForeignKeyConstraint)):
            self._ddl(AddConstraint(constraint))

    def write(self, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        rows = list(rows)
        self.write_encoded(table, columns, self.encode(rows))
        return len(rows)

    def write_encoded(self, table: str, columns: Sequence[str], data: bytes) -> None:
        with self.raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
            copy.write(data)

    @staticmethod
    def encode(rows: Iterable[tuple]) -> bytes:
        """Rows in COPY's text format (done by the producer process: the writer then only sends)."""
        return "".join("\t".join(_copy_field(v) for v in row) + "\n" for row in rows).encode("utf-8")

    @staticmethod
    def ts(local: str) -> str:
        return local + "+08"

    @staticmethod
    def now(moment: datetime) -> str:
        return moment.isoformat()

    @staticmethod
    def num(value: str) -> str:
        return value

    @staticmethod
    def flag(value: bool) -> bool:
        return value

    def finish(self, tables: Sequence[str]) -> None:
        for table in tables:  # ids were written explicitly: move each sequence past them
            self.connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f"GREATEST((SELECT max(id) FROM \"{table}\"), 1))"
            ))
        self.connection.exec_driver_sql("ANALYZE")


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY_ESCAPES)
    return text


def _constraints(table: Table) -> list:
    return sorted((c for c in table.constraints if isinstance(c, UniqueConstraint | ForeignKeyConstraint)),
                  key=lambda c: c.name)


@contextmanager
def writer(engine: Engine) -> Iterator[SQLiteWriter | PostgresWriter]:
    """A writer on a connection of its own, in one transaction committed at the end. SQLite leaves WAL
    for the load (a rollback journal in memory: the file was empty, a crash means loading again) and
    returns to it afterwards; that needs the only connection, so the pool is emptied first."""
    engine.dispose()
    connection = engine.connect()
    try:
        if engine.dialect.name == "sqlite":
            raw = connection.connection.driver_connection
            for pragma in ("foreign_keys=OFF", "synchronous=OFF", "journal_mode=MEMORY", "cache_size=-1000000",
                           "temp_store=MEMORY"):
                raw.execute(f"PRAGMA {pragma}")
            bulk: SQLiteWriter | PostgresWriter = SQLiteWriter(connection)
        else:
            bulk = PostgresWriter(connection)
        with connection.begin():
            yield bulk
        if engine.dialect.name == "sqlite":
            connection.connection.driver_connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.invalidate()  # never hand the load's settings to the pool
        connection.close()

"""Batch files in and out: CSV, XLSX and Parquet read as a stream of column tables, results written
as they come. CSV cells are read as text (a money column is never guessed to be a float); a CSV that
is not UTF-8 is read as GB18030, the usual export of Chinese spreadsheet software."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from taizhang.errors import UnsupportedFormat, ValidationFailed
from taizhang.exports.safe import cell_value

FORMATS = (".csv", ".xlsx", ".parquet")
CSV_BLOCK_BYTES = 8 << 20


def check_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UnsupportedFormat(f"不支持的文件格式“{path.suffix or path.name}”：请使用 .csv、.xlsx 或 .parquet。")
    return suffix


def cell_text(value) -> object:
    """A spreadsheet or JSON cell as the text a person would type (floats by their shortest decimal)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | Decimal | int):
        return str(value)
    return str(value)


def count_rows(path: Path) -> int | None:
    """Data rows in a file (for a progress bar); CSV lines are counted without parsing."""
    suffix = check_format(path)
    if suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    if suffix == ".csv":
        lines, last = 0, b"\n"
        with path.open("rb") as handle:
            while block := handle.read(1 << 24):
                lines += block.count(b"\n")
                last = block[-1:]
        return max(lines + (last != b"\n") - 1, 0)
    return None


def read_chunks(path: Path, chunk_rows: int = 200_000) -> Iterator[pa.Table]:
    suffix = check_format(path)
    if suffix == ".parquet":
        yield from _parquet(path, chunk_rows)
    elif suffix == ".csv":
        yield from _csv(path)
    else:
        yield from _xlsx(path, chunk_rows)


def _parquet(path: Path, chunk_rows: int) -> Iterator[pa.Table]:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise UnsupportedFormat(f"无法读取 Parquet 文件“{path.name}”：{exc}") from None
    for batch in parquet.iter_batches(batch_size=chunk_rows):
        yield pa.Table.from_batches([batch])


def _csv_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    try:
        head.decode("utf-8")
        return "utf8"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut at the end of the sample
            return "utf8"
        return "gb18030"


def _csv(path: Path) -> Iterator[pa.Table]:
    encoding = _csv_encoding(path)
    try:
        header = pacsv.open_csv(path, read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 16)).schema.names
    except pa.ArrowInvalid as exc:
        raise ValidationFailed(f"CSV 文件“{path.name}”格式有误：{_csv_problem(str(exc))}") from None
    options = pacsv.ConvertOptions(column_types={name: pa.string() for name in header}, strings_can_be_null=True)
    try:
        reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(encoding=encoding, block_size=CSV_BLOCK_BYTES),
                                convert_options=options)
        for batch in reader:
            yield pa.Table.from_batches([batch])
    except pa.ArrowInvalid as exc:
        raise ValidationFailed(f"CSV 文件“{path.name}”格式有误：{_csv_problem(str(exc))}") from None


def _csv_problem(message: str) -> str:
    """Arrow's parse error in Chinese, without the row it quotes (a row of an extract is personal data)."""
    found = re.search(r"Expected (\d+) columns, got (\d+)", message)
    if found:
        return f"有一行是{found.group(2)}列，而表头是{found.group(1)}列（请检查多余或缺少的逗号、未配对的引号）"
    return "无法解析（请检查分隔符、引号和换行）"


def _xlsx(path: Path, chunk_rows: int) -> Iterator[pa.Table]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnsupportedFormat(f"无法读取 Excel 文件“{path.name}”：{type(exc).__name__}") from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header: list[str] | None = None
        pending: list[tuple] = []
        for row in rows:
            if header is None:
                if any(cell not in (None, "") for cell in row):
                    header = [str(cell).strip() if cell is not None else f"列{i + 1}" for i, cell in enumerate(row)]
                continue
            if all(cell in (None, "") for cell in row):
                continue
            pending.append(row)
            if len(pending) >= chunk_rows:
                yield _rows_table(header, pending)
                pending = []
        if header is not None and pending:
            yield _rows_table(header, pending)
    finally:
        workbook.close()


def _rows_table(header: list[str], rows: list[tuple]) -> pa.Table:
    columns = {}
    for position, name in enumerate(header):
        values = [cell_text(row[position]) if position < len(row) else None for row in rows]
        columns[name] = pa.array(values, pa.string())
    return pa.table(columns)


# ---------------------------------------------------------------- writing


def money_array(fen: np.ndarray) -> pa.Array:
    """分 as an exact decimal128(20, 2) column (written as 90000.00), built from the integers."""
    fen = np.asarray(fen, dtype=np.int64)
    words = np.empty((len(fen), 2), dtype=np.int64)
    words[:, 0] = fen
    words[:, 1] = np.where(fen < 0, -1, 0)
    return pa.Array.from_buffers(pa.decimal128(20, 2), len(fen), [None, pa.py_buffer(words.tobytes())])


class TableWriter:
    """Writes tables to .csv, .parquet or .xlsx as they come (xlsx in write-only mode)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.suffix = check_format(path)
        self.schema: pa.Schema | None = None
        self._writer = None
        self._sheet = None
        self._workbook = None

    def write(self, table: pa.Table) -> None:
        if self.schema is None:
            self.schema = table.schema
        elif table.schema != self.schema:
            table = table.cast(self.schema)
        if self.suffix == ".csv":
            if self._writer is None:
                self._handle = self.path.open("wb")
                self._handle.write("\ufeff".encode())  # so that spreadsheet software reads UTF-8
                self._writer = pacsv.CSVWriter(self._handle, table.schema)
            self._writer.write_table(table)
        elif self.suffix == ".parquet":
            if self._writer is None:
                self._writer = pq.ParquetWriter(self.path, table.schema)
            self._writer.write_table(table)
        else:
            self._write_xlsx(table)

    def _write_xlsx(self, table: pa.Table) -> None:
        from openpyxl import Workbook

        if self._workbook is None:
            self._workbook = Workbook(write_only=True)
            self._sheet = self._workbook.create_sheet()
            self._sheet.append(table.column_names)
        for row in table.to_pylist():
            self._sheet.append([cell_value(value) for value in row.values()])

    def close(self, schema: pa.Schema | None = None) -> None:
        """Finish the file; with ``schema``, an empty file with just the header when nothing was written."""
        if self._writer is None and self._workbook is None and schema is not None:
            self.write(schema.empty_table())
        if self.suffix == ".csv" and self._writer is not None:
            self._writer.close()
            self._handle.close()
        elif self.suffix == ".parquet" and self._writer is not None:
            self._writer.close()
        elif self._workbook is not None:
            self._workbook.save(self.path)

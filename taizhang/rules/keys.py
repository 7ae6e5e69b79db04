"""Applicants already seen in a stream of tables, so that a repeated applicant is paid once.

Keys are hashed to 64 bits over whole columns (FNV-1a on the bytes of 18-character codes, without a
Python loop); the index keeps the sorted hashes and each one's first record number. A hash collision
between two different applicants (about once in 3·10^7 batches of a million rows) would report a
false duplicate — an error row a person checks — never a double payment.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from taizhang.rules.kinds import byte_matrix

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


def hash_column(column) -> np.ndarray:
    """A uint64 hash per row of a text column (or any NumPy column)."""
    if isinstance(column, pa.Array) and (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        lengths = np.asarray(pc.fill_null(pc.binary_length(column), 0).to_numpy(zero_copy_only=False))
        if len(column) and column.null_count == 0 and (lengths == lengths[0]).all() and lengths[0] > 0:
            matrix = byte_matrix(column, int(lengths[0]))
            hashes = np.full(len(column), _FNV_OFFSET, dtype=np.uint64)
            with np.errstate(over="ignore"):
                for position in range(matrix.shape[1]):
                    hashes = (hashes ^ matrix[:, position]) * _FNV_PRIME
            return hashes
        column = column.to_pylist()
    return np.array([hash(value) for value in column], dtype=np.int64).view(np.uint64)


def hash_rows(columns: list) -> np.ndarray:
    hashes = np.full(len(columns[0]) if columns else 0, _FNV_OFFSET, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in columns:
            hashes = (hashes ^ hash_column(column)) * _FNV_PRIME
    return hashes


class KeyIndex:
    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.uint64)  # sorted
        self.first_rows = np.empty(0, dtype=np.int64)  # aligned with hashes

    def __len__(self) -> int:
        return len(self.hashes)

    def add(self, rows: np.ndarray, columns: list) -> tuple[np.ndarray, np.ndarray]:
        """Record the keys of ``rows``; returns (mask of rows whose key was seen before, the record
        number of each one's first occurrence)."""
        hashes = hash_rows(columns)
        order = np.argsort(hashes)
        ordered, ordered_rows = hashes[order], rows[order]
        starts_group = np.ones(len(ordered), dtype=bool)
        starts_group[1:] = ordered[1:] != ordered[:-1]
        first_row = rows.copy()
        if not starts_group.all():  # the same key twice in this chunk
            starts = np.flatnonzero(starts_group)
            group = np.cumsum(starts_group) - 1
            first_row[order] = np.minimum.reduceat(ordered_rows, starts)[group]
        fresh = starts_group
        if len(self.hashes):
            position = np.searchsorted(self.hashes, ordered)
            clipped = np.minimum(position, len(self.hashes) - 1)
            seen = self.hashes[clipped] == ordered
            if seen.any():
                first_row[order[seen]] = self.first_rows[clipped[seen]]
            fresh = starts_group & ~seen
            self.hashes = np.insert(self.hashes, position[fresh], ordered[fresh])
            self.first_rows = np.insert(self.first_rows, position[fresh], first_row[order][fresh])
        else:
            self.hashes, self.first_rows = ordered[fresh], first_row[order][fresh]
        repeated = first_row != rows
        return repeated, first_row[repeated]

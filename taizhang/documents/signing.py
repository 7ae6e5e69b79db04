"""Signed identities in the progress template (pure): which task, unit, period and indicators a row
belongs to, with an HMAC-SHA256 under the site's secret key, so that a row moved to another task,
unit or period, or an edited identity, is recognised as such on import.

A token reads ``tz1:row:<task>:<unit>:<period>:<indicator ids joined by '.', or '-'>:<index>:<mac>`` for
a row (index: which of the task's indicators the row carries) and ``tz1:file:<unit>:<period>:<policy>:<mac>``
for the workbook itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

VERSION = "tz1"
_CONTEXT = b"taizhang progress template\n"
_MAC = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class RowIdentity:
    task_id: int
    unit_id: int
    period: str
    indicator_ids: tuple[int, ...]
    index: int  # the row's position within the task: indicator_ids[index] is its indicator

    @property
    def indicator_id(self) -> int | None:
        return self.indicator_ids[self.index] if self.indicator_ids else None


@dataclass(frozen=True)
class FileIdentity:
    unit_id: int
    period: str
    policy_id: int


def _mac(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), _CONTEXT + payload.encode(), hashlib.sha256).hexdigest()


def _signed(secret: str, *fields: object) -> str:
    payload = ":".join(str(f) for f in (VERSION, *fields))
    return f"{payload}:{_mac(secret, payload)}"


def _fields(secret: str, token: object, kind: str, count: int) -> list[str] | None:
    if not isinstance(token, str) or len(token) > 2000:
        return None
    payload, _, mac = token.strip().rpartition(":")
    parts = payload.split(":")
    if len(parts) != count + 2 or parts[:2] != [VERSION, kind] or not _MAC.match(mac):
        return None
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        return None
    return parts[2:]


def sign_row(secret: str, row: RowIdentity) -> str:
    ids = ".".join(str(i) for i in row.indicator_ids) or "-"
    return _signed(secret, "row", row.task_id, row.unit_id, row.period, ids, row.index)


def sign_file(secret: str, file: FileIdentity) -> str:
    return _signed(secret, "file", file.unit_id, file.period, file.policy_id)


def read_row(secret: str, token: object) -> RowIdentity | None:
    """The row's identity, or None when the token is missing, malformed or not signed by this site."""
    parts = _fields(secret, token, "row", 5)
    if parts is None:
        return None
    task, unit, period, ids, index = parts
    indicator_ids = () if ids == "-" else tuple(int(i) for i in ids.split("."))
    row = RowIdentity(int(task), int(unit), period, indicator_ids, int(index))
    if not (0 <= row.index < max(1, len(indicator_ids))):
        return None
    return row


def read_file(secret: str, token: object) -> FileIdentity | None:
    parts = _fields(secret, token, "file", 3)
    if parts is None:
        return None
    unit, period, policy = parts
    return FileIdentity(int(unit), period, int(policy))

"""Request rate limits: per credential (session cookie or API token) and per IP address for the
routes that need no login, counted in fixed one-minute windows shared by every application process
through the ``rate_count`` table, so N processes or hosts behind a proxy enforce one limit.

A database write per request would itself become the bottleneck, so each process counts in memory
and adds its counts to the shared row — learning the other processes' counts in return — once a key
has gathered a twentieth of its limit, or a second after the previous exchange, whichever comes
first. With a small limit (≤ 20 a minute, as for the login page) every request is exchanged and the
limit is exact; with a large one the processes together may admit a few percent more than the limit
before they learn of each other's counts. Failed passwords are limited separately and durably by
the account lockout (``taizhang.auth.policy``). This module is the HTTP side: the table is written by
``taizhang.throttle.service``.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from taizhang.db.engine import Database
from taizhang.throttle import service as throttle

WINDOW_SECONDS = 60
EXCHANGE_SECONDS = 1.0
EXCHANGE_FRACTION = 20  # exchange a key's counts once it has gathered limit / 20 locally


@dataclass
class SharedWindow:
    """At most ``limit`` requests per key in each fixed window, counted across processes."""

    limit: int
    database: Database
    window: int = WINDOW_SECONDS
    clock: Callable[[], float] = time.time
    _start: int = -1
    _pending: dict[str, int] = field(default_factory=dict)  # counted here, not yet added to the table
    _known: dict[str, int] = field(default_factory=dict)  # the table's count at the last exchange
    _exchanged_at: float = 0.0
    _swept: int = -1
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def _batch(self) -> int:
        return max(1, self.limit // EXCHANGE_FRACTION)

    def count(self, key: str) -> tuple[int, bool]:
        """Count one request for ``key``; its count so far in this window (this one included), and
        whether the caller must ``exchange()`` before relying on that count."""
        now = self.clock()
        start = int(now // self.window) * self.window
        with self._lock:
            if start != self._start:
                self._start, self._pending, self._known = start, {}, {}
            self._pending[key] = self._pending.get(key, 0) + 1
            due = self._pending[key] >= self._batch or now - self._exchanged_at >= EXCHANGE_SECONDS
            return self._known.get(key, 0) + self._pending[key], due

    def exchange(self, key: str) -> int:
        """Add this process's counts to the shared table and learn the totals; ``key``'s total."""
        with self._lock:
            start, pending = self._start, self._pending
            self._pending = {}
            self._exchanged_at = self.clock()
            keys = sorted(set(pending) | {key})
            sweep, self._swept = self._swept != start, start
        try:
            totals = self._write(start, pending, keys, sweep=sweep)
        except Exception:
            with self._lock:  # keep the counts for the next exchange rather than lose them
                for k, n in pending.items():
                    self._pending[k] = self._pending.get(k, 0) + n
            raise
        with self._lock:
            if start == self._start:
                for k, n in totals.items():
                    self._known[k] = n
            return self._known.get(key, 0) + self._pending.get(key, 0)

    def wait(self, total: int) -> float:
        """0 when a key with ``total`` requests is within the limit, else seconds until the window ends."""
        if total <= self.limit:
            return 0.0
        return max(0.0, self._start + self.window - self.clock())

    def _write(self, start: int, pending: dict[str, int], keys: list[str], *, sweep: bool) -> dict[str, int]:
        forget = start - self.window if sweep else None  # once per window and process: the windows before the last
        with self.database.writing() as session:
            return throttle.exchange_counts(start, pending, keys, session=session, forget_before=forget)


@dataclass
class RateLimits:
    """The application's two limits: per credential, and per IP address for callers without one."""

    per_credential: SharedWindow
    per_address: SharedWindow


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


def credential_key(cookie: str | None, authorization: str | None) -> str | None:
    """A stable, non-secret key for whoever presents these credentials (None when there are none)."""
    secret = authorization[7:].strip() if authorization and authorization.lower().startswith("bearer ") else cookie
    if not secret:
        return None
    return "who:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]

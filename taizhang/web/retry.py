"""Run a request again when the database aborted its transaction to resolve a conflict.

PostgreSQL aborts one side of a serialization conflict (SQLSTATE 40001) or a deadlock (40P01);
SQLite reports a busy or locked database when its busy timeout runs out. The aborted transaction
committed nothing, so running the request again is what the client would do anyway. It is done
here, before a byte of the response is sent: at most three attempts, a short random pause between
them, then the error goes on to the application's 500 handler.

The request body is kept in memory for the replays; a body larger than ``body_limit`` streams
through once and is not retried. Replaying assumes what every use case does: its work is one
transaction, and anything committed before it in the same request (a token's last-use time) is
harmless to repeat.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3

from sqlalchemy.exc import DBAPIError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("taizhang.web.retry")

ATTEMPTS = 3
FIRST_PAUSE_SECONDS = 0.05
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
SQLITE_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def is_transient(exc: BaseException | None) -> bool:
    """Whether the database gave up on this transaction only because of another one."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, BaseExceptionGroup):
            return all(is_transient(e) for e in exc.exceptions)
        if isinstance(exc, DBAPIError) and _transient_driver_error(exc.orig):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _transient_driver_error(error: BaseException | None) -> bool:
    if getattr(error, "sqlstate", None) in TRANSIENT_SQLSTATES:  # psycopg
        return True
    if isinstance(error, sqlite3.OperationalError):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None:
            return (code & 0xFF) in SQLITE_BUSY_CODES  # extended codes (BUSY_SNAPSHOT …) share the low byte
        return "database is locked" in str(error) or "database table is locked" in str(error)
    return False


class RetryTransientErrors:
    """Pure ASGI middleware: replays an HTTP request whose attempt failed with a transient database error."""

    def __init__(self, app: ASGIApp, *, body_limit: int, attempts: int = ATTEMPTS,
                 first_pause: float = FIRST_PAUSE_SECONDS) -> None:
        self.app = app
        self.body_limit = body_limit
        self.attempts = attempts
        self.first_pause = first_pause

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        messages, replayable = await _read_body(receive, self.body_limit)
        if not replayable:
            await self.app(scope, _replay(messages, receive), send)
            return
        for attempt in range(1, self.attempts + 1):
            sent = _TrackedSend(send)
            try:
                await self.app(_fresh(scope), _replay(messages, receive), sent)
                return
            except Exception as exc:
                if sent.started or attempt == self.attempts or not is_transient(exc):
                    raise
                log.info("transient database error on %s %s (attempt %d of %d): %s", scope.get("method"),
                         scope.get("path"), attempt, self.attempts, type(exc).__name__)
            # Jitter keeps the requests that collided from colliding again in step.
            await asyncio.sleep(self.first_pause * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))


class _TrackedSend:
    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)


async def _read_body(receive: Receive, limit: int) -> tuple[list[Message], bool]:
    """The request's messages up to the end of its body, and whether the whole body is among them
    (false when the client left or the body passed ``limit``: the rest is still to be received)."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, False
        size += len(message.get("body", b""))
        if size > limit:
            return messages, False
        if not message.get("more_body", False):
            body = b"".join(m.get("body", b"") for m in messages)
            return [{"type": "http.request", "body": body, "more_body": False}], True


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive channel that gives the buffered messages first, then whatever the client sends next."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


def _fresh(scope: Scope) -> Scope:
    """A copy of the scope for one attempt: routing and request state left by a failed attempt are dropped."""
    copy = dict(scope)
    if "state" in scope:
        copy["state"] = dict(scope["state"])
    return copy

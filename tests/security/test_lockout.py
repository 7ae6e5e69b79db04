"""Lockout: five failures within fifteen minutes lock the account for thirty, counted per account
(not per address); a locked account and an unknown user get the same answer as a wrong password."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from taizhang.audit.models import AuditEvent
from taizhang.auth import service as accounts
from taizhang.auth.models import User
from taizhang.auth.passwords import hash_password
from tests.security.conftest import PASSWORD, csrf_of

T0 = datetime(2020, 9, 1, 9, 0, tzinfo=UTC)


def _account(session):
    session.add(User(username="wang", display_name="王", password_hash=hash_password(PASSWORD), role="leader"))
    session.flush()


def _try(session, password, at, ip="10.0.0.1"):
    return accounts.authenticate("wang", password, session=session, now=at, source_ip=ip)


def test_the_fifth_failure_within_fifteen_minutes_locks_for_thirty(session):
    _account(session)
    for minute in range(4):
        assert _try(session, "wrong", T0 + timedelta(minutes=minute)) is None
    assert _try(session, PASSWORD, T0 + timedelta(minutes=5)) is not None  # 4 failures: still open
    for minute in range(5):
        _try(session, "wrong", T0 + timedelta(minutes=6 + minute))
    locked_at = T0 + timedelta(minutes=10)
    assert _try(session, PASSWORD, locked_at + timedelta(minutes=1)) is None  # right password, locked
    assert _try(session, PASSWORD, locked_at + timedelta(minutes=29)) is None
    assert _try(session, PASSWORD, locked_at + timedelta(minutes=30, seconds=1)) is not None


def test_failures_spread_over_more_than_the_window_do_not_lock(session):
    _account(session)
    for n in range(8):  # one failure every 4 minutes: never five within fifteen minutes
        _try(session, "wrong", T0 + timedelta(minutes=4 * n))
    assert _try(session, PASSWORD, T0 + timedelta(minutes=29)) is not None


def test_failures_count_per_account_whatever_the_address(session):
    _account(session)
    for n in range(5):
        _try(session, "wrong", T0 + timedelta(minutes=n), ip=f"10.0.0.{n}")
    assert _try(session, PASSWORD, T0 + timedelta(minutes=6), ip="10.9.9.9") is None


def test_the_lockout_and_each_failure_are_audited_with_the_reason(session):
    _account(session)
    for n in range(6):
        _try(session, "wrong", T0 + timedelta(minutes=n))
    events = session.scalars(select(AuditEvent).where(AuditEvent.actor_name == "wang").order_by(AuditEvent.id)).all()
    actions = [e.action for e in events]
    assert actions.count("login.lockout") == 1
    assert [e.detail.get("reason") for e in events if e.action == "login.failure"] == ["password"] * 5 + ["locked"]
    assert all(e.outcome == "failure" for e in events if e.action == "login.failure")


def test_a_security_admin_can_unlock_early(session):
    _account(session)
    for n in range(5):
        _try(session, "wrong", T0 + timedelta(minutes=n))
    user = session.scalar(select(User).where(User.username == "wang"))
    secadmin = User(username="sec", display_name="安全", password_hash="x", role="security_admin")
    session.add(secadmin)
    session.flush()
    accounts.unlock(user.id, session=session, actor=accounts.actor_for(secadmin))
    assert _try(session, PASSWORD, T0 + timedelta(minutes=6)) is not None


def _answer(site, client, username, password):
    """Status and page, with what legitimately differs (the echoed username, the form token) blanked."""
    response = site.password_step(client, username, password)
    page = response.text.replace(username, "<user>").replace(csrf_of(response.text), "<token>")
    return response.status_code, page


def test_unknown_users_locked_accounts_and_wrong_passwords_get_identical_answers(site):
    client = site.client()
    wrong = _answer(site, client, "renshe", "Wrong-Password#1")
    unknown = _answer(site, client, "nobody-here", "Wrong-Password#1")
    assert wrong == unknown
    assert wrong[0] == 401 and accounts.LOGIN_FAILED in wrong[1]
    for _ in range(5):
        site.password_step(client, "jiaoyu", "Wrong-Password#1")
    locked = _answer(site, client, "jiaoyu", PASSWORD)  # the right password, but locked
    assert locked == wrong

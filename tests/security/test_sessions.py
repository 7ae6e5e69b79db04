"""Sessions: server-side, random 256-bit ids stored only as hashes, a new id at every login, 30
minutes idle and 12 hours absolute, cookie flags, and logout or disabling ends every session."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

from sqlalchemy import select, update

from taizhang.audit.models import AuditEvent
from taizhang.auth import service as accounts
from taizhang.auth.models import User, WebSession
from taizhang.db.base import utcnow
from tests.security.conftest import csrf_of, user_named

IDLE, ABSOLUTE = timedelta(minutes=30), timedelta(hours=12)


def _cookie(client) -> str:
    return client.cookies.get("tz_session")


def test_session_ids_are_random_256_bit_values_kept_only_as_hashes(site):
    client = site.login("renshe")
    token = _cookie(client)
    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128
    with site.database.reading() as s:
        ids = s.scalars(select(WebSession.id)).all()
    assert token not in ids and hashlib.sha256(token.encode()).hexdigest() in ids


def test_every_login_gets_a_new_id_even_when_a_cookie_was_planted(site):
    client = site.client()
    client.cookies.set("tz_session", "planted-by-an-attacker", domain="127.0.0.1")
    site.login("renshe", client=client)
    first = _cookie(client)
    assert first != "planted-by-an-attacker"
    assert _cookie(site.login("renshe")) != first


def test_cookie_flags_over_http_and_over_tls(site):
    for base, secure in (("http://127.0.0.1", False), ("https://127.0.0.1", True)):
        client = site.client(base)
        response = site.password_step(client, "renshe")
        cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith("tz_session="))
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert ("Secure" in cookie) is secure


def test_idle_and_absolute_timeouts(site):
    client = site.login("renshe")
    token = _cookie(client)
    with site.database.reading() as s:
        row = s.get(WebSession, hashlib.sha256(token.encode()).hexdigest())
        start = row.created_at
        found = lambda now: accounts.find_session(token, session=s, idle=IDLE, absolute=ABSOLUTE, now=now).state  # noqa: E731
        assert found(start + timedelta(minutes=29)) == "stale"  # still valid; its timer gets touched
        assert found(start + timedelta(minutes=31)) == "expired"
    # kept busy every 20 minutes, it still ends after 12 hours
    with site.database.writing() as s:
        for minutes in range(20, 12 * 60, 20):
            accounts.touch_session(token, session=s, now=start + timedelta(minutes=minutes))
        assert accounts.find_session(token, session=s, idle=IDLE, absolute=ABSOLUTE,
                                     now=start + timedelta(hours=11, minutes=59)).state != "expired"
        assert accounts.find_session(token, session=s, idle=IDLE, absolute=ABSOLUTE,
                                     now=start + timedelta(hours=12, minutes=1)).state == "expired"


def test_an_idle_session_ends_and_the_timeout_is_audited(site):
    client = site.login("renshe")
    with site.database.writing() as s:
        s.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
        s.commit()
    response = client.get("/tasks", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert client.get("/api/v1/me").status_code == 401
    with site.database.reading() as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "session.timeout",
                                                 AuditEvent.actor_name == "renshe")) is not None
        assert s.scalars(select(WebSession)).all() == []


def test_logout_ends_every_session_of_the_user(site):
    desk, laptop = site.login("renshe"), site.login("renshe")
    other = site.login("jiaoyu")
    page = desk.get("/account/password")
    desk.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert desk.get("/api/v1/me").status_code == 401
    assert laptop.get("/api/v1/me").status_code == 401
    assert other.get("/api/v1/me").status_code == 200


def test_disabling_a_user_ends_their_sessions_at_once(site):
    client = site.login("renshe")
    with site.database.writing() as s:
        admin = s.scalar(select(User).where(User.username == "admin1"))
        accounts.set_active(user_named(site.database, "renshe").id, False, session=s,
                            actor=accounts.actor_for(admin))
    assert client.get("/api/v1/me").status_code == 401
    assert site.password_step(site.client(), "renshe").status_code == 401

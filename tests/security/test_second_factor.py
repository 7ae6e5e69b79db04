"""The second factor (RFC 6238): required for the administrators and the 督查室, available to
everyone; codes are single-use; three wrong codes send the user back to the password."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from sqlalchemy import select

from taizhang.auth import service as accounts
from taizhang.auth import totp
from taizhang.auth.models import User
from taizhang.db.base import utcnow
from taizhang.privacy.crypto import load_key
from tests.security.conftest import csrf_of, user_named


def _code_page(site, client, username):
    step = site.password_step(client, username)
    assert step.status_code == 303 and step.headers["location"].startswith("/login/code")
    return client.get(step.headers["location"])


def test_a_supervisor_must_enrol_and_enter_a_code_before_anything_else(site):
    client = site.client()
    page = _code_page(site, client, "office")
    assert "<svg" in page.text and "动态口令" in page.text  # the QR code to scan, and the secret
    half_open = client.cookies.get("tz_session")
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/tasks", follow_redirects=False).status_code == 303
    secret = site.secret_of("office", page.text)
    done = client.post("/login/code", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text),
                                            "next": "/tasks"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/tasks"
    assert client.cookies.get("tz_session") != half_open  # a new session id after the second factor
    assert client.get("/api/v1/me").json()["username"] == "office"
    assert user_named(site.database, "office").totp_enabled


def test_three_wrong_codes_end_the_attempt(site):
    site.login("office")  # enrolled
    client = site.client()
    page = _code_page(site, client, "office")
    token = csrf_of(page.text)
    for _attempt in range(3):
        response = client.post("/login/code", data={"code": "000000", "csrf_token": token, "next": "/"},
                               follow_redirects=False)
        assert response.status_code == 401
    assert "重新输入用户名和密码" in response.text
    right = pyotp.TOTP(site.secrets["office"]).now()
    late = client.post("/login/code", data={"code": right, "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert late.status_code == 303 and late.headers["location"] == "/login"  # the half-open session is gone
    assert client.get("/api/v1/me").status_code == 401


def test_a_code_works_only_once(site):
    site.login("office")
    code = pyotp.TOTP(site.secrets["office"]).now()
    first = site.client()
    page = _code_page(site, first, "office")
    # Accepted if the clock has moved to a new step since the enrolment login, refused otherwise…
    first.post("/login/code", data={"code": code, "csrf_token": csrf_of(page.text), "next": "/"})
    second = site.client()
    page = _code_page(site, second, "office")
    again = second.post("/login/code", data={"code": code, "csrf_token": csrf_of(page.text), "next": "/"},
                        follow_redirects=False)
    assert again.status_code == 401  # …but never a second time


def test_codes_of_the_next_step_are_accepted_and_earlier_ones_refused():
    secret = totp.new_secret()
    now = utcnow()
    step = totp.matching_step(secret, pyotp.TOTP(secret).at(now), now, None)
    assert step == totp.step_of(now)
    later = now + timedelta(seconds=30)
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(later), later, step) == step + 1
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(now), later, step) is None  # replay
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(now - timedelta(minutes=5)), now, None) is None


def test_other_roles_log_in_with_the_password_and_may_opt_in(site):
    client = site.login("renshe")
    assert client.get("/api/v1/me").status_code == 200
    page = client.get("/account/second-factor")
    client.post("/account/second-factor", data={"csrf_token": csrf_of(page.text)})
    page = client.get("/account/second-factor")
    secret = site.secret_of("renshe", page.text)
    wrong = client.post("/account/second-factor/confirm", data={"code": "123456", "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 422 and not user_named(site.database, "renshe").totp_enabled
    client.post("/account/second-factor/confirm",
                data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text)})
    assert user_named(site.database, "renshe").totp_enabled
    step = site.password_step(site.client(), "renshe")
    assert step.headers["location"].startswith("/login/code")


def test_the_secret_is_stored_encrypted(site):
    site.login("office")
    stored = user_named(site.database, "office").totp_secret
    secret = site.secrets["office"]
    assert stored.startswith("v1:") and secret not in stored
    assert load_key(site.settings.key_file).decrypt(stored) == secret


def test_a_security_admin_resets_a_lost_second_factor(site):
    site.login("office")
    old_secret = site.secrets["office"]
    with site.database.writing() as s:
        office = s.scalar(select(User).where(User.username == "office"))
        secadmin = s.scalar(select(User).where(User.username == "secadmin1"))
        accounts.reset_second_factor(office.id, session=s, actor=accounts.actor_for(secadmin))
    page = _code_page(site, site.client(), "office")
    assert "<svg" in page.text  # enrol again
    assert site.secret_of("office", page.text) != old_secret

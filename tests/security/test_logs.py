"""No secrets in logs, even with every SQL statement and its parameters logged: a login with the
second factor, a password change and a logout leave no password, session id or secret behind.
(Every test of the suite also runs under tests/conftest.py's no_secrets_in_logs check.)"""

from __future__ import annotations

import logging

from tests.security.conftest import PASSWORD, csrf_of

NEW_PASSWORD = "Harbor-Lantern#58x"


def test_the_login_flow_leaves_no_secret_in_the_logs(site, caplog):
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # statements with their parameters
    client = site.login("office")
    session_id = client.cookies.get("tz_session")
    page = client.get("/account/password")
    client.post("/account/password", data={"csrf_token": csrf_of(page.text), "current": PASSWORD,
                                           "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    logged = caplog.text
    assert "INSERT INTO audit_event" in logged  # the capture really saw the SQL
    for secret in (PASSWORD, NEW_PASSWORD, session_id, site.secrets["office"]):
        assert secret not in logged

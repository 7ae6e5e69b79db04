"""The web layer's guards: JSON only on the API, same-origin cookie writes, CSRF, security headers
on every response, rate limits with 429 and Retry-After."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from taizhang.auth.models import RateCount
from taizhang.web.ratelimit import SharedWindow
from tests.security.conftest import csrf_of, make_site


def _csrf(client) -> str:
    return csrf_of(client.get("/account/password").text)


def test_the_api_accepts_only_json_bodies(site):
    client = site.login("renshe")
    response = client.post("/api/v1/notices/1/reply", content="answer=已报送",
                           headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": _csrf(client)})
    assert response.status_code == 415 and "JSON" in response.json()["error"]["message"]


def test_cookie_writes_from_another_site_are_refused(site):
    client = site.login("renshe")
    token = _csrf(client)
    foreign = client.post("/logout", data={"csrf_token": token}, headers={"Origin": "https://evil.example"},
                          follow_redirects=False)
    assert foreign.status_code == 403
    assert client.get("/api/v1/me").status_code == 200  # still logged in
    own = client.post("/logout", data={"csrf_token": token}, headers={"Origin": "http://127.0.0.1"},
                      follow_redirects=False)
    assert own.status_code == 303


def test_cookie_writes_without_the_csrf_token_are_refused(site):
    client = site.login("renshe")
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.post("/api/v1/notices/1/read").status_code == 403
    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("path", ["/login", "/tasks", "/api/v1/me", "/api/v1/tasks", "/no-such-page",
                                  "/api/v1/no-such-route", "/static/css/app.css"])
def test_every_response_carries_the_security_headers(site, path):
    client = site.login("renshe")
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Request-ID"]


def _freeze_rate_windows(site) -> None:
    """Keep the test inside one fixed window, whatever the wall clock does meanwhile."""
    for window in (site.app.state.rate_limits.per_credential, site.app.state.rate_limits.per_address):
        window.clock = lambda: 1_800_000_030.0


def test_a_user_over_the_limit_gets_429_with_retry_after(database, seed_text, tmp_path):
    site = make_site(database, seed_text, tmp_path, rate_limit_per_minute=10)
    _freeze_rate_windows(site)
    client = site.login("renshe")
    answers = [client.get("/api/v1/me") for _ in range(12)]
    limited = [r for r in answers if r.status_code == 429]
    assert limited and all(r.status_code == 200 for r in answers[: 10 - 1])
    assert limited[0].headers["Retry-After"] == "30"  # the rest of the frozen minute
    assert limited[0].json()["error"]["code"] == "rate_limited"
    other = site.login("jiaoyu")  # the limit is per user
    assert other.get("/api/v1/me").status_code == 200


def test_an_address_over_the_login_limit_gets_429(database, seed_text, tmp_path):
    site = make_site(database, seed_text, tmp_path, login_rate_per_minute=5)
    _freeze_rate_windows(site)
    client = TestClient(site.app, base_url="http://127.0.0.1")
    statuses = [client.get("/login").status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    refused = client.post("/login", data={"username": "renshe", "password": "x"})
    assert refused.status_code == 429 and "频繁" in refused.text and refused.headers["Retry-After"]


def _admit(window: SharedWindow, key: str) -> float:
    """What the middleware does: count, exchange with the table when due, then judge."""
    total, due = window.count(key)
    if due:
        total = window.exchange(key)
    return window.wait(total)


def test_each_key_gets_its_limit_per_window_and_a_new_window_starts_afresh(database):
    now = [1_800_000_000.0]
    window = SharedWindow(limit=2, database=database, clock=lambda: now[0])
    assert _admit(window, "a") == 0 and _admit(window, "a") == 0
    assert _admit(window, "a") == 60 and _admit(window, "b") == 0
    now[0] += 30
    assert _admit(window, "a") == 30
    now[0] += 30.5
    assert _admit(window, "a") == 0


def test_processes_sharing_a_database_share_one_count(database):
    """Two windows on one database stand for two server processes (tests/workload/test_processes.py
    runs the real thing): requests alternating between them meet one limit, not one each."""
    now = [1_800_000_000.0]
    one, two = (SharedWindow(limit=4, database=database, clock=lambda: now[0]) for _ in range(2))
    waits = [_admit(one if i % 2 else two, "who:shared") for i in range(6)]
    assert waits == [0, 0, 0, 0, 60, 60]


def test_a_large_limit_counts_in_memory_and_exchanges_in_batches(database):
    now = [1_800_000_000.0]
    one, two = (SharedWindow(limit=200, database=database, clock=lambda: now[0]) for _ in range(2))
    for _ in range(25):
        assert _admit(one, "who:busy") == 0 and _admit(two, "who:busy") == 0
    with database.reading() as session:  # batches of 200 / 20 = 10: the last few are still in memory
        assert 40 <= session.scalar(select(RateCount.count).where(RateCount.key == "who:busy")) < 50
    two.exchange("who:busy")
    assert one.exchange("who:busy") == 50


def test_even_a_server_error_carries_the_headers_and_no_detail(site):
    def boom() -> None:
        raise RuntimeError("secret internals")

    site.app.add_api_route("/api/v1/probe-boom", boom)
    response = TestClient(site.app, raise_server_exceptions=False).get("/api/v1/probe-boom")
    assert response.status_code == 500 and response.json()["error"]["code"] == "internal"
    assert "secret internals" not in response.text
    assert response.headers["X-Content-Type-Options"] == "nosniff" and response.headers["X-Request-ID"]

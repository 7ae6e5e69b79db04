"""Two server processes on one database behave as one: a session opened through one works on the
other and ends on both, an API token works on both (``taizhang serve --workers N`` or N hosts behind
a proxy). Runs on PostgreSQL (the production set-up) and on SQLite (one file, several processes)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import select

from taizhang.auth import service as accounts
from taizhang.auth.models import User
from taizhang.auth.permissions import Actor
from taizhang.ledger.models import Unit

pytestmark = pytest.mark.slow
STARTUP_SECONDS = 30
RATE_LIMIT = 10  # requests per credential per minute, small enough that every request is counted in the table


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"服务进程已退出：{process.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            httpx.get(url + "/login", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"服务在 {STARTUP_SECONDS} 秒内未启动：{url}")


@pytest.fixture
def servers(database_url, tmp_path) -> Iterator[list[str]]:
    """Two `uvicorn` processes of the app on 127.0.0.1, sharing nothing but the database."""
    env = {**os.environ, "TAIZHANG_DATABASE_URL": database_url, "TAIZHANG_ENVIRONMENT": "test",
           "TAIZHANG_DATA_DIR": str(tmp_path), "TAIZHANG_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT)}
    processes, urls = [], []
    try:
        for _ in range(2):
            port = _free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "taizhang.web.app:create_app", "--factory", "--host", "127.0.0.1",
                 "--port", str(port), "--log-level", "warning"],
                env=env, cwd=Path(__file__).resolve().parents[2], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            processes.append(process)
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            _wait(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def account(database) -> tuple[str, str, str]:
    """A unit reporter (no second factor) with a one-time password and an API token."""
    with database.writing() as session:
        unit = Unit(name="多进程测试单位", short_name="测试单位", kind="department")
        session.add(unit)
        session.commit()
        created = accounts.create_user("twoprocs", session=session, actor=Actor.system(), role="reporter",
                                       unit_id=unit.id)
        user_id = session.scalar(select(User.id).where(User.username == "twoprocs"))
        _, token = accounts.create_token(user_id, "两进程", session=session, actor=Actor.system())
    return created.username, created.password, token


def _login(base: str, username: str, password: str) -> httpx.Cookies:
    with httpx.Client(base_url=base) as client:
        form = client.get("/login")
        csrf = form.cookies.get("tz_login_csrf")
        response = client.post("/login", data={"username": username, "password": password, "csrf_token": csrf})
        assert response.status_code == 303, response.text[:500]
        return client.cookies


def test_a_session_opened_on_one_process_works_and_ends_on_the_other(servers, account):
    one, two = servers
    username, password, _ = account
    cookies = _login(one, username, password)
    for base in (one, two):
        me = httpx.get(base + "/api/v1/me", cookies=cookies)
        assert me.status_code == 200 and me.json()["username"] == username, me.text
    with httpx.Client(base_url=two, cookies=cookies) as client:
        page = client.get("/account/password")
        csrf = client.cookies.get("tz_session") and _csrf_from(page.text)
        assert client.post("/logout", data={"csrf_token": csrf}, headers={"Origin": two}).status_code in (303, 200)
    assert httpx.get(one + "/api/v1/me", cookies=cookies).status_code == 401


def _csrf_from(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def test_an_api_token_works_on_both_processes(servers, account):
    *_, token = account
    for base in servers:
        response = httpx.get(base + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text


def test_a_rate_limit_holds_across_processes(servers, account):
    """Requests alternating between the two processes meet one limit of 10 a minute, not 10 each."""
    *_, token = account
    seconds_left = 60 - time.time() % 60
    if seconds_left < 15:  # the limit counts in fixed minutes: start in a fresh one
        time.sleep(seconds_left + 0.5)
    answers = [httpx.get(servers[i % 2] + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
               for i in range(RATE_LIMIT + 2)]
    assert [a.status_code for a in answers] == [200] * RATE_LIMIT + [429, 429]
    assert all(1 <= int(a.headers["Retry-After"]) <= 60 for a in answers[RATE_LIMIT:])

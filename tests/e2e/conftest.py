"""End-to-end tests in real headless Chromium (Debian's /usr/bin/chromium through Playwright — never a
browser download) against a server the test starts on 127.0.0.1. Each test saves a full-page
screenshot under test-artifacts/e2e/; every request the browser makes is recorded."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select

from taizhang.auth.passwords import hash_password
from taizhang.ledger import service as ledger
from taizhang.ledger.models import Policy
from taizhang.web.app import create_app
from tests.conftest import app_settings
from tests.workflow.conftest import build_world

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
PASSWORD = "Ganzhou-E2e#2020"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter):
    if ARTIFACTS.exists() and any(ARTIFACTS.iterdir()):
        terminalreporter.write_line(f"端到端测试截图：{ARTIFACTS}")


@dataclass
class Site:
    base: str
    world: object
    ids: dict = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(database, seed_text, tmp_path) -> Iterator[Site]:
    """The seed with counties and accounts, judged as of 2020-06-24 (the first reports are due on the
    25th), with 全年返还企业失业保险费3000万元 split between 章贡区 and 南康区; served by uvicorn on a
    free 127.0.0.1 port."""
    with database.writing() as s:
        world = build_world(s, seed_text)
        for user in world.users.values():
            user.password_hash = hash_password(PASSWORD)
        s.scalar(select(Policy)).as_of = date(2020, 6, 24)
        task = world.task("1")
        refund = task.indicators[0]
        split = ledger.decompose(task.id, [
            ledger.SubtaskSpec(unit_id=world.unit("章贡区").id, targets={refund.id: 15_000_000}),
            ledger.SubtaskSpec(unit_id=world.unit("南康区").id, targets={refund.id: 15_000_000}),
        ], session=s, actor=world.office)
        s.commit()
        ids = {"parent": task.id, "zhanggong": split.created[0], "nankang": split.created[1]}
    settings = app_settings(tmp_path)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, database), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "测试服务器未能启动"
    yield Site(base=f"http://127.0.0.1:{port}", world=world, ids=ids)
    server.should_exit = True
    thread.join(timeout=10)


@dataclass
class Browser:
    browser: object
    requests: list[str] = field(default_factory=list)

    def user(self, site: Site, username: str):
        """A fresh browser context logged in as ``username``."""
        context = self.browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        page.on("request", lambda r: self.requests.append(r.url))
        page.goto(f"{site.base}/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page


@pytest.fixture
def browser(chromium) -> Iterator[Browser]:
    b = Browser(browser=chromium)
    yield b
    for context in chromium.contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

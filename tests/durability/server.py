"""The web application served by uvicorn in a process of its own, listening on 127.0.0.1 only."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import SecretStr

from taizhang.settings import Settings

STARTUP_SECONDS = 120  # a loaded machine takes its time to import the application


def settings_environment(settings: Settings) -> dict[str, str]:
    """The settings as the TAIZHANG_* variables that make a new process read the same ones."""
    env = {}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        env[f"TAIZHANG_{name.upper()}"] = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
    return env


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """``uvicorn --factory taizhang.web.app:create_app`` with these settings; yields its base URL."""
    port = _free_port()
    log_path = Path(settings.data_dir) / "server.log"
    command = [sys.executable, "-m", "uvicorn", "--factory", "taizhang.web.app:create_app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]
    with open(log_path, "wb") as log:
        # The data directory as working directory: no developer's .env is read.
        process = subprocess.Popen(command, env={**os.environ, **settings_environment(settings)},
                                   cwd=settings.data_dir, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(port, process, log_path)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(port: int, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("测试服务器启动失败：\n" + log_path.read_text("utf-8", errors="replace"))
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/login")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("测试服务器未能在限定时间内启动：\n" + log_path.read_text("utf-8", errors="replace"))

"""Handles on the writer processes (tests/durability/writer.py) the tests start, watch and kill."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 120  # generous: the machine may be busy; a healthy writer answers in well under a second


class Lines:
    """A process's stdout, read line by line on a thread so that waiting for a line can time out."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for raw in self.process.stdout:
            self.queue.put(raw.decode("utf-8").rstrip("\n"))
        self.queue.put(None)

    def next(self) -> str:
        try:
            line = self.queue.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            raise AssertionError("写入进程没有按时应答") from None
        if line is None:
            stderr = self.process.stderr.read().decode("utf-8", errors="replace") if self.process.stderr else ""
            raise AssertionError("写入进程意外退出：\n" + stderr)
        return line


def _start(url: str, username: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.durability.writer", url, username, *extra], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def parse_ack(line: str) -> tuple[int, str]:
    kind, report_id, checksum = line.split()
    assert kind == "ack", line
    return int(report_id), checksum


class Writer:
    """One writer saving reports until it is killed; ``acknowledged`` grows as it reports commits."""

    def __init__(self, url: str, username: str) -> None:
        self.process = _start(url, username)
        self.lines = Lines(self.process)
        self.acknowledged: dict[int, str] = {}

    def wait_for(self, count: int) -> None:
        """Until ``count`` more commits have been acknowledged."""
        target = len(self.acknowledged) + count
        while len(self.acknowledged) < target:
            report_id, checksum = parse_ack(self.lines.next())
            self.acknowledged[report_id] = checksum

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.process.stdin.close()


class ForkingWriter:
    """A process that has imported the application once and forks a fresh writer on request."""

    def __init__(self, url: str, username: str) -> None:
        self.process = _start(url, username, "--forks")
        self.lines = Lines(self.process)

    def fork(self) -> int:
        self.process.stdin.write(b"fork\n")
        self.process.stdin.flush()
        kind, pid = self.lines.next().split()
        assert kind == "child"
        return int(pid)

    def kill_and_reap(self, pid: int) -> dict[int, str]:
        """SIGKILL the child; then every commit it acknowledged before it died."""
        os.kill(pid, signal.SIGKILL)
        self.process.stdin.write(b"reap\n")
        self.process.stdin.flush()
        acknowledged = {}
        while (line := self.lines.next()) != "reaped":
            if line != "done":
                report_id, checksum = parse_ack(line)
                acknowledged[report_id] = checksum
        return acknowledged

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=WAIT_SECONDS)

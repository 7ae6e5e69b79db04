"""What a test needs from the machine — a program (soffice, pdftoppm, chromium), a font, a server, a
data file — said in one place. Without it a test skips on a developer's machine, saying what is
missing and how to install it, and fails under CI (``CI`` set to true/1/yes), where a missing tool is
a broken environment, not a reason to skip."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def need(available: bool, what: str, install_hint: str) -> None:
    """Go on when ``available``; otherwise skip here, or fail under CI.

    ``need(shutil.which("pdftoppm") is not None, "poppler-utils（pdftoppm）", "sudo apt-get install poppler-utils")``
    """
    if available:
        return
    if in_ci():
        pytest.fail(f"CI 中必须具备{what}：{install_hint}", pytrace=False)
    pytest.skip(f"本机缺少{what}，跳过（CI 中会失败）：{install_hint}")

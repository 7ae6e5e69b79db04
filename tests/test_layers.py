"""The layers hold: every import-linter contract in ``.importlinter`` is kept, and no migration imports
the application (a migration does what it did the day it was written, whatever the code becomes)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "taizhang" / "db" / "migrations" / "versions"


def test_every_import_contract_is_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--config", str(ROOT / ".importlinter"), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    report = result.stdout[result.stdout.find("Contracts"):] + result.stderr
    assert result.returncode == 0, report


@pytest.mark.parametrize("migration", sorted(MIGRATIONS.glob("*.py")), ids=lambda path: path.stem)
def test_a_migration_imports_no_application_code(migration):
    tree = ast.parse(migration.read_text("utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name == "taizhang" or name.startswith("taizhang.")]

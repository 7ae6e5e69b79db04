"""The command line: parse options, open resources, call one library or service function, print.

``app`` is the ``taizhang`` entry point. The top-level commands are declared below in the order
``taizhang --help`` lists them; each group (``db``, ``rules``, ``audit``) is a Typer of its own module.
Every module imports what it shares from ``common``; none imports this package, so there is no cycle.
"""

from __future__ import annotations

import typer

from taizhang.cli import admin, database, ledger
from taizhang.cli.rules import rules_app

app = typer.Typer(
    name="taizhang",
    help="重点任务推进台账：把政策文件解析为任务台账，跟踪落实、计算兑现。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

COMMANDS = (
    ("parse", ledger.parse_command),
    ("import", ledger.import_command),
    ("tasks", ledger.tasks_command),
    ("export", ledger.export_command),
    ("bulletin", ledger.bulletin_command),
    ("eval", ledger.eval_command),
    ("backup", database.backup_command),
    ("restore", database.restore_command),
    ("init", admin.init_command),
    ("demo", admin.demo_command),
    ("lights", admin.lights_command),
    ("token-create", admin.token_create_command),
    ("serve", admin.serve_command),
    ("worker", admin.worker_command),
    ("user-create", admin.user_create_command),
    ("load-workload", admin.load_workload_command),
)
GROUPS = (("db", database.db_app), ("rules", rules_app), ("audit", database.audit_app))

for _name, _command in COMMANDS:
    app.command(_name)(_command)
for _name, _group in GROUPS:
    app.add_typer(_group, name=_name)


def main() -> None:  # pragma: no cover
    app()

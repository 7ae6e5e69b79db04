"""What every command shares: the two consoles, one way to turn an error into a Chinese message and
exit status 1, the configured database, tables, warnings, dates and JSON on standard output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError

from taizhang.errors import TaizhangError

if TYPE_CHECKING:
    from taizhang.db.engine import Database

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def friendly_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print a TaizhangError's Chinese message and exit 1 instead of a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TaizhangError as exc:
            err.print(f"[red]错误：[/red]{exc.message}")
            for d in exc.details:
                err.print(f"  - {d}")
            raise typer.Exit(1) from None
        except FileNotFoundError as exc:
            err.print(f"[red]错误：[/red]找不到文件“{exc.filename}”。")
            raise typer.Exit(1) from None
        except IsADirectoryError as exc:
            err.print(f"[red]错误：[/red]“{exc.filename}”是一个目录，不是文件。")
            raise typer.Exit(1) from None
        except OperationalError as exc:
            if exc.connection_invalidated or "unable to open" in str(exc.orig) or "connect" in str(exc.orig).lower():
                err.print(f"[red]错误：[/red]无法连接数据库（TAIZHANG_DATABASE_URL）：{_first_line(exc.orig)}")
                raise typer.Exit(1) from None
            raise

    return wrapper


def _first_line(error: BaseException | None) -> str:
    return str(error).strip().splitlines()[0] if error and str(error).strip() else "未知原因"


def open_database(*, migrated: bool = True) -> Database:
    """The configured database; by default it must already have the current schema."""
    from taizhang.db.engine import Database
    from taizhang.db.migrate import require_current
    from taizhang.settings import get_settings

    database = Database.from_url(get_settings().database_url)
    if migrated:
        require_current(database.engine)
    return database


def table(*headers: str) -> Table:
    result = Table(show_lines=True)
    for h in headers:
        result.add_column(h, overflow="fold")
    return result


def warn(warnings: tuple[str, ...] | list[str]) -> None:
    for w in warnings:
        err.print(f"[yellow]提示：[/yellow]{w}")


def print_json(value: Any) -> None:
    """JSON for other programs: on standard output, not through the console (no wrapping, no markup)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")

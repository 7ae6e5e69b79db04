"""The database itself: ``db upgrade`` and ``db current`` (the schema), ``backup`` and ``restore``,
``audit verify`` (the audit trail's hash chain)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taizhang.cli.common import err, friendly_errors, open_database, out, warn

db_app = typer.Typer(help="数据库管理。", no_args_is_help=True, pretty_exceptions_enable=False)
audit_app = typer.Typer(help="审计记录。", no_args_is_help=True, pretty_exceptions_enable=False)


@db_app.command("upgrade")
@friendly_errors
def db_upgrade() -> None:
    """创建或升级数据库结构到最新版本。"""
    from taizhang.db.migrate import current_revision, upgrade

    database = open_database(migrated=False)
    upgrade(database.engine)
    out.print(f"数据库结构已是最新版本（{current_revision(database.engine)}）。")


@db_app.command("current")
@friendly_errors
def db_current() -> None:
    """显示数据库结构的当前版本。"""
    from taizhang.db.migrate import current_revision

    out.print(current_revision(open_database(migrated=False).engine) or "数据库尚未初始化：请运行 taizhang db upgrade。")


@friendly_errors
def backup_command(
    file: Annotated[Path, typer.Argument(help="备份文件路径，如 taizhang-20201125.tar", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的同名文件")] = False,
) -> None:
    """备份数据库（SQLite 在线备份 / PostgreSQL pg_dump）到一个文件，附各表行数与校验和清单；备份时可照常使用。"""
    from taizhang.auth.permissions import Actor
    from taizhang.db.backup import create_backup

    result = create_backup(open_database(migrated=False), file, actor=Actor.system(), overwrite=force)
    manifest = result.manifest
    out.print(f"已备份到 {result.path}：{len(manifest.tables)} 张表、{manifest.rows} 行，"
              f"{result.size / 1_048_576:.1f} MB，用时 {result.seconds:.1f} 秒（数据库结构版本 {manifest.revision}）。")
    out.print(f"内容校验和：{manifest.digest}")
    if not result.audited:
        warn(["数据库结构不是最新版本，本次备份未写入审计记录（升级请运行 taizhang db upgrade）。"])
    warn(["个人信息加密密钥（data.key）不在备份中，请与备份文件分开妥善保存。"])


@friendly_errors
def restore_command(
    file: Annotated[Path, typer.Argument(help="taizhang backup 生成的备份文件", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="目标数据库不是空的也恢复（覆盖其中全部数据）")] = False,
) -> None:
    """从备份文件恢复数据库：目标须为空库（或加 --force），恢复后逐表核对行数与校验和，不符即报错。"""
    from taizhang.auth.permissions import Actor
    from taizhang.db.backup import restore_backup

    result = restore_backup(open_database(migrated=False), file, actor=Actor.system(), force=force)
    manifest = result.manifest
    out.print(f"已从 {file} 恢复 {manifest.created_at} 的备份：{len(manifest.tables)} 张表、{manifest.rows} 行，"
              f"行数与校验和均与清单一致（用时 {result.seconds:.1f} 秒）。")
    if result.upgraded_to:
        out.print(f"备份的数据库结构版本（{manifest.revision}）较旧，已升级到 {result.upgraded_to}。")


@audit_app.command("verify")
@friendly_errors
def audit_verify() -> None:
    """校验审计记录的哈希链：报告第一条被修改或删除的记录（链断开时以非零状态退出）。"""
    from taizhang.audit.service import verify_chain
    from taizhang.auth.permissions import Actor

    with open_database().reading() as session:
        report = verify_chain(session=session, actor=Actor.system())
    if report.broken_at is not None:
        err.print(f"[red]审计哈希链断开：[/red]{report.reason}。此前 {report.checked} 条记录完好。")
        raise typer.Exit(1)
    out.print(f"审计哈希链完好：已校验 {report.checked} 条记录。")

"""Setting up and running the system: ``init``, ``demo``, ``lights``, ``token-create``, ``serve``,
``worker``, ``user-create`` and ``load-workload``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from taizhang.cli.common import friendly_errors, open_database, out
from taizhang.errors import TaizhangError

EXAMPLE = "ganzhou-2020-liuwen-liubao.txt"


@friendly_errors
def init_command(
    example: Annotated[bool, typer.Option(help="数据库为空时导入示例文件（赣州“六稳六保”若干措施）")] = True,
    demo: Annotated[bool, typer.Option("--demo", help="数据库为空时载入演示数据（含示例文件、县区、用户、各月进展）")] = False,
) -> None:
    """首次运行：升级数据库、导入示例文件或演示数据（数据库为空时）、创建管理员账号（仅首次，显示一次性密码）。"""
    from taizhang.auth.permissions import Actor
    from taizhang.auth.service import ensure_first_accounts
    from taizhang.db.migrate import upgrade
    from taizhang.ledger.service import has_policies, import_policy
    from taizhang.policy.parse import parse_text
    from taizhang.privacy.crypto import load_key
    from taizhang.settings import get_settings

    settings = get_settings()
    key_existed = settings.key_file.exists()
    load_key(settings.key_file, create=True)
    if not key_existed:
        out.print(f"已生成个人信息加密密钥：{settings.key_file}（请与数据库分开妥善备份，丢失后加密数据无法恢复）")
    database = open_database(migrated=False)
    upgrade(database.engine)
    with database.writing() as session:
        empty = not has_policies(session=session)
    if demo and empty:
        demo_command()
    with database.writing() as session:
        if example and not demo and empty:
            text = resources.files("taizhang.examples").joinpath(EXAMPLE).read_text("utf-8")
            result = import_policy(parse_text(text, name=EXAMPLE), session=session, actor=Actor.system(),
                                   source_name=EXAMPLE)
            out.print(f"示例文件：{result.message}")
        accounts = ensure_first_accounts(session=session)
    if accounts:
        out.print("[bold]已创建三员管理账号（密码只显示这一次，请立即登录修改并绑定动态口令）：[/bold]")
        for account in accounts:
            out.print(f"  用户名：{account.username}  密码：{account.password}")


@friendly_errors
def demo_command() -> None:
    """载入演示数据：赣州示例文件、18个县（市、区）、各角色用户、6—11月的进展、审核、催办督办（按2020年11月25日计算）。"""
    from taizhang.auth.permissions import Actor
    from taizhang.db.migrate import upgrade
    from taizhang.demo.service import AS_OF, load_demo

    database = open_database(migrated=False)
    upgrade(database.engine)
    with database.writing() as session:
        try:
            result = load_demo(session=session, actor=Actor.system())
        except ValueError as exc:
            raise TaizhangError(str(exc)) from None
    if not result.created:
        out.print("演示数据已载入，未做更改。")
        return
    out.print(f"[bold]已载入演示数据[/bold]（按 {AS_OF:%Y年%-m月%-d日} 计算预警灯）。")
    out.print("预警灯：" + "，".join(f"{k} {v}项" for k, v in sorted(result.lights.items())))
    out.print(f"演示用户共 {len(result.users)} 个，密码均为：{result.password}（只显示这一次）")
    for username, role, label in result.users[:6]:
        out.print(f"  {username:<10} {role:<10} {label}")
    out.print("  …（其余为各部门、各县的填报员：dept01…、county01…）")


@friendly_errors
def lights_command() -> None:
    """重新计算所有任务的预警灯和完成状态（建议每天运行一次）。"""
    from taizhang.ledger.service import refresh_ledger

    with open_database().writing() as session:
        count = refresh_ledger(session=session)
    out.print(f"已更新 {count} 项任务的预警灯。")


@friendly_errors
def token_create_command(
    username: Annotated[str, typer.Argument(help="令牌所属用户")],
    name: Annotated[str, typer.Option(help="令牌用途，如“省平台对接”")] = "API",
) -> None:
    """为用户创建 API 令牌（明文只显示这一次，数据库只存其哈希）。"""
    from taizhang.auth.permissions import Actor
    from taizhang.auth.service import create_token_for

    with open_database().writing() as session:
        _, secret = create_token_for(username, name, session=session, actor=Actor.system())
    out.print(f"已为 {username} 创建令牌（请妥善保存，只显示这一次）：{secret}")


@friendly_errors
def serve_command(
    host: Annotated[str | None, typer.Option(help="监听地址（默认取配置，127.0.0.1）")] = None,
    port: Annotated[int | None, typer.Option(help="端口（默认取配置，8000）")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64,
                                         help="工作进程数（会话、限流计数、后台任务都在数据库中，多进程如同一个）")] = 1,
) -> None:
    """启动 Web 服务（--workers N 启动 N 个进程共同服务）。"""
    import uvicorn

    from taizhang.settings import get_settings

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    out.print(f"台账服务已启动：http://{host}:{port}/（{workers} 个进程，按 Ctrl+C 停止）")
    uvicorn.run("taizhang.web.app:create_app", factory=True, host=host, port=port, log_level="warning",
                proxy_headers=False, workers=workers)


@friendly_errors
def worker_command(
    until_idle: Annotated[bool, typer.Option("--until-idle", help="没有到期任务时退出（供定时任务调用）")] = False,
    daily: Annotated[bool, typer.Option("--daily/--no-daily", help="每天自动排入预警灯刷新等例行任务")] = True,
    max_jobs: Annotated[int | None, typer.Option("--max-jobs", min=1, help="最多运行的任务数")] = None,
) -> None:
    """运行后台任务（可在多台主机上同时运行多个，每项任务只由一个进程执行）。"""
    from taizhang.jobs.worker import run_worker

    done = run_worker(open_database(), until_idle=until_idle, daily=daily, max_jobs=max_jobs)
    out.print(f"后台任务进程已退出：共运行 {done} 项任务。")


@friendly_errors
def user_create_command(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option(help="角色：supervisor 督查室、reporter 单位填报员、leader 领导；"
                                           "admin 系统管理员、security_admin 安全管理员、audit_admin 审计管理员")],
    unit: Annotated[str | None, typer.Option(help="所属单位（填报员必填），如“市人社局”")] = None,
    name: Annotated[str | None, typer.Option(help="显示名称")] = None,
) -> None:
    """创建用户，显示一次性密码（首次登录须修改）。"""
    from taizhang.auth.permissions import Actor
    from taizhang.auth.service import create_user
    from taizhang.ledger.service import find_units

    with open_database().writing() as session:
        unit_id = None
        if unit:
            units = find_units(session, unit)
            if not units:
                raise TaizhangError(f"找不到单位“{unit}”：单位来自已导入的政策文件中的责任单位。")
            unit_id = units[0].id
        account = create_user(username, session=session, actor=Actor.system(), role=role, display_name=name,
                              unit_id=unit_id)
    out.print(f"已创建用户 {account.username}，一次性密码：{account.password}")


@friendly_errors
def load_workload_command(
    directory: Annotated[Path, typer.Argument(help="gen_workload.py 生成的目录（units.csv、tasks.csv、reports.csv）")],
    state: Annotated[Path, typer.Option("--state", help="写入各单位 API 令牌的状态文件（负载发生器读取）")] = Path(
        "workload-state.json"),
) -> None:
    """把负载测试数据（单位、任务、进展报告）批量载入空数据库，并为每个单位创建账号和 API 令牌。"""
    from taizhang.auth.permissions import Actor
    from taizhang.workload.load import load_workload

    result = load_workload(directory, database=open_database(), actor=Actor.system(), state_path=state)
    counts = "，".join(f"{k} {v}" for k, v in result.counts.items())
    phases = "，".join(f"{k} {v}秒" for k, v in result.seconds.items())
    out.print(f"已载入负载数据：{counts}。")
    out.print(f"用时 {result.total_seconds:.1f} 秒（{phases}）；令牌已写入 {result.state_path}（请妥善保管）。")

"""The command line: parse options, open resources, call one library or service function, print."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError

from taizhang.errors import TaizhangError
from taizhang.fulfillment.cli import rules_app

app = typer.Typer(
    name="taizhang",
    help="重点任务推进台账：把政策文件解析为任务台账，跟踪落实、计算兑现。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="数据库管理。", no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(db_app, name="db")
app.add_typer(rules_app, name="rules")
audit_app = typer.Typer(help="审计记录。", no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(audit_app, name="audit")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXAMPLE = "ganzhou-2020-liuwen-liubao.txt"

FileArg = Annotated[Path, typer.Argument(help="政策文件路径（.txt，UTF-8/GBK/GB18030/UTF-16 均可）", show_default=False)]


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


def _database(*, migrated: bool = True):
    """The configured database; by default it must already have the current schema."""
    from taizhang.db.engine import Database
    from taizhang.db.migrate import require_current
    from taizhang.settings import get_settings

    database = Database.from_url(get_settings().database_url)
    if migrated:
        require_current(database.engine)
    return database


def _table(*headers: str) -> Table:
    table = Table(show_lines=True)
    for h in headers:
        table.add_column(h, overflow="fold")
    return table


def _warn(warnings: tuple[str, ...] | list[str]) -> None:
    for w in warnings:
        err.print(f"[yellow]提示：[/yellow]{w}")


# ---------------------------------------------------------------- documents


@app.command("parse")
@friendly_errors
def parse_command(
    file: FileArg,
    as_json: Annotated[bool, typer.Option("--json", help="输出完整的 JSON 结构")] = False,
) -> None:
    """解析政策文件，列出章节、措施、责任单位、量化指标和完成时限（不写数据库）。"""
    from taizhang.policy.parse import parse_file
    from taizhang.policy.serialize import policy_to_json

    policy = parse_file(file)
    _warn(policy.warnings)
    if as_json:
        sys.stdout.write(json.dumps(policy_to_json(policy), ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"[bold]{policy.title}[/bold]")
    out.print(f"发文机关：{policy.issuer or '—'}    印发日期：{policy.issued_on or '—'}    文号：{policy.doc_number or '—'}")
    table = _table("序号", "措施", "牵头单位", "配合单位", "量化指标", "完成时限")
    for m in policy.measures:
        table.add_row(
            m.no,
            m.title + ("（不完整）" if m.truncated else ""),
            "、".join(u.name for u in m.lead_units),
            "、".join(u.name for u in m.co_units) + ("等" if m.units_open else ""),
            "\n".join(q.quote for q in m.quantities),
            "\n".join(f"{d.quote}→{d.date or d.relative}" for d in m.deadlines),
        )
    out.print(table)
    out.print(f"共 {len(policy.sections)} 个部分、{len(policy.measures)} 项措施。")


@app.command("import")
@friendly_errors
def import_command(
    file: FileArg,
    template: Annotated[Path | None, typer.Argument(help="与 progress 连用：填好的进展填报模板（.xlsx）",
                                                    show_default=False)] = None,
    period: Annotated[str | None, typer.Option("--period", help="导入进展时核对的报送期，如 2020-11（默认本期）")] = None,
) -> None:
    """导入政策文件：每项措施生成一项任务，分配给牵头和配合单位。重复导入相同文件不做更改。
    taizhang import progress 文件.xlsx：导入单位填好的进展填报模板，全部保存为草稿或一项也不保存。"""
    from taizhang.auth.permissions import Actor
    from taizhang.ledger.service import import_policy
    from taizhang.policy.parse import parse_file

    if str(file) == "progress" and template is not None:
        _import_progress(template, period)
        return
    if template is not None:
        raise TaizhangError(f"多余的参数“{template}”：导入政策文件只需一个文件；导入进展请用 taizhang import progress 文件.xlsx。")
    policy = parse_file(file)
    _warn(policy.warnings)
    with _database().writing() as session:
        result = import_policy(policy, session=session, actor=Actor.system(), source_name=file.name)
    out.print(result.message)
    for change in result.changes:
        out.print(f"  · {change}")


@app.command("tasks")
@friendly_errors
def tasks_command(
    unit: Annotated[str | None, typer.Option("--unit", help="只看某单位（牵头或配合）的任务，如“市人社局”")] = None,
    due_before: Annotated[str | None, typer.Option("--due-before", help="只看此日期之前到期的任务（YYYY-MM-DD）")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200, help="最多显示的条数")] = 200,
) -> None:
    """列出当前台账中的任务。"""
    from taizhang.auth.permissions import Actor
    from taizhang.exports.wording import due_text, indicator_text, units_text
    from taizhang.ledger.service import list_tasks
    from taizhang.ledger.vocabulary import status_label

    before = _parse_date(due_before, "--due-before") if due_before else None
    with _database().reading() as session:
        page = list_tasks(session=session, actor=Actor.system(), unit=unit, due_before=before, limit=limit)
    table = _table("序号", "任务", "牵头单位", "配合单位", "量化目标", "完成时限", "状态")
    for row in page.items:
        table.add_row(
            row.measure_no, row.title, units_text(row.lead_units), units_text(row.co_units, row.units_open),
            "\n".join(indicator_text(i) for i in row.indicators), due_text(row), status_label(row.status),
        )
    out.print(table)
    out.print(f"共 {page.total} 项任务" + (f"，显示前 {len(page.items)} 项。" if page.total > len(page.items) else "。"))


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TaizhangError(f"{option} 的值“{text}”不是有效日期，请使用 YYYY-MM-DD 格式，如 2020-12-31。") from None


def _import_progress(path: Path, period: str | None) -> None:
    from taizhang.auth.permissions import Actor
    from taizhang.documents.service import import_progress
    from taizhang.settings import get_settings

    settings = get_settings()
    with path.open("rb") as handle:
        data = handle.read(settings.upload_max_bytes + 1)
    with _database().writing() as session:
        result = import_progress(data, filename=path.name, session=session, actor=Actor.system(),
                                 secret=settings.secret_key.get_secret_value(), max_bytes=settings.upload_max_bytes,
                                 period=period)
    out.print(result.message)


@app.command("export")
@friendly_errors
def export_command(
    what: Annotated[str, typer.Argument(help="导出内容：ledger（台账）、template（进展填报模板），或直接给出 .xlsx/.csv 文件名导出台账")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="输出文件")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="只导出某单位的任务；导出模板时为填报单位")] = None,
    period: Annotated[str | None, typer.Option("--period", help="报送期，如 2020-09（默认本期）")] = None,
    section: Annotated[int | None, typer.Option("--section", min=0, help="只导出第几部分，如 1")] = None,
    light: Annotated[str | None, typer.Option("--light", help="只导出某一预警灯：red、orange、yellow、blue、green、none")] = None,
) -> None:
    """导出 Excel 台账（审核通过的数据：汇总表，每部分一张表；.csv 为 CSV），或某单位的进展填报模板（template）。"""
    from taizhang.auth.permissions import Actor
    from taizhang.documents import service as documents
    from taizhang.settings import get_settings

    if what == "template":
        secret = get_settings().secret_key.get_secret_value()
        with _database().writing() as session:
            file = documents.progress_template(session=session, actor=Actor.system(), secret=secret, unit=unit,
                                               period=period)
        target = output or Path(file.filename)
        target.write_bytes(file.data)
        out.print(f"已导出进展填报模板（{file.rows} 项任务）到 {target}")
        return
    if what.lower().endswith((".xlsx", ".csv")):
        output = output or Path(what)
    elif what != "ledger":
        raise TaizhangError(f"不支持导出“{what}”；可用：ledger、template，或一个 .xlsx/.csv 文件名。")
    output = output or Path("台账.xlsx")
    fmt = "csv" if output.suffix.lower() == ".csv" else "xlsx"
    with _database().writing() as session:
        file = documents.export_ledger(session=session, actor=Actor.system(), period=period, unit=unit,
                                       section=section, light=light, fmt=fmt)
    output.write_bytes(file.data)
    out.print(f"已导出 {file.rows} 项任务到 {output}")


@app.command("bulletin")
@friendly_errors
def bulletin_command(
    period: Annotated[str, typer.Option("--period", help="通报的报送期，如 2020-09")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Word 文件名（默认：重点任务推进情况通报-期别.docx）")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时生成同名 PDF（需要 LibreOffice）")] = False,
) -> None:
    """生成月度通报（Word，GB/T 9704 版式）：总体情况及较上期变化、分类表、单位排名、红灯和逾期任务、图表；--pdf 同时生成 PDF。"""
    from taizhang.auth.permissions import Actor
    from taizhang.documents.service.bulletin import bulletin_file

    with _database().writing() as session:
        word = bulletin_file(session=session, actor=Actor.system(), period=period)
        target = output or Path(word.filename)
        files = [(target, word)]
        if pdf:
            files.append((target.with_suffix(".pdf"), bulletin_file(session=session, actor=Actor.system(),
                                                                    period=period, pdf=True)))
    for path, file in files:
        path.write_bytes(file.data)
        out.print(f"已生成 {path}（{file.rows} 项任务）")


@app.command("eval")
@friendly_errors
def eval_command(
    gold_dir: Annotated[Path, typer.Argument(help="标注目录（*.json，格式同 shared/policy-docs/gold）")],
    docs_dir: Annotated[Path, typer.Argument(help="文件目录（标注中 doc 字段所指的文件）")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出评分")] = False,
) -> None:
    """用人工标注评估解析质量：单位、牵头单位、量化指标、完成时限的准确率/召回率/F1，比较符与类型准确率，结构是否一致。"""
    from taizhang.policy.evaluate import FIELDS, micro, score_document, without_annotation_header
    from taizhang.policy.parse import parse_text
    from taizhang.policy.read import read_document
    from taizhang.policy.serialize import policy_to_json

    golds = sorted(gold_dir.glob("*.json"))
    if not golds:
        raise TaizhangError(f"目录“{gold_dir}”中没有标注文件（*.json）。")
    scores = []
    for path in golds:
        gold = json.loads(path.read_text("utf-8"))
        document = read_document(docs_dir / gold["doc"])
        parsed = policy_to_json(parse_text(without_annotation_header(document.text), name=gold["doc"]))
        scores.append(score_document(gold, parsed))
    total = micro(scores)
    if as_json:
        rows = [
            {"doc": s.doc, **{f: {"precision": s.counts[f].precision, "recall": s.counts[f].recall,
                                  "f1": s.counts[f].f1} for f in FIELDS},
             "cmp_accuracy": s.cmp.value, "kind_accuracy": s.kind.value, "structure_exact": s.structure_exact,
             "problems": s.problems}
            for s in [*scores, total]
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = _table("文件", "单位 P/R/F1", "牵头 P/R/F1", "量化指标 P/R/F1", "时限 P/R/F1", "比较符", "类型", "结构")
    for s in [*scores, total]:
        cells = [f"{s.counts[f].precision:.2f}/{s.counts[f].recall:.2f}/{s.counts[f].f1:.3f}" for f in FIELDS]
        table.add_row(s.doc, *cells, f"{s.cmp.value:.2f}", f"{s.kind.value:.2f}",
                      "一致" if s.structure_exact else "不一致")
    out.print(table)
    for s in scores:
        for problem in s.problems:
            out.print(f"[yellow]{s.doc}[/yellow]：{problem}")


# ---------------------------------------------------------------- database and serving


@db_app.command("upgrade")
@friendly_errors
def db_upgrade() -> None:
    """创建或升级数据库结构到最新版本。"""
    from taizhang.db.migrate import current_revision, upgrade

    database = _database(migrated=False)
    upgrade(database.engine)
    out.print(f"数据库结构已是最新版本（{current_revision(database.engine)}）。")


@db_app.command("current")
@friendly_errors
def db_current() -> None:
    """显示数据库结构的当前版本。"""
    from taizhang.db.migrate import current_revision

    out.print(current_revision(_database(migrated=False).engine) or "数据库尚未初始化：请运行 taizhang db upgrade。")


@app.command("backup")
@friendly_errors
def backup_command(
    file: Annotated[Path, typer.Argument(help="备份文件路径，如 taizhang-20201125.tar", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的同名文件")] = False,
) -> None:
    """备份数据库（SQLite 在线备份 / PostgreSQL pg_dump）到一个文件，附各表行数与校验和清单；备份时可照常使用。"""
    from taizhang.auth.permissions import Actor
    from taizhang.db.backup import create_backup

    result = create_backup(_database(migrated=False), file, actor=Actor.system(), overwrite=force)
    manifest = result.manifest
    out.print(f"已备份到 {result.path}：{len(manifest.tables)} 张表、{manifest.rows} 行，"
              f"{result.size / 1_048_576:.1f} MB，用时 {result.seconds:.1f} 秒（数据库结构版本 {manifest.revision}）。")
    out.print(f"内容校验和：{manifest.digest}")
    if not result.audited:
        _warn(["数据库结构不是最新版本，本次备份未写入审计记录（升级请运行 taizhang db upgrade）。"])
    _warn(["个人信息加密密钥（data.key）不在备份中，请与备份文件分开妥善保存。"])


@app.command("restore")
@friendly_errors
def restore_command(
    file: Annotated[Path, typer.Argument(help="taizhang backup 生成的备份文件", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="目标数据库不是空的也恢复（覆盖其中全部数据）")] = False,
) -> None:
    """从备份文件恢复数据库：目标须为空库（或加 --force），恢复后逐表核对行数与校验和，不符即报错。"""
    from taizhang.auth.permissions import Actor
    from taizhang.db.backup import restore_backup

    result = restore_backup(_database(migrated=False), file, actor=Actor.system(), force=force)
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

    with _database().reading() as session:
        report = verify_chain(session=session, actor=Actor.system())
    if report.broken_at is not None:
        err.print(f"[red]审计哈希链断开：[/red]{report.reason}。此前 {report.checked} 条记录完好。")
        raise typer.Exit(1)
    out.print(f"审计哈希链完好：已校验 {report.checked} 条记录。")


@app.command("init")
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
    database = _database(migrated=False)
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


@app.command("demo")
@friendly_errors
def demo_command() -> None:
    """载入演示数据：赣州示例文件、18个县（市、区）、各角色用户、6—11月的进展、审核、催办督办（按2020年11月25日计算）。"""
    from taizhang.auth.permissions import Actor
    from taizhang.db.migrate import upgrade
    from taizhang.demo.service import AS_OF, load_demo

    database = _database(migrated=False)
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


@app.command("lights")
@friendly_errors
def lights_command() -> None:
    """重新计算所有任务的预警灯和完成状态（建议每天运行一次）。"""
    from taizhang.ledger.service import refresh_all

    with _database().writing() as session:
        count = refresh_all(session=session)
        session.commit()
    out.print(f"已更新 {count} 项任务的预警灯。")


@app.command("token-create")
@friendly_errors
def token_create_command(
    username: Annotated[str, typer.Argument(help="令牌所属用户")],
    name: Annotated[str, typer.Option(help="令牌用途，如“省平台对接”")] = "API",
) -> None:
    """为用户创建 API 令牌（明文只显示这一次，数据库只存其哈希）。"""
    from sqlalchemy import select

    from taizhang.auth.models import User
    from taizhang.auth.permissions import Actor
    from taizhang.auth.service import create_token

    with _database().writing() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise TaizhangError(f"用户“{username}”不存在。")
        _, secret = create_token(user.id, name, session=session, actor=Actor.system())
    out.print(f"已为 {username} 创建令牌（请妥善保存，只显示这一次）：{secret}")


@app.command("serve")
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


@app.command("worker")
@friendly_errors
def worker_command(
    until_idle: Annotated[bool, typer.Option("--until-idle", help="没有到期任务时退出（供定时任务调用）")] = False,
    daily: Annotated[bool, typer.Option("--daily/--no-daily", help="每天自动排入预警灯刷新等例行任务")] = True,
    max_jobs: Annotated[int | None, typer.Option("--max-jobs", min=1, help="最多运行的任务数")] = None,
) -> None:
    """运行后台任务（可在多台主机上同时运行多个，每项任务只由一个进程执行）。"""
    from taizhang.jobs.worker import run_worker

    done = run_worker(_database(), until_idle=until_idle, daily=daily, max_jobs=max_jobs)
    out.print(f"后台任务进程已退出：共运行 {done} 项任务。")


@app.command("user-create")
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

    with _database().writing() as session:
        unit_id = None
        if unit:
            units = find_units(session, unit)
            if not units:
                raise TaizhangError(f"找不到单位“{unit}”：单位来自已导入的政策文件中的责任单位。")
            unit_id = units[0].id
        account = create_user(username, session=session, actor=Actor.system(), role=role, display_name=name,
                              unit_id=unit_id)
    out.print(f"已创建用户 {account.username}，一次性密码：{account.password}")


@app.command("load-workload")
@friendly_errors
def load_workload_command(
    directory: Annotated[Path, typer.Argument(help="gen_workload.py 生成的目录（units.csv、tasks.csv、reports.csv）")],
    state: Annotated[Path, typer.Option("--state", help="写入各单位 API 令牌的状态文件（负载发生器读取）")] = Path(
        "workload-state.json"),
) -> None:
    """把负载测试数据（单位、任务、进展报告）批量载入空数据库，并为每个单位创建账号和 API 令牌。"""
    from taizhang.auth.permissions import Actor
    from taizhang.workload.load import load_workload

    result = load_workload(directory, database=_database(), actor=Actor.system(), state_path=state)
    counts = "，".join(f"{k} {v}" for k, v in result.counts.items())
    phases = "，".join(f"{k} {v}秒" for k, v in result.seconds.items())
    out.print(f"已载入负载数据：{counts}。")
    out.print(f"用时 {result.total_seconds:.1f} 秒（{phases}）；令牌已写入 {result.state_path}（请妥善保管）。")


def main() -> None:  # pragma: no cover
    app()

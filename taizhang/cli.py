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

from taizhang.errors import TaizhangError

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

    return wrapper


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
def import_command(file: FileArg) -> None:
    """导入政策文件：每项措施生成一项任务，分配给牵头和配合单位。重复导入相同文件不做更改。"""
    from taizhang.auth.permissions import Actor
    from taizhang.ledger.service import import_policy
    from taizhang.policy.parse import parse_file

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
    from taizhang.exports.ledger_xlsx import due_text, indicator_text, units_text
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


@app.command("export")
@friendly_errors
def export_command(
    what: Annotated[str, typer.Argument(help="导出内容：ledger（台账），或直接给出 .xlsx 文件名导出台账")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="输出文件")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="只导出某单位的任务")] = None,
) -> None:
    """导出 Excel 台账（序号、类别、措施、具体内容、牵头单位、配合单位、量化目标、完成时限、进展情况、完成状态）。"""
    from taizhang.auth.permissions import Actor
    from taizhang.exports.ledger_xlsx import ledger_workbook
    from taizhang.ledger.service import ledger_export

    if what.lower().endswith(".xlsx"):
        output = output or Path(what)
    elif what != "ledger":
        raise TaizhangError(f"不支持导出“{what}”；可用：ledger，或一个 .xlsx 文件名。")
    output = output or Path("台账.xlsx")
    with _database().writing() as session:
        export = ledger_export(session=session, actor=Actor.system(), unit=unit)
    if not export.rows:
        raise TaizhangError("台账中还没有任务：请先用 taizhang import 导入政策文件。")
    output.write_bytes(ledger_workbook(export))
    out.print(f"已导出 {len(export.rows)} 项任务到 {output}")


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


@app.command("init")
@friendly_errors
def init_command(
    example: Annotated[bool, typer.Option(help="数据库为空时导入示例文件（赣州“六稳六保”若干措施）")] = True,
    demo: Annotated[bool, typer.Option("--demo", help="数据库为空时载入演示数据（含示例文件、县区、用户、各月进展）")] = False,
) -> None:
    """首次运行：升级数据库、导入示例文件或演示数据（数据库为空时）、创建管理员账号（仅首次，显示一次性密码）。"""
    from taizhang.auth.permissions import Actor
    from taizhang.auth.service import ensure_admin
    from taizhang.db.migrate import upgrade
    from taizhang.ledger.service import has_policies, import_policy
    from taizhang.policy.parse import parse_text

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
        account = ensure_admin(session=session)
    if account:
        out.print("[bold]已创建管理员账号（密码只显示这一次，请立即登录并修改）：[/bold]")
        out.print(f"  用户名：{account.username}")
        out.print(f"  密码：  {account.password}")


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
) -> None:
    """启动 Web 服务。"""
    import uvicorn

    from taizhang.settings import get_settings

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    out.print(f"台账服务已启动：http://{host}:{port}/   （按 Ctrl+C 停止）")
    uvicorn.run("taizhang.web.app:create_app", factory=True, host=host, port=port, log_level="warning",
                proxy_headers=False)


@app.command("user-create")
@friendly_errors
def user_create_command(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option(help="角色：admin 系统管理员、supervisor 督查室、reporter 单位填报员、leader 领导")],
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


def main() -> None:  # pragma: no cover
    app()

"""``taizhang rules …``: the 政策兑现 commands — list and show the rules, evaluate one applicant or a
whole file, match a profile against every rule, and run an auto-grant (免申即享) batch."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from taizhang.cli.common import err, friendly_errors, open_database, out, print_json, table
from taizhang.clock import parse_day
from taizhang.errors import TaizhangError

rules_app = typer.Typer(help="政策兑现：按政策文件的条款计算每个申请对象可享受的政策及其依据。", no_args_is_help=True,
                        pretty_exceptions_enable=False)

RuleArg = Annotated[str, typer.Argument(help="规则名称，如 job_retention_refund（taizhang rules list 查看）")]
DateOption = Annotated[str | None, typer.Option("--date", help="评估日期（YYYY-MM-DD），决定适用哪一版参数；默认今天")]


def _on(text: str | None) -> date:
    from taizhang.clock import local_today

    return parse_day(text, "--date") if text else local_today()


def _json_argument(text: str, option: str) -> dict[str, Any]:
    try:
        value = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise TaizhangError(f"{option} 的值不是有效的 JSON：{exc.msg}（第{exc.pos + 1}个字符）。") from None
    if not isinstance(value, dict):
        raise TaizhangError(f"{option} 应为一个 JSON 对象，如 '{{\"size\": \"小型\"}}'。")
    return value


def _progress_bar():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True)


@rules_app.command("list")
@friendly_errors
def list_command() -> None:
    """列出全部规则：名称、对象、依据的措施、执行期。"""
    from taizhang.benefits import rule_book

    rows = table("名称", "规则", "对象", "依据", "执行期", "计算结果")
    for bound in rule_book():
        rule = bound.rule
        rows.add_row(rule.name, rule.label, rule.entity_label, bound.citation.measure or "", rule.period_text,
                     rule.amount_label or "是否符合要求")
    out.print(rows)
    out.print(f"共 {len(rule_book())} 条规则；taizhang rules show 名称 查看输入说明和参数。")


@rules_app.command("show")
@friendly_errors
def show_command(rule: RuleArg, on: DateOption = None) -> None:
    """显示一条规则：依据条款、执行期、输入字段（英文名、中文列名、类型、是否必填）、参数及其出处、示例。"""
    from taizhang.benefits import rule_book
    from taizhang.rules.describe import describe_rule

    out.print(describe_rule(rule_book()[rule], on=_on(on)))


@rules_app.command("eval")
@friendly_errors
def eval_command(
    rule: RuleArg,
    inputs: Annotated[str, typer.Option("--json", help="申请对象的输入，JSON 对象（英文字段名或中文列名）")],
    on: DateOption = None,
    explain: Annotated[bool, typer.Option("--explain", help="打印给申请人的测算单（而不是 JSON）")] = False,
) -> None:
    """计算一个申请对象：输出 {"rule","eligible","amount","trace","citation"}；--explain 打印测算单。"""
    from taizhang.benefits import rule_book
    from taizhang.rules.single import evaluate_one
    from taizhang.rules.trace import explanation

    result = evaluate_one(rule_book()[rule], _json_argument(inputs, "--json"), on=_on(on))
    if explain:
        out.print(explanation(result), markup=False)
    else:
        print_json(result.to_json())


@rules_app.command("batch")
@friendly_errors
def batch_command(
    rule: RuleArg,
    source: Annotated[Path, typer.Argument(help="输入文件：.csv、.xlsx 或 .parquet（首行为列名）")],
    output: Annotated[Path, typer.Option("-o", "--output", help="结果文件：.csv、.xlsx 或 .parquet")],
    errors: Annotated[Path | None, typer.Option("--errors", help="错误清单文件（默认：结果文件名加 .errors.csv）")] = None,
    on: DateOption = None,
    chunk_rows: Annotated[int, typer.Option("--chunk-rows", min=1000, help="每批读取的行数")] = 200_000,
) -> None:
    """批量计算一个文件中的全部申请对象（流式读取，显示进度）；每一行要么计算出结果，要么列入错误清单。"""
    from taizhang.benefits import rule_book
    from taizhang.rules.batch import evaluate_file
    from taizhang.rules.describe import summary_lines

    errors = errors or output.with_name(output.stem + ".errors.csv")
    with _progress_bar() as bar:
        task = bar.add_task("计算中", total=None)
        summary = evaluate_file(rule_book()[rule], source, on=_on(on), output=output, errors=errors,
                                chunk_rows=chunk_rows, progress=lambda done, total: bar.update(task, completed=done,
                                                                                              total=total))
    for line in summary_lines(summary):
        out.print(line, markup=False)


@rules_app.command("match")
@friendly_errors
def match_command(
    profile: Annotated[str, typer.Option("--json", help="企业或个人的情况，JSON 对象（各规则的输入字段，可只填一部分）")],
    on: DateOption = None,
    as_json: Annotated[bool, typer.Option("--as-json", help="以 JSON 输出")] = False,
) -> None:
    """政策匹配：列出一个企业或个人可能享受的全部政策（符合、可能符合需补充信息、不符合及原因）。"""
    from taizhang.benefits import rule_book
    from taizhang.rules.single import match_profile

    matches = match_profile(rule_book(), _json_argument(profile, "--json"), on=_on(on))
    if as_json:
        print_json([m.to_json() for m in matches])
        return
    words = {"eligible": "符合", "possible": "可能符合", "ineligible": "不符合", "invalid": "输入有误"}
    rows = table("政策", "结论", "金额或结果", "说明", "依据")
    for m in matches:
        result = m.result
        amount = result.verdict if result and result.eligible else ""
        note = "；".join(m.problems) or ("需补充：" + "、".join(result.missing) if result and result.missing
                                          else "；".join(result.why_not) if result else "")
        rows.add_row(f"{m.label}（{m.rule}）", words[m.status], amount, note,
                     result.citation.measure if result else "")
    out.print(rows)
    if not matches:
        out.print("没有与这些信息相关的政策；taizhang rules show 名称 可查看各规则需要的信息。")


@rules_app.command("fulfill")
@friendly_errors
def fulfill_command(
    rule: Annotated[str | None, typer.Argument(help="规则名称")] = None,
    source: Annotated[Path | None, typer.Argument(help="登记信息文件：.csv、.xlsx 或 .parquet")] = None,
    on: DateOption = None,
    job: Annotated[int | None, typer.Option("--job", help="重新运行已有的兑现批次（如服务中断后）")] = None,
) -> None:
    """免申即享：用登记信息文件建立兑现批次并在本机运行（写入数据库，待督查室审核、公示、拨付）。"""
    from taizhang.auth.permissions import Actor
    from taizhang.fulfillment import service
    from taizhang.privacy.crypto import load_key
    from taizhang.settings import get_settings

    settings = get_settings()
    database, storage, key = open_database(), settings.data_dir / "fulfillment", load_key(settings.key_file)
    actor = Actor.system()
    if job is None:
        if rule is None or source is None:
            raise TaizhangError("请给出规则名称和登记信息文件，或用 --job 指定已有批次。")
        with database.writing() as session:
            created = service.create_job(rule, source.name, source.read_bytes(), session=session, actor=actor,
                                         on=_on(on), storage=storage)
            job = created.id
    with _progress_bar() as bar:
        task = bar.add_task(f"兑现批次 {job}", total=None)
        with database.writing() as session:
            finished = service.run_job(job, session=session, actor=actor, storage=storage, key=key,
                                       progress=lambda done, total: bar.update(task, completed=done, total=total))
    out.print(finished.message, markup=False)

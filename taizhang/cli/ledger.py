"""From a policy document to the ledger and back out: ``parse``, ``import``, ``tasks``, ``export``,
``bulletin``, and ``eval`` (the parser measured against hand-made annotations)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from taizhang.cli.common import friendly_errors, open_database, out, print_json, table, warn
from taizhang.clock import parse_day
from taizhang.errors import TaizhangError

FileArg = Annotated[Path, typer.Argument(help="政策文件路径（.txt，UTF-8/GBK/GB18030/UTF-16 均可）", show_default=False)]


@friendly_errors
def parse_command(
    file: FileArg,
    as_json: Annotated[bool, typer.Option("--json", help="输出完整的 JSON 结构")] = False,
) -> None:
    """解析政策文件，列出章节、措施、责任单位、量化指标和完成时限（不写数据库）。"""
    from taizhang.policy.parse import parse_file
    from taizhang.policy.serialize import policy_to_json

    policy = parse_file(file)
    warn(policy.warnings)
    if as_json:
        print_json(policy_to_json(policy))
        return
    out.print(f"[bold]{policy.title}[/bold]")
    out.print(f"发文机关：{policy.issuer or '—'}    印发日期：{policy.issued_on or '—'}    文号：{policy.doc_number or '—'}")
    rows = table("序号", "措施", "牵头单位", "配合单位", "量化指标", "完成时限")
    for m in policy.measures:
        rows.add_row(
            m.no,
            m.title + ("（不完整）" if m.truncated else ""),
            "、".join(u.name for u in m.lead_units),
            "、".join(u.name for u in m.co_units) + ("等" if m.units_open else ""),
            "\n".join(q.quote for q in m.quantities),
            "\n".join(f"{d.quote}→{d.date or d.relative}" for d in m.deadlines),
        )
    out.print(rows)
    out.print(f"共 {len(policy.sections)} 个部分、{len(policy.measures)} 项措施。")


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
    warn(policy.warnings)
    with open_database().writing() as session:
        result = import_policy(policy, session=session, actor=Actor.system(), source_name=file.name)
    out.print(result.message)
    for change in result.changes:
        out.print(f"  · {change}")


def _import_progress(path: Path, period: str | None) -> None:
    from taizhang.auth.permissions import Actor
    from taizhang.documents.service import import_progress
    from taizhang.settings import get_settings

    settings = get_settings()
    with path.open("rb") as handle:
        data = handle.read(settings.upload_max_bytes + 1)
    with open_database().writing() as session:
        result = import_progress(data, filename=path.name, session=session, actor=Actor.system(),
                                 secret=settings.secret_key.get_secret_value(), max_bytes=settings.upload_max_bytes,
                                 period=period)
    out.print(result.message)


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

    before = parse_day(due_before, "--due-before") if due_before else None
    with open_database().reading() as session:
        page = list_tasks(session=session, actor=Actor.system(), unit=unit, due_before=before, limit=limit)
    rows = table("序号", "任务", "牵头单位", "配合单位", "量化目标", "完成时限", "状态")
    for row in page.items:
        rows.add_row(
            row.measure_no, row.title, units_text(row.lead_units), units_text(row.co_units, row.units_open),
            "\n".join(indicator_text(i) for i in row.indicators), due_text(row), status_label(row.status),
        )
    out.print(rows)
    out.print(f"共 {page.total} 项任务" + (f"，显示前 {len(page.items)} 项。" if page.total > len(page.items) else "。"))


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
        with open_database().writing() as session:
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
    with open_database().writing() as session:
        file = documents.export_ledger(session=session, actor=Actor.system(), period=period, unit=unit,
                                       section=section, light=light, fmt=fmt)
    output.write_bytes(file.data)
    out.print(f"已导出 {file.rows} 项任务到 {output}")


@friendly_errors
def bulletin_command(
    period: Annotated[str, typer.Option("--period", help="通报的报送期，如 2020-09")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Word 文件名（默认：重点任务推进情况通报-期别.docx）")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时生成同名 PDF（需要 LibreOffice）")] = False,
) -> None:
    """生成月度通报（Word，GB/T 9704 版式）：总体情况及较上期变化、分类表、单位排名、红灯和逾期任务、图表；--pdf 同时生成 PDF。"""
    from taizhang.auth.permissions import Actor
    from taizhang.documents.service.bulletin import bulletin_file

    with open_database().writing() as session:
        word = bulletin_file(session=session, actor=Actor.system(), period=period)
        target = output or Path(word.filename)
        files = [(target, word)]
        if pdf:
            files.append((target.with_suffix(".pdf"), bulletin_file(session=session, actor=Actor.system(),
                                                                    period=period, pdf=True)))
    for path, file in files:
        path.write_bytes(file.data)
        out.print(f"已生成 {path}（{file.rows} 项任务）")


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
        print_json([
            {"doc": s.doc, **{f: {"precision": s.counts[f].precision, "recall": s.counts[f].recall,
                                  "f1": s.counts[f].f1} for f in FIELDS},
             "cmp_accuracy": s.cmp.value, "kind_accuracy": s.kind.value, "structure_exact": s.structure_exact,
             "problems": s.problems}
            for s in [*scores, total]
        ])
        return
    rows = table("文件", "单位 P/R/F1", "牵头 P/R/F1", "量化指标 P/R/F1", "时限 P/R/F1", "比较符", "类型", "结构")
    for s in [*scores, total]:
        cells = [f"{s.counts[f].precision:.2f}/{s.counts[f].recall:.2f}/{s.counts[f].f1:.3f}" for f in FIELDS]
        rows.add_row(s.doc, *cells, f"{s.cmp.value:.2f}", f"{s.kind.value:.2f}",
                     "一致" if s.structure_exact else "不一致")
    out.print(rows)
    for s in scores:
        for problem in s.problems:
            out.print(f"[yellow]{s.doc}[/yellow]：{problem}")

"""The command line, run as a user runs it: real files, a real database, Chinese messages, exit codes."""

import hashlib
import json
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from taizhang.auth.models import ApiToken
from taizhang.auth.service import resolve_token
from taizhang.cli import app
from taizhang.ledger.models import Policy, Task
from taizhang.settings import get_settings
from tests.conftest import SEED
from tests.policy import seed_expected as expected


@pytest.fixture
def cli(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("TAIZHANG_DATABASE_URL", database_url)
    monkeypatch.setenv("TAIZHANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: table cells on one line
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    yield run
    get_settings.cache_clear()


def counts(database) -> tuple[int, int]:
    with database.reading() as s:
        return s.scalar(select(func.count()).select_from(Policy)), s.scalar(select(func.count()).select_from(Task))


def test_parse_json_of_the_seed_matches_the_reading_of_the_document():
    result = CliRunner().invoke(app, ["parse", str(SEED), "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert set(doc) == {"title", "issuer", "issued_on", "doc_number", "recipients", "basis", "sections", "measures"}
    assert (doc["title"], doc["issuer"], doc["issued_on"], doc["doc_number"]) == (
        expected.TITLE, expected.ISSUER, expected.ISSUED_ON, expected.DOC_NUMBER)
    assert doc["recipients"] == expected.RECIPIENTS and doc["basis"] == expected.BASIS
    assert [s["title"] for s in doc["sections"]] == expected.SECTIONS
    got = [
        dict(section=m["section"], no=m["no"], title=m["title"],
             units=[(u["name"], u["role"]) for u in m["units"]], open=m["units_open"],
             quantities=[(q["quote"], q["value"], q["unit"], q["cmp"], q["kind"]) for q in m["quantities"]],
             deadlines=[(d["quote"], d["date"], d["relative"]) for d in m["deadlines"]])
        for m in doc["measures"]
    ]
    assert got == expected.MEASURES
    for m in doc["measures"]:
        assert set(m) >= {"section", "no", "title", "text", "span", "units", "units_open", "quantities", "deadlines"}
        assert all(set(u) == {"name", "canonical", "role", "span"} for u in m["units"])


def test_parse_without_json_prints_a_readable_summary():
    result = CliRunner().invoke(app, ["parse", str(SEED)])
    assert result.exit_code == 0
    assert "共 6 个部分、23 项措施" in result.stdout


def test_import_then_reimport(cli, database):
    first = cli("import", str(SEED))
    assert first.exit_code == 0 and "23项措施，生成23项任务" in first.stdout
    second = cli("import", str(SEED))
    assert second.exit_code == 0 and "内容完全相同，未做任何更改" in second.stdout
    assert counts(database) == (1, 23)


def test_a_gbk_copy_is_the_same_document(cli, database, tmp_path, seed_text):
    cli("import", str(SEED))
    gbk = tmp_path / "六稳六保-GBK.txt"
    gbk.write_bytes(seed_text.encode("gbk"))
    result = cli("import", str(gbk))
    assert result.exit_code == 0 and "内容完全相同" in result.stdout
    assert counts(database) == (1, 23)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("空文件.txt", b"", "文件“空文件.txt”是空的"),
        ("scan.txt", bytes(range(256)) * 64, "文件“scan.txt”是二进制文件"),
        ("通知.txt", "关于召开会议的通知\n各单位：\n定于下周一开会。\n".encode(), "文件“通知.txt”中没有找到编号的措施条目"),
    ],
)
def test_bad_input_is_refused_and_the_database_is_unchanged(cli, database, tmp_path, name, content, message):
    cli("import", str(SEED))
    before = counts(database)
    path = tmp_path / name
    path.write_bytes(content)
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert message in result.stderr
    assert counts(database) == before


def test_missing_file(cli):
    result = cli("import", "/nonexistent/doc.txt")
    assert result.exit_code == 1 and "找不到文件“/nonexistent/doc.txt”" in result.stderr


def test_truncated_document_imports_with_a_warning(cli, database, tmp_path, seed_text):
    cut = tmp_path / "cut.txt"
    cut.write_text(seed_text[: seed_text.index("全年一般性支出总额") + 5], encoding="utf-8")
    result = cli("import", str(cut))
    assert result.exit_code == 0
    assert "在第20项措施处中断" in result.stderr
    assert counts(database) == (1, 20)


def test_tasks_lists_a_units_tasks_due_before_a_date(cli):
    cli("import", str(SEED))
    result = cli("tasks", "--unit", "市财政局", "--due-before", "2020-12-01")
    assert result.exit_code == 0
    assert "畅通产业链供应链内循环" in result.stdout and "共 1 项任务" in result.stdout
    bad = cli("tasks", "--due-before", "明年")
    assert bad.exit_code == 1 and "不是有效日期" in bad.stderr


def test_export_writes_the_ledger(cli, tmp_path):
    cli("import", str(SEED))
    target = tmp_path / "台账.xlsx"
    result = cli("export", str(target))
    assert result.exit_code == 0 and "已导出 23 项任务" in result.stdout
    wb = load_workbook(BytesIO(target.read_bytes()))
    # A summary sheet, then one sheet per section: 3 header rows, then a row per indicator of each task.
    total = next(row for row in wb["汇总"].iter_rows(min_row=4, values_only=True) if row[0] == "合计")
    assert total[1] == 23
    sections = wb.worksheets[1:]
    assert len(sections) == 6 and all(ws.cell(3, 1).value == "序号" for ws in sections)
    numbers = [ws.cell(r, 1).value for ws in sections for r in range(4, ws.max_row + 1)]
    assert [n for n in numbers if n] == [str(n) for n in range(1, 24)]


def test_init_imports_the_example_and_creates_the_three_administrators_once(cli, database, tmp_path):
    first = cli("init")
    assert first.exit_code == 0
    for username in ("admin", "secadmin", "auditor"):
        assert f"用户名：{username}" in first.stdout
    assert first.stdout.count("密码：") == 3
    assert (tmp_path / "data" / "data.key").stat().st_mode & 0o777 == 0o600
    assert counts(database) == (1, 23)
    second = cli("init")
    assert second.exit_code == 0 and "密码" not in second.stdout
    assert counts(database) == (1, 23)


def test_token_create_shows_the_secret_once_and_stores_only_its_hash(cli, database):
    cli("init")
    result = cli("token-create", "admin", "--name", "省平台对接")
    assert result.exit_code == 0 and "已为 admin 创建令牌" in result.stdout
    secret = result.stdout.rsplit("：", 1)[1].strip()
    with database.reading() as s:
        token = s.scalar(select(ApiToken))
        assert token.name == "省平台对接" and token.user.username == "admin"
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()  # the secret itself is not kept
        assert resolve_token(secret, session=s).id == token.id
    unknown = cli("token-create", "nobody")
    assert unknown.exit_code == 1 and "用户“nobody”不存在" in unknown.stderr
    with database.reading() as s:
        assert s.scalar(select(func.count()).select_from(ApiToken)) == 1


def test_commands_refuse_an_uninitialised_database(monkeypatch, tmp_path):
    monkeypatch.setenv("TAIZHANG_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["tasks"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1 and "数据库尚未初始化" in result.stderr


def test_init_with_demo_loads_the_demo_once(cli, database):
    first = cli("init", "--demo")
    assert first.exit_code == 0 and "已载入演示数据" in first.stdout and "用户名：admin" in first.stdout
    again = cli("init", "--demo")
    assert again.exit_code == 0 and "演示数据" not in again.stdout


def test_an_unreachable_database_is_a_chinese_error_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("TAIZHANG_DATABASE_URL", f"sqlite:///{tmp_path}/no-such-dir/taizhang.db")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "upgrade"], catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "无法连接数据库" in result.output and "Traceback" not in result.output

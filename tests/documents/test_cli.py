"""The document commands as a clerk runs them, on the demo data (judged as of 2020-11-25)."""

from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.documents import convert
from taizhang.settings import get_settings
from tests.conftest import SEED
from tests.needs import need


@pytest.fixture
def cli(database_url, monkeypatch):
    monkeypatch.setenv("TAIZHANG_DATABASE_URL", database_url)
    monkeypatch.setenv("TAIZHANG_SECRET_KEY", "cli-test-secret-0123456789-abcdefghij")
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    yield run
    get_settings.cache_clear()


def test_template_out_progress_in_bulletin_out(cli, tmp_path):
    assert cli("demo").exit_code == 0
    template = tmp_path / "模板.xlsx"
    out = cli("export", "template", "--unit", "市住建局", "--period", "2020-11", "-o", template)
    assert out.exit_code == 0 and f"到 {template}" in out.stdout
    wb = load_workbook(BytesIO(template.read_bytes()))
    ws = wb.active
    assert ws["A1"].value == "市住建局2020年11月重点任务进展填报表"
    ws.cell(4, 9).value = "配合开展惠企政策宣传2场"
    wb.save(template)
    first = cli("import", "progress", template)
    assert first.exit_code == 0 and "已导入市住建局2020年11月进展：保存草稿1项" in first.stdout
    second = cli("import", "progress", template)
    assert "保存草稿0项，与系统中相同1项" in second.stdout
    wrong = cli("import", "progress", template, "--period", "2020-10")
    assert wrong.exit_code == 1 and "这是2020年11月的填报模板，本次导入的是2020年10月" in wrong.stderr
    word = tmp_path / "通报.docx"
    made = cli("bulletin", "--period", "2020-10", "-o", word)
    assert made.exit_code == 0 and f"已生成 {word}" in made.stdout
    assert "关于2020年10月重点任务推进情况的通报" in [p.text for p in Document(word).paragraphs]
    table = tmp_path / "台账.csv"
    assert cli("export", table, "--period", "2020-10", "--light", "red").exit_code == 0
    assert table.read_bytes().startswith("\ufeff序号,类别,重点任务".encode())


def test_import_still_takes_a_policy_file(cli):
    result = cli("import", SEED)
    assert result.exit_code == 0 and "23项措施，生成23项任务" in result.stdout
    extra = cli("import", SEED, SEED)
    assert extra.exit_code == 1 and "多余的参数" in extra.stderr


@pytest.mark.slow
def test_the_bulletin_as_pdf(cli, tmp_path):
    need(convert.soffice() is not None, "LibreOffice（soffice）", "sudo apt-get install libreoffice-writer-nogui")
    cli("demo")
    word = tmp_path / "通报.docx"
    result = cli("bulletin", "--period", "2020-09", "-o", word, "--pdf")
    assert result.exit_code == 0 and f"已生成 {word.with_suffix('.pdf')}" in result.stdout
    assert word.with_suffix(".pdf").read_bytes().startswith(b"%PDF")

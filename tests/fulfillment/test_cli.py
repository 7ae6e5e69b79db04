"""``taizhang rules fulfill``: a batch run on the server with the key from the key file; without the
key file it stops before reading the extract, saying how to create the key."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.fulfillment.models import FulfillmentJob, Payout
from taizhang.privacy.crypto import load_key
from taizhang.settings import get_settings
from tests.fulfillment.factories import people_csv

runner = CliRunner()


@pytest.fixture
def server(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("TAIZHANG_DATABASE_URL", database_url)
    monkeypatch.setenv("TAIZHANG_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    source = tmp_path / "登记信息.csv"
    source.write_bytes(people_csv())
    yield source
    get_settings.cache_clear()


def test_fulfill_runs_a_batch_with_the_key_from_its_file(server, database, tmp_path):
    key = load_key(tmp_path / "data" / "data.key", create=True)
    result = runner.invoke(app, ["rules", "fulfill", "work_training_subsidy", str(server), "--date", "2020-09-01"])
    assert result.exit_code == 0, result.output
    assert "共 6 行，符合 2 行，拟兑现 2 笔，合计 3,000.00元；有误 3 行" in result.stdout
    assert "登记信息文件已删除" in result.stdout and not any((tmp_path / "data" / "fulfillment").iterdir())
    with database.reading() as session:
        sealed = session.scalars(select(Payout.identity_sealed).order_by(Payout.row_no)).all()
    assert "陈静怡" in key.decrypt(sealed[0])


def test_fulfill_without_the_key_file_says_how_to_create_it(server, database):
    result = runner.invoke(app, ["rules", "fulfill", "work_training_subsidy", str(server), "--date", "2020-09-01"])
    assert result.exit_code == 1 and "密钥文件不存在" in result.stderr and "taizhang init" in result.stderr
    with database.reading() as session:
        assert session.scalars(select(FulfillmentJob)).all() == []

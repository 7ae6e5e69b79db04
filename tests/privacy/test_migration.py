"""Migration 0006 on a database that already holds batches: payouts' plaintext identities are sealed
with the key and their applicant keys hashed, bad values masked, a failed batch's message stripped of
the row it quoted, and a completed batch's extract deleted; downgrading opens the identities again."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import MetaData, select

from taizhang.db.migrate import alembic_config, upgrade
from taizhang.privacy.crypto import load_key
from taizhang.settings import get_settings

IDENTITY = {"credit_code": "91360702MA35F0XX1X", "name": "赣州甲机械有限公司", "person_name": "陈静怡",
            "id_number": "360702199001011232"}
QUOTED_ROW = "CSV 文件“x.csv”格式有误：CSV parse error: Expected 10 columns, got 11: 陈静怡,360702199001011232,x"


@pytest.fixture
def key_in_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("TAIZHANG_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield load_key(tmp_path / "data.key", create=True)
    get_settings.cache_clear()


def migrate(database, revision: str) -> None:
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection=connection), revision)


def tables(connection) -> dict:
    metadata = MetaData()
    metadata.reflect(connection, only=["fulfillment_job", "fulfillment_payout", "fulfillment_error"])
    return metadata.tables


def job_row(**values) -> dict:
    return {"rule": "work_training_subsidy", "evaluation_date": date(2020, 9, 1), "source_name": "x.csv",
            "sha256": "0" * 64, "review": "pending", "processed_rows": 1, "computed_rows": 1, "eligible_rows": 1,
            "error_rows": 0, "payout_count": 1, "total_amount_fen": 120_000, "failed_counts": {}, "message": "",
            "created_at": datetime(2020, 9, 1, tzinfo=UTC), "review_note": ""} | values


def test_existing_batches_are_sealed_masked_and_their_extracts_deleted(database, tmp_path, key_in_settings):
    key = key_in_settings
    (tmp_path / "fulfillment").mkdir()
    (tmp_path / "fulfillment" / "job-old.csv").write_text("陈静怡,360702199001011232", "utf-8")
    migrate(database, "0005")
    try:
        with database.engine.begin() as connection:
            t = tables(connection)
            done = connection.execute(t["fulfillment_job"].insert().values(
                job_row(status="completed", stored_name="job-old.csv"))).inserted_primary_key[0]
            failed = connection.execute(t["fulfillment_job"].insert().values(
                job_row(status="failed", stored_name="job-bad.csv", message=QUOTED_ROW))).inserted_primary_key[0]
            connection.execute(t["fulfillment_payout"].insert().values(
                job_id=done, row_no=1, applicant_key="91360702MA35F0XX1X/360702199001011232", identity=IDENTITY,
                amount_fen=120_000, status="proposed", status_note=""))
            connection.execute(t["fulfillment_error"].insert().values(
                job_id=done, row_no=2, field="id_number", label="身份证号码", value="360702199001011233",
                reason="校验码不符"))
        upgrade(database.engine)
        with database.engine.connect() as connection:
            t = tables(connection)
            payout = connection.execute(select(t["fulfillment_payout"])).one()
            assert json.loads(key.decrypt(payout.identity_sealed)) == IDENTITY
            assert payout.applicant_key == key.lookup_hash("91360702MA35F0XX1X/360702199001011232")
            assert connection.execute(select(t["fulfillment_error"].c.value)).scalar() == "360***********1233"
            jobs = {row.id: row for row in connection.execute(select(t["fulfillment_job"]))}
        assert jobs[done].source_deleted_at is not None and not (tmp_path / "fulfillment" / "job-old.csv").exists()
        assert jobs[failed].source_deleted_at is None
        assert jobs[failed].message == "CSV 文件“x.csv”格式有误：CSV parse error: Expected 10 columns, got 11"
        migrate(database, "0005")
        with database.engine.connect() as connection:
            assert connection.execute(select(tables(connection)["fulfillment_payout"].c.identity)).scalar() == IDENTITY
    finally:
        upgrade(database.engine)

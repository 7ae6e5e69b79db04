"""At rest: once a batch of people has run — uploaded through the API, reviewed, published, paid, one
identity revealed, both lists exported, an applicant looked up — no name, ID number or phone number of
an applicant is anywhere in the database (every column of every table, read raw) or in the storage
directory. Identities are sealed with the key kept outside the database; the keyed hash finds an
applicant again, in any batch, without decrypting anything."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator

import pytest
from cryptography.exceptions import InvalidTag
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text

from taizhang.errors import ValidationFailed
from taizhang.fulfillment import service
from taizhang.fulfillment.models import FulfillmentJob, Payout, RowProblem
from taizhang.privacy.crypto import DataKey
from tests.fulfillment.factories import (
    EVALUATED_ON,
    PEOPLE,
    PEOPLE_HEADER,
    api_site,
    bearer,
    computed_job,
    data_key,
    extract_csv,
    people_csv,
    run_batches,
)

RULE = "work_training_subsidy"
# Every personal value of the extract, as written and as read (the phones without their spaces and +86).
PERSONAL = [*PEOPLE["names"], *PEOPLE["id_numbers"], *PEOPLE["phones"], "138 1234 5678", "+86 159-8765-4321",
            "15987654321"]


def every_cell(engine) -> Iterator[str]:
    """Every cell of every table in the database, as text; JSON also unescaped, so that a name stored
    as \\uXXXX escapes is seen as the name it is."""
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                for cell in row:
                    yield from _as_text(cell)


def _as_text(cell) -> Iterator[str]:
    if cell is None:
        return
    if isinstance(cell, dict | list):
        yield json.dumps(cell, ensure_ascii=False)
        return
    value = bytes(cell).decode("utf-8", "replace") if isinstance(cell, bytes | memoryview) else str(cell)
    yield value
    if value[:1] in "{[":
        try:
            yield json.dumps(json.loads(value), ensure_ascii=False)
        except ValueError:
            pass


def run_a_batch_through_the_api(database, tmp_path) -> None:
    app, tokens, _ = api_site(database, tmp_path)
    client = TestClient(app, base_url="http://127.0.0.1")
    office = bearer(tokens["supervisor"])
    created = client.post("/api/v1/fulfillment/jobs", headers=office, data={"rule": RULE, "date": "2020-09-01"},
                          files={"file": ("登记信息.csv", people_csv(), "text/csv")})
    job = run_batches(client, created.json()["id"], office)
    # Rows 1 and 2 are paid 1,200 + 1,800 元 (600 元 × 2 and × 3 months); rows 3 (a 10-digit phone),
    # 4 (an ID check digit and a phone segment) and 5 (row 1 again) are errors; row 6 is a large enterprise.
    assert (job["status"], job["processed_rows"], job["error_rows"], job["payout_count"], job["total_amount"]) == (
        "completed", 6, 3, 2, "3000.00")
    base = f"/api/v1/fulfillment/jobs/{job['id']}"
    assert client.post(f"{base}/review", headers=office, json={"decision": "approved", "note": "核对无误"}).is_success
    assert client.post(f"{base}/publish", headers=office).json() == {"published": 2}
    first = client.get(f"{base}/payouts", headers=office).json()["items"][0]
    assert client.post(f"/api/v1/fulfillment/payouts/{first['id']}/status", headers=office,
                       json={"status": "paid", "note": "已拨付"}).is_success
    assert client.post(f"/api/v1/fulfillment/payouts/{first['id']}/reveal", headers=office,
                       json={"reason": "核对开户信息"}).is_success
    assert client.get(f"{base}/payouts.xlsx", headers=office, params={"reason": "代发银行拨付"}).is_success
    assert client.get(f"{base}/publicity.xlsx", headers=office).is_success
    assert client.get(f"{base}/errors", headers=office).json()["total"] == 4  # row 4 has two
    found = client.post("/api/v1/fulfillment/lookup", headers=office, json={
        "rule": RULE, "applicant": {"credit_code": "91360702MA35F0XX1X", "id_number": PEOPLE["id_numbers"][0]}})
    assert [p["row_no"] for p in found.json()] == [1]


def test_no_applicants_name_id_number_or_phone_is_stored_in_the_clear(database, tmp_path, backend):
    run_a_batch_through_the_api(database, tmp_path)
    cells = list(every_cell(database.engine))
    assert [value for value in PERSONAL if any(value in cell for cell in cells)] == []
    # The scan does see the tables that hold applicants: their masked forms are there.
    assert "913607********XX1X、360***********1232" in cells  # the duplicate row 5
    assert "138***4567" in cells  # row 3's phone
    assert list((tmp_path / "fulfillment").iterdir()) == []  # the extract went when its batch completed
    if backend == "sqlite":  # the file itself, free pages and write-ahead log included
        raw = b"".join(path.read_bytes() for path in tmp_path.glob("taizhang.db*"))
        for value in PERSONAL:
            assert value.encode() not in raw and json.dumps(value)[1:-1].encode() not in raw, value


def test_a_payouts_identity_is_sealed_and_opens_only_with_the_key(world, tmp_path):
    key = data_key(tmp_path)
    job = computed_job(world.session, world.office, tmp_path, key=key, rule=RULE, data=people_csv())
    sealed = world.session.scalars(select(Payout.identity_sealed).where(Payout.job_id == job.id)
                                   .order_by(Payout.row_no)).all()
    assert all(s.startswith("v1:") for s in sealed) and len(sealed) == 2
    assert json.loads(key.decrypt(sealed[0])) == {
        "credit_code": "91360702MA35F0XX1X", "name": "赣州甲机械有限公司", "person_name": "陈静怡",
        "id_number": "360702199001011232", "phone": "13812345678"}
    with pytest.raises(InvalidTag):
        DataKey(bytes(32)).decrypt(sealed[0])


def test_the_keyed_hash_finds_an_applicant_in_every_batch(world, tmp_path):
    session, office, key = world.session, world.office, data_key(tmp_path)
    first = computed_job(session, office, tmp_path, key=key, rule=RULE, data=people_csv())
    second = computed_job(session, office, tmp_path, key=key, rule=RULE, data=people_csv())
    # The applicant key is HMAC-SHA256 of "credit code/ID number" under the file's hash key, so the same
    # person has the same key in both batches, while the sealed identities differ (a fresh nonce each).
    expected = hmac.new(key.hash_key, b"91360702MA35F0XX1X/360702199001011232", hashlib.sha256).hexdigest()
    stored = session.execute(select(Payout.job_id, Payout.applicant_key, Payout.identity_sealed)
                             .where(Payout.row_no == 1, Payout.job_id.in_((first.id, second.id)))).all()
    assert {row.applicant_key for row in stored} == {expected} and stored[0][2] != stored[1][2]
    found = service.find_applicant(RULE, {"统一社会信用代码": "91360702ma35f0xx1x", "id_number": "360702199001011232"},
                                   session=session, actor=world.leader, key=key)
    assert [(p.job_id, p.row_no, p.amount) for p in found] == [(first.id, 1, "1200.00"), (second.id, 1, "1200.00")]
    assert found[0].applicant == {"统一社会信用代码": "913607********XX1X", "单位名称": "赣州甲机械有限公司",
                                  "姓名": "陈**", "身份证号码": "360***********1232", "联系电话": "138****5678"}
    assert service.find_applicant(RULE, {"credit_code": "91360702MA35F0XX1X", "id_number": "11010519491231002X"},
                                  session=session, actor=world.leader, key=key) == []
    with pytest.raises(ValidationFailed, match="360\\*{11}1233”校验码不符"):
        service.find_applicant(RULE, {"credit_code": "91360702MA35F0XX1X", "id_number": "360702199001011233"},
                               session=session, actor=world.leader, key=key)


def test_within_a_batch_a_repeated_applicant_is_an_error_row_with_masked_values(world, tmp_path):
    job = computed_job(world.session, world.office, tmp_path, key=data_key(tmp_path), rule=RULE, data=people_csv())
    problems = world.session.scalars(select(RowProblem).where(RowProblem.job_id == job.id)
                                     .order_by(RowProblem.row_no, RowProblem.id)).all()
    assert [(p.row_no, p.label, p.value, p.reason) for p in problems] == [
        (3, "联系电话", "138***4567", "应为11位"),
        (4, "身份证号码", "360***********1233", "校验码不符（GB 11643—1999），请核对是否抄错"),
        (4, "联系电话", "120****5678", "不是有效的手机号码（应以13—19开头）"),
        (5, "统一社会信用代码、身份证号码", "913607********XX1X、360***********1232", "与第1条重复（同一申请对象只计算一次）"),
    ]


PEOPLE_ROWS_WITH_AN_EXTRA_COLUMN = ("91360702MA35F0XX1X,赣州甲机械有限公司,小型,陈静怡,360702199001011232,13812345678,"
                                    "是,2020-07-01,12,2,多出的一列")


def test_a_failed_batch_keeps_its_extract_and_its_message_quotes_no_row(world, tmp_path):
    broken = extract_csv([PEOPLE_ROWS_WITH_AN_EXTRA_COLUMN], PEOPLE_HEADER)
    job = service.create_job(RULE, "登记信息.csv", broken, session=world.session, actor=world.office,
                             on=EVALUATED_ON, storage=tmp_path)
    with pytest.raises(ValidationFailed):
        service.run_job(job.id, session=world.session, actor=world.office, storage=tmp_path, key=data_key(tmp_path))
    failed = world.session.get(FulfillmentJob, job.id)
    assert failed.status == "failed" and "有一行是11列，而表头是10列" in failed.message
    assert not any(value in failed.message for value in PERSONAL)
    assert (tmp_path / job.stored_name).read_bytes() == broken

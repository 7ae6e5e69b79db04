"""免申即享 on both databases: upload → run with progress → review → publish (masked) → pay or return,
every change audited; the payout list reveals identities only to ``fulfillment.reveal``."""

from __future__ import annotations

import hashlib
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from taizhang.audit.models import AuditEvent
from taizhang.errors import Conflict, PermissionDenied, ValidationFailed
from taizhang.fulfillment import service
from tests.fulfillment.factories import EVALUATED_ON, computed_job, data_key, extract_csv


def audit_actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_batch_computes_every_row_and_records_its_progress(world, tmp_path):
    session, office = world.session, world.office
    job = computed_job(session, office, tmp_path, key=data_key(tmp_path))
    assert (job.status, job.processed_rows, job.computed_rows, job.eligible_rows, job.error_rows) == (
        "completed", 5, 3, 2, 2)
    assert job.payout_count == 2 and job.total_amount_fen == 14_000_000  # 90,000 + 50,000 元
    assert job.failed_counts == {"企业规模": 1}
    payouts, total = service.list_payouts(job.id, session=session, actor=office, key=data_key(tmp_path))
    assert total == 2 and [p.amount for p in payouts] == ["90000.00", "50000.00"]
    assert payouts[0].applicant == {"统一社会信用代码": "913607********XX1X", "单位名称": "赣州甲机械有限公司"}
    problems, count = service.list_problems(job.id, session=session, actor=office)
    assert count == 2 and [(p.row_no, p.reason[:5]) for p in problems] == [(3, "校验码不符"), (4, "与第2条重")]
    assert audit_actions(session)[-2:] == ["fulfillment.job.create", "fulfillment.job.run"]


def test_a_completed_batch_keeps_the_extracts_checksum_not_the_extract(world, tmp_path):
    session, office, key = world.session, world.office, data_key(tmp_path)
    job = computed_job(session, office, tmp_path, key=key)
    assert not (tmp_path / job.stored_name).exists() and job.source_deleted_at is not None
    assert job.sha256 == hashlib.sha256(extract_csv()).hexdigest()
    with pytest.raises(Conflict, match="登记信息文件已.*删除"):
        service.run_job(job.id, session=session, actor=office, storage=tmp_path, key=key)


def test_review_publish_pay_and_return_each_audited(world, tmp_path):
    session, office = world.session, world.office
    job = computed_job(session, office, tmp_path, key=data_key(tmp_path))
    with pytest.raises(Conflict):
        service.publish_job(job.id, session=session, actor=office)  # not yet approved
    with pytest.raises(ValidationFailed):
        service.review_job(job.id, "rejected", session=session, actor=office)  # a reason is required
    service.review_job(job.id, "approved", session=session, actor=office, note="核对无误")
    assert service.publish_job(job.id, session=session, actor=office) == 2
    payouts, _ = service.list_payouts(job.id, session=session, actor=office, key=data_key(tmp_path))
    key = data_key(tmp_path)
    paid = service.set_payout_status(payouts[0].id, "paid", session=session, actor=office, key=key, note="已拨付")
    assert paid.status_label == "已拨付"
    with pytest.raises(ValidationFailed):
        service.set_payout_status(payouts[1].id, "returned", session=session, actor=office, key=key)
    service.set_payout_status(payouts[1].id, "returned", session=session, actor=office, key=key, note="账户信息有误")
    with pytest.raises(Conflict):
        service.set_payout_status(payouts[0].id, "proposed", session=session, actor=office, key=key)
    events = audit_actions(session)
    assert events.count("fulfillment.payout.status") == 2 + 1 + 1  # publish ×2, paid, returned
    with pytest.raises(Conflict):
        service.run_job(job.id, session=session, actor=office, storage=tmp_path, key=key)  # reviewed: no recomputing


def test_publicity_list_is_masked_and_payout_list_needs_reveal(world, tmp_path):
    session, office = world.session, world.office
    job = computed_job(session, office, tmp_path, key=data_key(tmp_path), approve=True)
    service.publish_job(job.id, session=session, actor=office)
    key = data_key(tmp_path)
    name, data = service.publicity_workbook(job.id, session=session, actor=world.leader, key=key)
    rows = list(load_workbook(io.BytesIO(data)).active.values)
    assert name.endswith(".xlsx") and rows[2] == ("序号", "统一社会信用代码", "单位名称", "返还金额（元）", "状态")
    assert rows[3][1] == "913607********XX1X" and rows[-1][0] == "合计" and rows[-1][-1] == 140000
    with pytest.raises(PermissionDenied):
        service.payout_workbook(job.id, session=session, actor=world.leader, key=key, reason="银行拨付")
    with pytest.raises(ValidationFailed, match="理由"):
        service.payout_workbook(job.id, session=session, actor=office, key=key, reason=" ")
    _, full = service.payout_workbook(job.id, session=session, actor=office, key=key, reason="报送代发银行拨付")
    assert list(load_workbook(io.BytesIO(full)).active.values)[3][1] == "91360702MA35F0XX1X"
    export = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert export.action == "fulfillment.payouts.export"
    assert export.detail == {"payouts": 2, "reason": "报送代发银行拨付", "fields": ["credit_code", "name"]}


def test_a_formula_in_the_extract_is_defused_in_the_export(world, tmp_path):
    session, office = world.session, world.office
    rows = ["91360702MA35F0XX1X,=HYPERLINK(\"http://x\"),小型,是,3,1000,"]
    job = computed_job(session, office, tmp_path, key=data_key(tmp_path), approve=True, rows=rows)
    _, data = service.publicity_workbook(job.id, session=session, actor=office, key=data_key(tmp_path))
    assert list(load_workbook(io.BytesIO(data)).active.values)[3][2].startswith("'=")


def test_only_the_office_runs_batches_and_check_rules_have_no_payouts(world, tmp_path):
    session = world.session
    with pytest.raises(PermissionDenied):
        service.create_job("job_retention_refund", "x.csv", extract_csv(), session=session,
                           actor=world.actor("市人社局"), on=EVALUATED_ON, storage=tmp_path)
    with pytest.raises(ValidationFailed, match="核对类规则"):
        service.create_job("debt_ratio_limit", "x.csv", b"a\n1\n", session=session, actor=world.office,
                           on=EVALUATED_ON, storage=tmp_path)


def test_a_failed_batch_says_why_and_can_be_run_again(world, tmp_path):
    session, office = world.session, world.office
    job = service.create_job("job_retention_refund", "x.csv", "统一社会信用代码\n1\n".encode(), session=session,
                             actor=office, on=EVALUATED_ON, storage=tmp_path)
    key = data_key(tmp_path)
    with pytest.raises(ValidationFailed):
        service.run_job(job.id, session=session, actor=office, storage=tmp_path, key=key)
    failed = service.get_job(job.id, session=session, actor=office)
    assert failed.status == "failed" and "缺少必需的列" in failed.message
    assert (tmp_path / job.stored_name).exists() and failed.source_deleted_at is None  # kept for the re-run
    (tmp_path / job.stored_name).write_bytes(extract_csv())
    rerun = service.run_job(job.id, session=session, actor=office, storage=tmp_path, key=key)
    assert rerun.job.status == "completed" and rerun.job.payout_count == 2

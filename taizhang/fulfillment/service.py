"""免申即享 use cases — the only code that writes batches and payouts. Each function takes a keyword-only
``session`` and an ``actor``, checks the permission table, records an audit event for every write and
commits.

A supervisor uploads a registry extract (``create_job``); the batch runs (``run_job``, in a worker
thread started by the API or in the foreground from the CLI), committing its progress after every
chunk; the office reviews it (``review_job``), publishes the 公示 list (``publish_job``), and records each
payout's 拨付 or 退回 (``set_payout_status``).

Personal data (``taizhang.fulfillment.applicants``): payouts are stored sealed with the data key, which
every function that reads or writes them takes as ``key``; lists and the 公示 workbook are masked;
the whole identity of one payout (``reveal_payout``) or of a payout list for the bank
(``payout_workbook``) needs a permission and a written reason, and is audited without the values.
The uploaded extract is deleted when its batch completes; a failed batch keeps it to be run again.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from taizhang.audit.service import record
from taizhang.auth.permissions import Actor, require
from taizhang.benefits import rule_book
from taizhang.db.base import utcnow
from taizhang.errors import Conflict, DocumentTooLarge, NotFound, ValidationFailed
from taizhang.fulfillment.applicants import applicant_hash, applicant_view, key_values, open_identity, sealed_payouts
from taizhang.fulfillment.models import PAYOUT_STATUSES, FulfillmentJob, Payout, RowProblem
from taizhang.fulfillment.workbooks import ListSheet, workbook_bytes
from taizhang.privacy.crypto import DataKey
from taizhang.privacy.masking import redact_text
from taizhang.rules.batch import evaluate_file
from taizhang.rules.evaluate import Outcome
from taizhang.rules.files import check_format
from taizhang.rules.money import fen_to_yuan, format_yuan
from taizhang.rules.rule import BoundRule

# Who may move a payout where: 拟兑现 → 已公示 → 已拨付; 拟兑现/已公示 → 退回 → 拟兑现 (corrected).
TRANSITIONS = {("proposed", "published"), ("published", "paid"), ("proposed", "returned"),
               ("published", "returned"), ("returned", "proposed")}
NEEDS_NOTE = {"returned"}
REASON_LENGTH = (4, 200)  # a reason for seeing personal data in the clear: a few words, not an essay


@dataclass(frozen=True)
class JobRun:
    job: FulfillmentJob

    @property
    def message(self) -> str:
        job = self.job
        return (f"兑现批次 {job.id}（{job.rule}）已完成：共 {job.processed_rows} 行，符合 {job.eligible_rows} 行，"
                f"拟兑现 {job.payout_count} 笔，合计 {format_yuan(job.total_amount_fen)}；有误 {job.error_rows} 行。"
                "登记信息文件已删除（批次中保留其 SHA-256 校验值）。")


def _bound(rule: str) -> BoundRule:
    bound = rule_book()[rule]
    if bound.rule.amount_label is None:
        raise ValidationFailed(f"规则“{bound.rule.label}”是核对类规则，没有兑现金额，不能用于免申即享。")
    return bound


def create_job(rule: str, source_name: str, data: bytes, *, session: Session, actor: Actor, on: date,
               storage: Path, max_bytes: int | None = None) -> FulfillmentJob:
    """Store an uploaded registry extract and queue a batch for it."""
    require(actor, "fulfillment.run")
    _bound(rule)
    suffix = check_format(Path(source_name))
    if not data:
        raise ValidationFailed(f"文件“{source_name}”是空的。")
    if max_bytes is not None and len(data) > max_bytes:
        raise DocumentTooLarge(f"文件“{source_name}”超过 {max_bytes // (1 << 20)} MB；更大的登记信息请在服务器上用 "
                               "taizhang rules fulfill 导入。")
    storage.mkdir(parents=True, exist_ok=True)
    stored_name = f"job-{uuid.uuid4().hex}{suffix}"
    _write_private(storage / stored_name, data)
    job = FulfillmentJob(rule=rule, evaluation_date=on, source_name=source_name[:255], stored_name=stored_name,
                         sha256=hashlib.sha256(data).hexdigest(), created_by=actor.user_id, failed_counts={},
                         message="")
    session.add(job)
    session.flush()
    record("fulfillment.job.create", session=session, actor=actor, object_type="fulfillment_job", object_id=job.id,
           detail={"rule": rule, "source": source_name, "date": on.isoformat(), "bytes": len(data)})
    session.commit()
    return job


def _write_private(path: Path, data: bytes) -> None:
    """A file only the service's own account can read (the extract holds personal data)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def run_job(job_id: int, *, session: Session, actor: Actor, storage: Path, key: DataKey,
            progress: Callable[[int, int | None], None] | None = None) -> JobRun:
    """Compute a batch, committing payouts, bad rows and progress after every chunk. A batch that was
    interrupted (or failed) can be run again: its partial rows are replaced. Once it completes, its
    extract is deleted from ``storage``."""
    require(actor, "fulfillment.run")
    job = _job(session, job_id)
    if job.review != "pending" or session.scalar(
            select(func.count()).select_from(Payout).where(Payout.job_id == job.id, Payout.status != "proposed")):
        raise Conflict("该批次已审核或已有公示、拨付记录，不能重新计算；请新建批次。")
    if job.source_deleted_at is not None:
        raise Conflict("该批次已计算完成，登记信息文件已按个人信息保护要求删除，不能重新计算；请重新上传，新建批次。")
    bound = _bound(job.rule)
    session.execute(delete(Payout).where(Payout.job_id == job.id))
    session.execute(delete(RowProblem).where(RowProblem.job_id == job.id))
    _reset(job)
    job.status, job.started_at = "running", utcnow()
    session.commit()

    def save_chunk(outcome: Outcome) -> None:
        _save_outcome(session, job, bound, outcome, key)
        session.commit()

    try:
        summary = evaluate_file(bound, storage / job.stored_name, on=job.evaluation_date, on_chunk=save_chunk,
                                progress=progress)
    except Exception as exc:
        session.rollback()
        job.status, job.finished_at = "failed", utcnow()
        job.message = redact_text(getattr(exc, "message", None) or f"计算失败：{type(exc).__name__}")
        record("fulfillment.job.run", session=session, actor=actor, object_type="fulfillment_job", object_id=job.id,
               outcome="failure", detail={"message": job.message})
        session.commit()
        raise
    job.status, job.finished_at = "completed", utcnow()
    job.failed_counts = dict(summary.failed)
    job.message = f"用时 {summary.seconds:.1f} 秒"
    record("fulfillment.job.run", session=session, actor=actor, object_type="fulfillment_job", object_id=job.id,
           detail={"rows": job.processed_rows, "eligible": job.eligible_rows, "payouts": job.payout_count,
                   "total": str(fen_to_yuan(job.total_amount_fen)), "errors": job.error_rows})
    session.commit()
    _delete_extract(session, job, storage)
    return JobRun(job)


def _delete_extract(session: Session, job: FulfillmentJob, storage: Path) -> None:
    """The extract is personal data no longer needed once its batch is committed (its sha256 stays)."""
    (storage / job.stored_name).unlink(missing_ok=True)
    job.source_deleted_at = utcnow()
    session.commit()


def _reset(job: FulfillmentJob) -> None:
    job.processed_rows = job.computed_rows = job.eligible_rows = job.error_rows = job.payout_count = 0
    job.total_amount_fen, job.failed_counts, job.message, job.finished_at = 0, {}, "", None


def _save_outcome(session: Session, job: FulfillmentJob, bound: BoundRule, outcome: Outcome, key: DataKey) -> None:
    payouts = sealed_payouts(bound.rule, outcome, key)
    for payout in payouts:
        payout.update(job_id=job.id, status="proposed", status_note="")
    if payouts:
        session.execute(insert(Payout), payouts)
    if outcome.errors:  # the engine masks personal values in its error list
        session.execute(insert(RowProblem), [{"job_id": job.id, "row_no": e.row, "field": e.field, "label": e.label,
                                              "value": e.value[:1000], "reason": e.reason} for e in outcome.errors])
    job.processed_rows += len(outcome.rows)
    job.computed_rows += int(outcome.valid.sum())
    job.eligible_rows += int(outcome.eligible.sum())
    job.error_rows += len({e.row for e in outcome.errors})
    job.payout_count += len(payouts)
    job.total_amount_fen += sum(p["amount_fen"] for p in payouts)


def _job(session: Session, job_id: int) -> FulfillmentJob:
    job = session.get(FulfillmentJob, job_id)
    if job is None:
        raise NotFound("没有这个兑现批次。")
    return job


def list_jobs(*, session: Session, actor: Actor, limit: int = 50) -> list[FulfillmentJob]:
    require(actor, "fulfillment.view")
    return list(session.scalars(select(FulfillmentJob).order_by(FulfillmentJob.id.desc()).limit(limit)))


def get_job(job_id: int, *, session: Session, actor: Actor) -> FulfillmentJob:
    require(actor, "fulfillment.view")
    return _job(session, job_id)


@dataclass(frozen=True)
class PayoutView:
    id: int
    job_id: int
    row_no: int
    applicant: dict[str, str]  # Chinese label → value (masked unless revealed)
    amount: str
    status: str
    status_label: str
    status_note: str


def list_payouts(job_id: int, *, session: Session, actor: Actor, key: DataKey, status: str | None = None,
                 limit: int = 100, offset: int = 0) -> tuple[list[PayoutView], int]:
    """A page of a batch's payouts, identities masked."""
    require(actor, "fulfillment.view")
    job = _job(session, job_id)
    query = select(Payout).where(Payout.job_id == job.id)
    if status:
        query = query.where(Payout.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Payout.row_no).limit(limit).offset(offset))
    bound = rule_book()[job.rule]
    return [_payout_view(bound, p, key, reveal=False) for p in rows], total or 0


def _payout_view(bound: BoundRule, payout: Payout, key: DataKey, *, reveal: bool) -> PayoutView:
    applicant = applicant_view(bound.rule, open_identity(key, payout.identity_sealed), reveal=reveal)
    return PayoutView(id=payout.id, job_id=payout.job_id, row_no=payout.row_no, applicant=applicant,
                      amount=str(fen_to_yuan(payout.amount_fen)), status=payout.status,
                      status_label=PAYOUT_STATUSES[payout.status], status_note=payout.status_note)


def _reason(reason: str) -> str:
    reason = reason.strip()
    low, high = REASON_LENGTH
    if not low <= len(reason) <= high:
        raise ValidationFailed(f"查看或导出完整个人信息须写明理由（{low}—{high}个字），理由会记入审计记录。")
    return reason


def reveal_payout(payout_id: int, reason: str, *, session: Session, actor: Actor, key: DataKey) -> PayoutView:
    """One payout with its whole identity, for a stated reason. The audit record names the payout,
    the reason and the fields shown — never their values."""
    require(actor, "personal.reveal")
    reason = _reason(reason)
    payout = session.get(Payout, payout_id)
    if payout is None:
        raise NotFound("没有这笔兑现记录。")
    bound = rule_book()[_job(session, payout.job_id).rule]
    view = _payout_view(bound, payout, key, reveal=True)
    shown = [f.name for f in bound.rule.fields if f.identity and f.label in view.applicant]
    record("personal.reveal", session=session, actor=actor, object_type="fulfillment_payout", object_id=payout.id,
           detail={"job": payout.job_id, "row": payout.row_no, "fields": shown, "reason": reason})
    session.commit()
    return view


def find_applicant(rule: str, applicant: dict[str, str], *, session: Session, actor: Actor,
                   key: DataKey) -> list[PayoutView]:
    """Every payout of ``rule``, in any batch, to the applicant named by its key fields (an ID number,
    a credit code) — found by the keyed hash, nothing decrypted to search. Identities masked."""
    require(actor, "fulfillment.view")
    bound = _bound(rule)
    wanted = applicant_hash(key, key_values(bound.rule, applicant))
    found = session.scalars(select(Payout).join(FulfillmentJob, FulfillmentJob.id == Payout.job_id)
                            .where(FulfillmentJob.rule == rule, Payout.applicant_key == wanted)
                            .order_by(Payout.job_id, Payout.row_no))
    return [_payout_view(bound, payout, key, reveal=False) for payout in found]


def list_problems(job_id: int, *, session: Session, actor: Actor, limit: int = 200,
                  offset: int = 0) -> tuple[list[RowProblem], int]:
    require(actor, "fulfillment.view")
    job = _job(session, job_id)
    query = select(RowProblem).where(RowProblem.job_id == job.id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    return list(session.scalars(query.order_by(RowProblem.row_no, RowProblem.id).limit(limit).offset(offset))), total or 0


def review_job(job_id: int, decision: str, *, session: Session, actor: Actor, note: str = "") -> FulfillmentJob:
    """The office's decision on a computed batch: approved (its payouts may be published) or rejected."""
    require(actor, "fulfillment.review")
    job = _job(session, job_id)
    if job.status != "completed":
        raise Conflict("批次尚未计算完成，不能审核。")
    if job.review != "pending":
        raise Conflict(f"批次已审核（{'通过' if job.review == 'approved' else '退回'}），不能重复审核。")
    if decision not in ("approved", "rejected"):
        raise ValidationFailed("审核结论只能是 approved（通过）或 rejected（退回）。")
    if decision == "rejected" and not note.strip():
        raise ValidationFailed("退回批次须写明理由。")
    job.review, job.reviewed_by, job.reviewed_at, job.review_note = decision, actor.user_id, utcnow(), note.strip()
    record("fulfillment.job.review", session=session, actor=actor, object_type="fulfillment_job", object_id=job.id,
           detail={"decision": decision, "note": job.review_note})
    session.commit()
    return job


def publish_job(job_id: int, *, session: Session, actor: Actor) -> int:
    """公示: every 拟兑现 payout of an approved batch becomes 已公示 (one audit event per payout)."""
    require(actor, "fulfillment.review")
    job = _job(session, job_id)
    if job.review != "approved":
        raise Conflict("批次审核通过后才能公示。")
    payouts = list(session.scalars(select(Payout).where(Payout.job_id == job.id, Payout.status == "proposed")))
    for payout in payouts:
        _change(session, actor, payout, "published", "公示")
    session.commit()
    return len(payouts)


def set_payout_status(payout_id: int, status: str, *, session: Session, actor: Actor, key: DataKey,
                      note: str = "") -> PayoutView:
    require(actor, "fulfillment.review")
    payout = session.get(Payout, payout_id)
    if payout is None:
        raise NotFound("没有这笔兑现记录。")
    if status not in PAYOUT_STATUSES:
        raise ValidationFailed(f"状态只能是：{'、'.join(f'{k}（{v}）' for k, v in PAYOUT_STATUSES.items())}。")
    job = _job(session, payout.job_id)
    if job.review != "approved" and status != "returned":
        raise Conflict("批次审核通过后才能公示或拨付。")
    if (payout.status, status) not in TRANSITIONS:
        raise Conflict(f"“{PAYOUT_STATUSES[payout.status]}”的记录不能改为“{PAYOUT_STATUSES[status]}”。")
    if status in NEEDS_NOTE and not note.strip():
        raise ValidationFailed("退回须写明理由。")
    _change(session, actor, payout, status, note.strip())
    session.commit()
    return _payout_view(rule_book()[job.rule], payout, key, reveal=False)


def _change(session: Session, actor: Actor, payout: Payout, status: str, note: str) -> None:
    record("fulfillment.payout.status", session=session, actor=actor, object_type="fulfillment_payout",
           object_id=payout.id, detail={"job": payout.job_id, "row": payout.row_no, "from": payout.status,
                                        "to": status, "note": note})
    payout.status, payout.status_note = status, note
    payout.status_changed_at, payout.status_changed_by = utcnow(), actor.user_id


def _sheet(job: FulfillmentJob, bound: BoundRule, payouts: list[Payout], key: DataKey, *, reveal: bool,
           title: str) -> ListSheet:
    views = [_payout_view(bound, p, key, reveal=reveal) for p in payouts]
    labels = [f.label for f in bound.rule.fields if f.identity]
    headers = ["序号", *labels, f"{bound.rule.amount_label}（元）", "状态"]
    rows = [[number, *[v.applicant.get(label, "") for label in labels], fen_to_yuan(p.amount_fen), v.status_label]
            for number, (v, p) in enumerate(zip(views, payouts, strict=True), start=1)]
    total = sum((fen_to_yuan(p.amount_fen) for p in payouts), start=fen_to_yuan(0))
    note = (f"依据：{bound.citation.short(bound.document.title)}；评估日期：{job.evaluation_date.isoformat()}；"
            f"共 {len(payouts)} 笔")
    return ListSheet(title=f"{bound.rule.label}免申即享{title}", note=note, headers=headers, rows=rows, total=total)


def publicity_workbook(job_id: int, *, session: Session, actor: Actor, key: DataKey) -> tuple[str, bytes]:
    """The 公示 list (.xlsx): names and identifiers masked; returned payouts left out."""
    require(actor, "fulfillment.view")
    job = _job(session, job_id)
    if job.review != "approved":
        raise Conflict("批次审核通过后才能导出公示名单。")
    payouts = list(session.scalars(select(Payout).where(Payout.job_id == job.id, Payout.status != "returned")
                                   .order_by(Payout.row_no)))
    sheet = _sheet(job, rule_book()[job.rule], payouts, key, reveal=False, title="名单（公示）")
    return f"公示名单-批次{job.id}.xlsx", workbook_bytes(sheet)


def payout_workbook(job_id: int, *, session: Session, actor: Actor, key: DataKey, reason: str) -> tuple[str, bytes]:
    """The payout list (.xlsx) for the paying bank: whole identities of published and paid payouts. The
    export is personal data: it needs a reason, and is audited with it (never with the values)."""
    require(actor, "fulfillment.reveal")
    reason = _reason(reason)
    job = _job(session, job_id)
    if job.review != "approved":
        raise Conflict("批次审核通过后才能导出拨付清单。")
    payouts = list(session.scalars(select(Payout).where(Payout.job_id == job.id,
                                                        Payout.status.in_(("published", "paid")))
                                   .order_by(Payout.row_no)))
    bound = rule_book()[job.rule]
    sheet = _sheet(job, bound, payouts, key, reveal=True, title="拨付清单")
    record("fulfillment.payouts.export", session=session, actor=actor, object_type="fulfillment_job",
           object_id=job.id, detail={"payouts": len(payouts), "reason": reason,
                                     "fields": [f.name for f in bound.rule.fields if f.identity]})
    session.commit()
    return f"拨付清单-批次{job.id}.xlsx", workbook_bytes(sheet)

"""Running a batch in the background, as a job of the job queue (``taizhang.jobs``): the upload
enqueues it, and whichever worker claims it — the worker thread of any server process, or a
``taizhang worker`` process on any host — computes it, once.

``service.run_job`` commits progress after every chunk, so the page and
``GET /api/v1/fulfillment/jobs/{id}`` show it. A worker that dies mid-batch loses its lease and the
batch is claimed again; ``run_job`` replaces the partial rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from taizhang.auth.models import User
from taizhang.auth.permissions import Actor
from taizhang.auth.service import actor_for
from taizhang.errors import PermissionDenied, TaizhangError
from taizhang.fulfillment import service
from taizhang.jobs import service as jobs
from taizhang.jobs.worker import JobContext, handler
from taizhang.privacy.crypto import load_key

BATCH = "fulfillment.batch"


def enqueue(batch_id: int, *, session: Session, actor: Actor) -> int | None:
    """Queue a batch to be computed on behalf of ``actor`` (who uploaded it); commits."""
    payload = {"batch_id": batch_id, "user_id": actor.user_id, "source_ip": actor.source_ip}
    return jobs.enqueue(BATCH, payload, session=session, dedupe_key=f"{BATCH}:{batch_id}")


@handler(BATCH)
def run_batch(context: JobContext) -> dict[str, Any]:
    settings, payload = context.settings, context.payload
    with context.database.writing() as session:
        user = session.get(User, payload["user_id"])
        if user is None or not user.active:
            raise PermissionDenied("上传该批次的用户已停用，批次不再计算。")
        actor = actor_for(user, payload.get("source_ip"))
        try:
            service.run_job(payload["batch_id"], session=session, actor=actor,
                            storage=settings.data_dir / "fulfillment", key=load_key(settings.key_file))
        except TaizhangError as exc:  # recorded on the batch for its users; running it again would not help
            return {"batch_id": payload["batch_id"], "failed": exc.message}
    return {"batch_id": payload["batch_id"]}

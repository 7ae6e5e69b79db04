"""The JSON API under /api/v1: one router per resource, assembled here."""

from fastapi import APIRouter

from taizhang.web.api import (
    admin,
    attachments,
    documents,
    fulfillment,
    me,
    notices,
    policies,
    reports,
    rules,
    scores,
    security,
    tasks,
    urging,
)
from taizhang.web.api.schemas import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
for module in (me, policies, tasks, reports, attachments, notices, urging, scores, admin, security, documents):
    router.include_router(module.router)
for module in (rules, fulfillment):  # 政策兑现 and 免申即享
    router.include_router(module.router)

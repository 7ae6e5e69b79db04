"""The JSON API under /api/v1: one router per resource, assembled here."""

from fastapi import APIRouter

from taizhang.web.api import admin, attachments, me, notices, policies, reports, scores, tasks, urging

router = APIRouter(prefix="/api/v1")
for module in (me, policies, tasks, reports, attachments, notices, urging, scores, admin):
    router.include_router(module.router)

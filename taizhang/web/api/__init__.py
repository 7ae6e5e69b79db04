"""The JSON API under /api/v1: one router per resource, assembled here."""

from fastapi import APIRouter

from taizhang.web.api import policies, tasks

router = APIRouter(prefix="/api/v1")
router.include_router(policies.router)
router.include_router(tasks.router)

"""/api/v1/me: who is asking."""

from typing import Annotated

from fastapi import APIRouter

from taizhang.auth.models import User
from taizhang.web.api.schemas import UserOut
from taizhang.web.deps import Login, permit

router = APIRouter(tags=["账号"])


@router.get("/me", summary="当前用户", response_model=UserOut)
def me(login: Annotated[Login, permit("account.session")]) -> User:
    return login.user

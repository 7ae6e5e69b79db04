"""Account use cases: the first administrator, users, login, server-side sessions, passwords."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from taizhang.audit.service import record
from taizhang.auth.models import ROLES, ApiToken, User, WebSession
from taizhang.auth.passwords import hash_password, one_time_password, verify_password
from taizhang.auth.permissions import ADMIN, REPORTER, Actor, require
from taizhang.db.base import utcnow
from taizhang.errors import Conflict, NotFound, ValidationFailed

MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class NewAccount:
    username: str
    password: str  # shown once, never stored


@dataclass(frozen=True)
class SessionInfo:
    token: str  # goes into the cookie; only its hash is stored
    csrf_token: str
    user_id: int


def actor_for(user: User, source_ip: str | None = None) -> Actor:
    return Actor(user_id=user.id, username=user.username, role=user.role, unit_id=user.unit_id, source_ip=source_ip)


def ensure_admin(*, session: Session, username: str = "admin") -> NewAccount | None:
    """Create the first administrator with a fresh one-time password, once; None if one exists."""
    if session.scalar(select(func.count()).select_from(User).where(User.role == ADMIN)):
        return None
    password = one_time_password()
    user = User(username=username, display_name="系统管理员", password_hash=hash_password(password), role=ADMIN,
                must_change_password=True)
    session.add(user)
    session.flush()
    record("user.create", session=session, actor=Actor.system(), object_type="user", object_id=user.id,
           detail={"username": username, "role": ADMIN, "first_admin": True})
    session.commit()
    return NewAccount(username=username, password=password)


def create_user(
    username: str, *, session: Session, actor: Actor, role: str, display_name: str | None = None,
    unit_id: int | None = None,
) -> NewAccount:
    require(actor, "user.manage")
    if role not in ROLES:
        raise ValidationFailed(f"角色“{role}”不存在；可选：{'、'.join(f'{k}（{v}）' for k, v in ROLES.items())}。")
    if role == REPORTER and unit_id is None:
        raise ValidationFailed("单位填报员必须绑定一个单位。")
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict(f"用户名“{username}”已存在。")
    password = one_time_password()
    user = User(username=username, display_name=display_name or username, password_hash=hash_password(password),
                role=role, unit_id=unit_id, must_change_password=True)
    session.add(user)
    session.flush()
    record("user.create", session=session, actor=actor, object_type="user", object_id=user.id,
           detail={"username": username, "role": role, "unit_id": unit_id})
    session.commit()
    return NewAccount(username=username, password=password)


def authenticate(username: str, password: str, *, session: Session, source_ip: str | None = None) -> User | None:
    """The user, if the password matches an active account. Failures are audited with no detail
    about which part was wrong."""
    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else None, password) and user is not None and user.active
    actor = actor_for(user, source_ip) if user else Actor(None, username[:64], "anonymous", source_ip=source_ip)
    record("login.success" if ok else "login.failure", session=session, actor=actor, object_type="user",
           object_id=user.id if user else None, outcome="success" if ok else "failure")
    session.commit()
    return user if ok else None


def start_session(user: User, *, session: Session) -> SessionInfo:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(WebSession(id=_digest(token), user_id=user.id, csrf_token=csrf))
    session.commit()
    return SessionInfo(token=token, csrf_token=csrf, user_id=user.id)


def resolve_session(
    token: str, *, session: Session, idle: timedelta, absolute: timedelta, now: datetime | None = None
) -> tuple[User, WebSession] | None:
    """The user behind a session cookie, or None when unknown, expired or the user is disabled.
    Touches the idle timer (at most once a minute, to keep reads cheap)."""
    now = now or utcnow()
    row = session.get(WebSession, _digest(token))
    if row is None:
        return None
    if now - row.last_seen_at > idle or now - row.created_at > absolute or not row.user.active:
        session.delete(row)
        session.commit()
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
        session.commit()
    return row.user, row


def end_session(token: str, *, session: Session, actor: Actor) -> None:
    session.execute(delete(WebSession).where(WebSession.id == _digest(token)))
    record("logout", session=session, actor=actor, object_type="user", object_id=actor.user_id)
    session.commit()


def change_password(user_id: int, current: str, new: str, *, session: Session, actor: Actor) -> None:
    require(actor, "account.password")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在。")
    if not verify_password(user.password_hash, current):
        record("password.change", session=session, actor=actor, object_type="user", object_id=user_id,
               outcome="failure")
        session.commit()
        raise ValidationFailed("当前密码不正确。", details=[{"field": "current", "message": "当前密码不正确"}])
    problems = password_problems(new, username=user.username)
    if verify_password(user.password_hash, new):
        problems.append("新密码不能与当前密码相同")
    if problems:
        raise ValidationFailed("新密码不符合要求：" + "；".join(problems) + "。",
                               details=[{"field": "new", "message": p} for p in problems])
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    record("password.change", session=session, actor=actor, object_type="user", object_id=user_id)
    session.commit()


def password_problems(password: str, *, username: str) -> list[str]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"长度至少{MIN_PASSWORD_LENGTH}位")
    classes = sum(
        (any(c.islower() for c in password), any(c.isupper() for c in password), any(c.isdigit() for c in password),
         any(not c.isalnum() for c in password))
    )
    if classes < 3:
        problems.append("须包含大写字母、小写字母、数字、符号中的至少三类")
    if username and username.lower() in password.lower():
        problems.append("不能包含用户名")
    return problems


def get_user(user_id: int, *, session: Session) -> User | None:
    return session.get(User, user_id)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


TOKEN_PREFIX = "tz_"


def create_token(user_id: int, name: str, *, session: Session, actor: Actor) -> tuple[ApiToken, str]:
    """An API token for a user; the secret is returned once and only its hash is kept."""
    require(actor, "token.manage")
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound("用户不存在或已停用。")
    if not name.strip():
        raise ValidationFailed("请为令牌起一个名称（用途）。")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name.strip()[:100], token_hash=_digest(secret), user_id=user.id, created_by=actor.user_id)
    session.add(token)
    session.flush()
    record("token.create", session=session, actor=actor, object_type="api_token", object_id=token.id,
           detail={"user_id": user.id, "name": token.name})
    session.commit()
    return token, secret


def revoke_token(token_id: int, *, session: Session, actor: Actor) -> None:
    require(actor, "token.manage")
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("令牌不存在。")
    token.revoked_at = token.revoked_at or utcnow()
    record("token.revoke", session=session, actor=actor, object_type="api_token", object_id=token.id)
    session.commit()


def resolve_token(secret: str, *, session: Session) -> User | None:
    """The user behind a bearer token, if the token is known, not revoked and the user active."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
        session.commit()
    return token.user


def list_users(*, session: Session, actor: Actor) -> list[User]:
    require(actor, "user.manage")
    return list(session.scalars(select(User).order_by(User.id)))

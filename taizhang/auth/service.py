"""Account use cases: the first administrator, users and roles, login with lockout and a second
factor, server-side sessions, passwords with history and expiry, API tokens.

Times are parameters (``now``) so the lockout and expiry rules are tested with an injected clock.
Failed logins answer the same way whether the user exists, the password is wrong or the account is
locked; the reason is only in the audit trail.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

from taizhang.audit.service import record
from taizhang.auth import totp
from taizhang.auth.models import ROLES, ApiToken, PasswordHistory, User, WebSession
from taizhang.auth.passwords import hash_password, one_time_password, verify_password
from taizhang.auth.permissions import ADMIN, AUDIT_ADMIN, REPORTER, SECURITY_ADMIN, Actor, require
from taizhang.auth.policy import (
    DEFAULT_LOCKOUT,
    DEFAULT_PASSWORDS,
    LockoutPolicy,
    PasswordPolicy,
    password_problems,
)
from taizhang.db.base import utcnow
from taizhang.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from taizhang.privacy.crypto import DataKey

LOGIN_FAILED = "用户名或密码不正确；连续输错多次账号将被临时锁定。"
FULL, SECOND_FACTOR = "full", "second_factor"
CODE_TRIES = 3
CODE_MINUTES = 5
TOKEN_PREFIX = "tz_"


@dataclass(frozen=True)
class NewAccount:
    username: str
    password: str  # shown once, never stored


@dataclass(frozen=True)
class SessionInfo:
    token: str  # goes into the cookie; only its hash is stored
    csrf_token: str
    user_id: int
    stage: str


def actor_for(user: User, source_ip: str | None = None) -> Actor:
    return Actor(user_id=user.id, username=user.username, role=user.role, unit_id=user.unit_id, source_ip=source_ip)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- accounts


FIRST_ACCOUNTS = ((ADMIN, "admin", "系统管理员"), (SECURITY_ADMIN, "secadmin", "安全管理员"),
                  (AUDIT_ADMIN, "auditor", "审计管理员"))
# Roles only the security administrator grants (or the server's operator, at first setup).
PRIVILEGED = frozenset({ADMIN, SECURITY_ADMIN, AUDIT_ADMIN})


def ensure_first_accounts(*, session: Session) -> list[NewAccount]:
    """The three administrators of 三权分立, each created once with a fresh one-time password (no
    default account or password exists); returns the accounts created now."""
    created = []
    for role, username, title in FIRST_ACCOUNTS:
        if session.scalar(select(func.count()).select_from(User).where(User.role == role)):
            continue
        if session.scalar(select(User).where(User.username == username)):
            raise Conflict(f"用户名“{username}”已被占用，无法创建{title}账号。")
        password = one_time_password()
        user = User(username=username, display_name=title, password_hash=hash_password(password), role=role,
                    must_change_password=True)
        session.add(user)
        session.flush()
        record("user.create", session=session, actor=Actor.system(), object_type="user", object_id=user.id,
               detail={"username": username, "role": role, "first_setup": True})
        created.append(NewAccount(username=username, password=password))
    session.commit()
    return created


def create_user(
    username: str, *, session: Session, actor: Actor, role: str, display_name: str | None = None,
    unit_id: int | None = None,
) -> NewAccount:
    require(actor, "user.manage")
    if role not in ROLES:
        raise ValidationFailed(f"角色“{role}”不存在；可选：{'、'.join(f'{k}（{v}）' for k, v in ROLES.items())}。")
    if role in PRIVILEGED and not actor.is_system:
        raise PermissionDenied("管理员类角色只能由安全管理员授予：请先以业务角色创建账号。")
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


def list_users(*, session: Session, actor: Actor) -> list[User]:
    require(actor, "user.view")
    return list(session.scalars(select(User).order_by(User.id)))


def set_active(user_id: int, active: bool, *, session: Session, actor: Actor) -> User:
    """Disable or re-enable an account; disabling ends every session of that user at once."""
    require(actor, "user.manage")
    user = _user(session, user_id)
    if user.id == actor.user_id and not active:
        raise ValidationFailed("不能停用自己的账号。")
    user.active = active
    if not active:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    record("user.enable" if active else "user.disable", session=session, actor=actor, object_type="user",
           object_id=user.id)
    session.commit()
    return user


def grant_role(user_id: int, role: str, *, session: Session, actor: Actor) -> User:
    """Role grants belong to the security administrator, who cannot change their own role."""
    require(actor, "role.grant")
    user = _user(session, user_id)
    if role not in ROLES:
        raise ValidationFailed(f"角色“{role}”不存在。")
    if user.id == actor.user_id:
        raise PermissionDenied("不能修改自己的角色。")
    if role == REPORTER and user.unit_id is None:
        raise ValidationFailed("单位填报员必须绑定一个单位。")
    before, user.role = user.role, role
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    record("role.grant", session=session, actor=actor, object_type="user", object_id=user.id,
           detail={"from": before, "to": role})
    session.commit()
    return user


def unlock(user_id: int, *, session: Session, actor: Actor) -> User:
    require(actor, "user.unlock")
    user = _user(session, user_id)
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    record("user.unlock", session=session, actor=actor, object_type="user", object_id=user.id)
    session.commit()
    return user


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在。")
    return user


# ---------------------------------------------------------------- login


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    needs_second_factor: bool = False


def authenticate(
    username: str, password: str, *, session: Session, source_ip: str | None = None,
    lockout: LockoutPolicy = DEFAULT_LOCKOUT, password_policy: PasswordPolicy = DEFAULT_PASSWORDS,
    now: datetime | None = None,
) -> User | None:
    """The user, if the password matches an active, unlocked account. Failures are counted per
    account: ``lockout.threshold`` within ``lockout.window`` lock it for ``lockout.duration``."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username))
    matches = verify_password(user.password_hash if user else None, password)
    actor = actor_for(user, source_ip) if user else Actor(None, username[:64], "anonymous", source_ip=source_ip)
    if user is None or not user.active:
        record("login.failure", session=session, actor=actor, outcome="failure",
               detail={"reason": "unknown" if user is None else "disabled"})
        session.commit()
        return None
    if user.locked_until is not None and user.locked_until > now:
        record("login.failure", session=session, actor=actor, object_type="user", object_id=user.id,
               outcome="failure", detail={"reason": "locked"})
        session.commit()
        return None
    if not matches:
        _count_failure(session, user, actor, lockout, now)
        session.commit()
        return None
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    if password_policy.expired(user.password_changed_at, now):
        user.must_change_password = True
    record("login.success", session=session, actor=actor, object_type="user", object_id=user.id)
    session.commit()
    return user


def _count_failure(session: Session, user: User, actor: Actor, lockout: LockoutPolicy, now: datetime) -> None:
    if user.first_failed_at is None or now - user.first_failed_at > lockout.window:
        user.first_failed_at, user.failed_logins = now, 0
    user.failed_logins += 1
    record("login.failure", session=session, actor=actor, object_type="user", object_id=user.id, outcome="failure",
           detail={"reason": "password", "failures": user.failed_logins})
    if user.failed_logins >= lockout.threshold:
        user.locked_until = now + lockout.duration
        user.failed_logins, user.first_failed_at = 0, None
        record("login.lockout", session=session, actor=actor, object_type="user", object_id=user.id,
               detail={"until": user.locked_until.isoformat()})


def start_session(user: User, *, session: Session, second_factor: bool = False) -> SessionInfo:
    """A new session (a new id at every login). With ``second_factor`` it only opens the code step."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    stage = SECOND_FACTOR if second_factor else FULL
    session.add(WebSession(id=_digest(token), user_id=user.id, csrf_token=csrf, stage=stage))
    session.commit()
    return SessionInfo(token=token, csrf_token=csrf, user_id=user.id, stage=stage)


@dataclass(frozen=True)
class FoundSession:
    user: User
    row: WebSession
    state: str  # "active"; "stale" (idle timer due for a touch); "expired"


def find_session(
    token: str, *, session: Session, idle: timedelta, absolute: timedelta, now: datetime | None = None,
) -> FoundSession | None:
    """The session behind a cookie and its state, read only (most requests write nothing)."""
    now = now or utcnow()
    row = session.get(WebSession, _digest(token))
    if row is None:
        return None
    if now - row.last_seen_at > idle or now - row.created_at > absolute or not row.user.active:
        return FoundSession(row.user, row, "expired")
    # The idle timer is touched at most once a minute, to keep reads cheap.
    return FoundSession(row.user, row, "stale" if now - row.last_seen_at > timedelta(minutes=1) else "active")


def touch_session(token: str, *, session: Session, now: datetime | None = None) -> None:
    row = session.get(WebSession, _digest(token))
    if row is not None:
        row.last_seen_at = now or utcnow()
        session.commit()


def expire_session(token: str, *, session: Session, source_ip: str | None = None) -> None:
    """End a session that timed out (or whose user was disabled), recording the timeout."""
    row = session.get(WebSession, _digest(token))
    if row is None:
        return
    record("session.timeout", session=session, actor=actor_for(row.user, source_ip), object_type="user",
           object_id=row.user_id)
    session.delete(row)
    session.commit()


def end_sessions(user_id: int, *, session: Session, actor: Actor) -> None:
    """Logout: every session of the user ends, on every device."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    record("logout", session=session, actor=actor, object_type="user", object_id=user_id)
    session.commit()


# ---------------------------------------------------------------- second factor


def enrol_second_factor(user_id: int, *, session: Session, actor: Actor, key: DataKey) -> str:
    """A new secret for the authenticator app (stored encrypted, enabled once a code confirms it)."""
    require(actor, "account.password")
    user = _user(session, user_id)
    if user.totp_enabled:
        raise Conflict("动态口令已启用。如需更换，请联系安全管理员重置。")
    secret = totp.new_secret()
    user.totp_secret = key.encrypt(secret)
    record("totp.enrol", session=session, actor=actor, object_type="user", object_id=user.id)
    session.commit()
    return secret


def pending_second_factor(token: str, *, session: Session, now: datetime | None = None,
                          ) -> tuple[User, WebSession] | None:
    """The half-open session waiting for its one-time code (it lasts CODE_MINUTES)."""
    row = session.get(WebSession, _digest(token)) if token else None
    if row is None or row.stage != SECOND_FACTOR or not row.user.active:
        return None
    if (now or utcnow()) - row.created_at > timedelta(minutes=CODE_MINUTES):
        return None
    return row.user, row


def confirm_second_factor(user_id: int, code: str, *, session: Session, actor: Actor, key: DataKey,
                          now: datetime | None = None) -> bool:
    """Switch on the second factor a logged-in user has just added to an authenticator app."""
    require(actor, "account.password")
    user = _user(session, user_id)
    if user.totp_secret is None:
        raise ValidationFailed("请先生成动态口令密钥。")
    step = totp.matching_step(key.decrypt(user.totp_secret), code, now or utcnow(), user.totp_last_step)
    if step is None:
        record("totp.failure", session=session, actor=actor, object_type="user", object_id=user.id,
               outcome="failure", detail={"enrolment": True})
        session.commit()
        return False
    user.totp_last_step, user.totp_enabled = step, True
    record("totp.enable", session=session, actor=actor, object_type="user", object_id=user.id)
    session.commit()
    return True


def check_code(token: str, code: str, *, session: Session, key: DataKey, now: datetime | None = None,
               source_ip: str | None = None) -> SessionInfo | None:
    """Finish a login with the one-time code: the session is replaced by a full one with a new id.
    A wrong code counts; after the third the half-open session ends and the password is asked again."""
    now = now or utcnow()
    pending = pending_second_factor(token, session=session, now=now)
    if pending is None:
        return None
    user, row = pending
    actor = actor_for(user, source_ip)
    step = totp.matching_step(key.decrypt(user.totp_secret), code, now, user.totp_last_step) if user.totp_secret \
        else None
    if step is None:
        row.code_tries += 1
        record("totp.failure", session=session, actor=actor, object_type="user", object_id=user.id, outcome="failure",
               detail={"tries": row.code_tries})
        if row.code_tries >= CODE_TRIES:
            session.delete(row)
        session.commit()
        return None
    user.totp_last_step = step
    if not user.totp_enabled:
        user.totp_enabled = True
        record("totp.enable", session=session, actor=actor, object_type="user", object_id=user.id)
    session.delete(row)
    record("totp.success", session=session, actor=actor, object_type="user", object_id=user.id)
    session.commit()
    return start_session(user, session=session)


def reset_second_factor(user_id: int, *, session: Session, actor: Actor) -> None:
    require(actor, "user.unlock")
    user = _user(session, user_id)
    user.totp_secret, user.totp_enabled, user.totp_last_step = None, False, None
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    record("totp.reset", session=session, actor=actor, object_type="user", object_id=user.id)
    session.commit()


# ---------------------------------------------------------------- passwords


def change_password(
    user_id: int, current: str, new: str, *, session: Session, actor: Actor,
    policy: PasswordPolicy = DEFAULT_PASSWORDS, context: tuple[str, ...] = (), now: datetime | None = None,
) -> None:
    require(actor, "account.password")
    user = _user(session, user_id)
    if not verify_password(user.password_hash, current):
        record("password.change", session=session, actor=actor, object_type="user", object_id=user_id,
               outcome="failure", detail={"reason": "current"})
        session.commit()
        raise ValidationFailed("当前密码不正确。", details=[{"field": "current", "message": "当前密码不正确"}])
    unit_words = (user.unit.name, user.unit.short_name) if user.unit else ()
    problems = password_problems(new, policy, username=user.username, context=(*context, *unit_words))
    recent = [user.password_hash] + list(session.scalars(
        select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.id.desc()).limit(max(0, policy.history - 1))
    ))
    if policy.history and any(verify_password(h, new) for h in recent[: policy.history]):
        problems.append(f"不能与最近{policy.history}次用过的密码相同")
    if problems:
        raise ValidationFailed("新密码不符合要求：" + "；".join(problems) + "。",
                               details=[{"field": "new", "message": p} for p in problems])
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = now or utcnow()
    record("password.change", session=session, actor=actor, object_type="user", object_id=user_id)
    session.commit()


def get_user(user_id: int, *, session: Session) -> User | None:
    return session.get(User, user_id)


# ---------------------------------------------------------------- API tokens


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


def create_token_for(username: str, name: str, *, session: Session, actor: Actor) -> tuple[ApiToken, str]:
    """``create_token`` for the user with this username (``taizhang token-create``)."""
    require(actor, "token.manage")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户“{username}”不存在。")
    return create_token(user.id, name, session=session, actor=actor)


def revoke_token(token_id: int, *, session: Session, actor: Actor) -> None:
    require(actor, "token.manage")
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("令牌不存在。")
    token.revoked_at = token.revoked_at or utcnow()
    record("token.revoke", session=session, actor=actor, object_type="api_token", object_id=token.id)
    session.commit()


def resolve_token(secret: str, *, session: Session) -> ApiToken | None:
    """The live token behind a bearer secret: known, not revoked, its user active (read only)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).options(joinedload(ApiToken.user))
                           .where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token


def token_needs_touch(token: ApiToken, now: datetime | None = None) -> bool:
    return token.last_used_at is None or (now or utcnow()) - token.last_used_at > timedelta(minutes=5)


def touch_token(token_id: int, *, session: Session, now: datetime | None = None) -> None:
    token = session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = now or utcnow()
        session.commit()

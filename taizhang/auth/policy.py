"""Pure: the password and lockout rules (等保三级 身份鉴别), given as values, never read from settings here.

A password must be long enough, mix enough character classes, not be one of the most common
passwords (zxcvbn's 3000 most frequent, copied into data/common-passwords.txt, plus a list common in
China) nor merely one of them with digits or symbols around it, and not contain context words: the
username, 赣州/ganzhou, the unit's name. The last few passwords cannot be reused; passwords expire after a number of days (0 = never).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources

PASSWORD_LISTS = ("common-passwords.txt", "common-passwords-zh.txt")  # in taizhang/auth/data/
CONTEXT_WORDS = ("赣州", "ganzhou", "taizhang", "台账")


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 12
    min_classes: int = 3
    history: int = 5
    max_age_days: int = 90

    def expired(self, changed_at: datetime, now: datetime) -> bool:
        return self.max_age_days > 0 and now - changed_at > timedelta(days=self.max_age_days)


@dataclass(frozen=True)
class LockoutPolicy:
    threshold: int = 5
    window: timedelta = timedelta(minutes=15)
    duration: timedelta = timedelta(minutes=30)


DEFAULT_PASSWORDS = PasswordPolicy()
DEFAULT_LOCKOUT = LockoutPolicy()


def read_password_list(name: str) -> list[str]:
    """One of the bundled lists in taizhang/auth/data/, in file order, without comment lines."""
    text = resources.files("taizhang.auth").joinpath("data", name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    return frozenset(word.lower() for name in PASSWORD_LISTS for word in read_password_list(name))


def classes(password: str) -> int:
    return sum((
        any(c.islower() for c in password), any(c.isupper() for c in password),
        any(c.isdigit() for c in password), any(not c.isalnum() for c in password),
    ))


def password_problems(password: str, policy: PasswordPolicy, *, username: str = "",
                      context: tuple[str, ...] = ()) -> list[str]:
    """Everything wrong with a new password, in Chinese (empty when it is acceptable)."""
    problems = []
    if len(password) < policy.min_length:
        problems.append(f"长度至少{policy.min_length}位")
    if classes(password) < policy.min_classes:
        problems.append(f"须包含大写字母、小写字母、数字、符号中的至少{policy.min_classes}类")
    lowered = password.lower()
    core = re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered)
    if lowered in common_passwords() or (len(core) >= 4 and core in common_passwords()):
        problems.append("是常见密码或由常见密码加数字、符号组成，容易被猜中")
    words = [w for w in (username, *CONTEXT_WORDS, *context) if w and len(w) >= 2]
    if any(w.lower() in lowered for w in words):
        problems.append("不能包含用户名、单位名称或“赣州”等与本系统相关的词")
    return problems

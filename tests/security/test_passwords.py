"""Passwords (等保 身份鉴别): length and character classes, common and context words refused,
argon2id hashes, the last five not reusable, expiry after 90 days; no default account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from taizhang.auth import service as accounts
from taizhang.auth.models import User
from taizhang.auth.passwords import hash_password
from taizhang.auth.permissions import Actor
from taizhang.auth.policy import PasswordPolicy, common_passwords, password_problems, read_password_list
from taizhang.db.base import utcnow
from taizhang.errors import ValidationFailed

POLICY = PasswordPolicy()
GOOD = "Tide-Lantern-47"


@pytest.mark.parametrize(("password", "problem"), [
    ("Short#1a", "长度至少12位"),
    ("alllowercaseletters", "至少3类"),
    ("ALLUPPER123456", "至少3类"),
    ("Password123!!", "常见密码"),  # "password" with digits and symbols around it
    ("Qwerty123456!", "常见密码"),
    ("Woaini1314!!", "常见密码"),  # from the Chinese list
    ("Ganzhou#2020ab", "赣州"),
    ("赣州市政府Abc#12345", "赣州"),
])
def test_weak_passwords_are_refused_with_the_reason(password, problem):
    problems = password_problems(password, POLICY)
    assert any(problem in p for p in problems), problems


def test_a_long_mixed_uncommon_password_is_accepted():
    assert password_problems(GOOD, POLICY) == []


def test_the_username_and_the_unit_name_are_context_words():
    assert any("用户名" in p for p in password_problems("Zhanggong-2020#x", POLICY, username="zhanggong"))
    assert password_problems("Caizheng-Ledger-7", POLICY, context=("市财政局", "caizheng")) != []


def test_the_policy_is_configurable():
    relaxed = PasswordPolicy(min_length=8, min_classes=2)
    assert password_problems("kite7river", relaxed) == []
    assert password_problems("kite7river", POLICY) != []


@pytest.mark.parametrize("password", [
    "password1234", "qwertyuiop12", "iloveyou2020", "sunshine1234", "football1234",
    "Princess#2024", "Dragon!!1234", "Monkey12345!", "letmein12345",
])
def test_well_known_common_passwords_are_refused(password):
    assert any("常见密码" in p for p in password_problems(password, POLICY))


def test_the_vendored_list_is_zxcvbns_3000_most_common_in_order():
    top = read_password_list("common-passwords.txt")
    assert len(top) == len(set(top)) == 3000
    assert top[:4] == ["123456", "password", "12345678", "qwerty"]  # zxcvbn's order: most frequent first
    assert {"iloveyou", "dragon", "monkey", "letmein", "sunshine", "football"} <= set(top)


def test_the_refused_set_is_both_lists():
    refused = common_passwords()
    assert {"123456", "password", "qwerty", "dragon"} <= refused
    assert {"5201314", "woaini1314"} <= refused  # the Chinese list
    assert GOOD.lower() not in refused


def test_hashes_are_argon2id(session):
    assert hash_password(GOOD).startswith("$argon2id$")


def _user(session, username="wang", password="Old-Password#1"):
    user = User(username=username, display_name=username, password_hash=hash_password(password), role="leader")
    session.add(user)
    session.flush()
    return user


def _change(session, user, current, new, **kw):
    actor = Actor(user.id, user.username, user.role)
    accounts.change_password(user.id, current, new, session=session, actor=actor, **kw)


def test_the_last_five_passwords_cannot_be_used_again(session):
    user = _user(session)
    history = ["Old-Password#1"] + [f"Rotation-{n}-Harbor!" for n in range(1, 6)]
    for current, new in zip(history, history[1:], strict=False):
        _change(session, user, current, new)
    # now current = Rotation-5; the last five are Rotation-1..5
    for reused in history[1:]:
        with pytest.raises(ValidationFailed, match="最近5次"):
            _change(session, user, history[-1], reused)
    # the sixth-oldest (the first password) is allowed again
    _change(session, user, history[-1], history[0])


def test_a_wrong_current_password_changes_nothing(session):
    user = _user(session)
    before = user.password_hash
    with pytest.raises(ValidationFailed, match="当前密码不正确"):
        _change(session, user, "not-it", GOOD)
    assert user.password_hash == before


def test_passwords_expire_after_90_days_and_login_then_demands_a_change(session):
    user = _user(session)
    user.password_changed_at = utcnow() - timedelta(days=91)
    session.flush()
    logged_in = accounts.authenticate("wang", "Old-Password#1", session=session)
    assert logged_in is not None and logged_in.must_change_password
    fresh = _user(session, "li")
    fresh.password_changed_at = utcnow() - timedelta(days=89)
    assert not accounts.authenticate("li", "Old-Password#1", session=session).must_change_password


def test_expiry_zero_means_passwords_never_expire(session):
    user = _user(session)
    user.password_changed_at = utcnow() - timedelta(days=3650)
    never = PasswordPolicy(max_age_days=0)
    assert not accounts.authenticate("wang", "Old-Password#1", session=session, password_policy=never) \
        .must_change_password


def test_there_is_no_default_account_and_each_setup_password_is_fresh(session):
    assert session.scalar(select(func.count()).select_from(User)) == 0
    created = accounts.ensure_first_accounts(session=session)
    assert [a.username for a in created] == ["admin", "secadmin", "auditor"]
    assert len({a.password for a in created}) == 3
    assert all(len(a.password) >= 16 for a in created)
    assert accounts.ensure_first_accounts(session=session) == []  # only once
    users = session.scalars(select(User)).all()
    assert all(u.must_change_password for u in users)
    assert {u.role for u in users} == {"admin", "security_admin", "audit_admin"}

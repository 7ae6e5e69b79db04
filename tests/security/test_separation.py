"""三权分立: the system, security and audit administrators hold disjoint powers, an account has one
role, nobody grants themselves a role, and no route can change the audit trail."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from taizhang.auth import service as accounts
from taizhang.auth.models import User
from taizhang.auth.permissions import ACTIONS, Actor
from taizhang.errors import PermissionDenied
from tests.web.routes import route_table

ADMINS = ("admin", "security_admin", "audit_admin")
SHARED_READS = {"user.view", "account.password", "account.session"}


def _powers(role: str) -> set[str]:
    return {action for action, (roles, _) in ACTIONS.items() if role in roles}


@pytest.mark.parametrize(("one", "other"), list(itertools.combinations(ADMINS, 2)))
def test_the_three_administrators_share_no_power(one, other):
    assert _powers(one) & _powers(other) <= SHARED_READS


def test_each_power_of_the_division_belongs_where_the_standard_puts_it():
    assert {"user.manage", "backup.run"} <= _powers("admin")
    assert {"role.grant", "user.unlock"} <= _powers("security_admin")
    assert _powers("audit_admin") - SHARED_READS == {"audit.view", "audit.verify"}
    assert not any(a.startswith(("task.", "report.", "notice.")) for a in _powers("security_admin"))


def test_an_account_holds_exactly_one_role():
    assert isinstance(User.__table__.c.role.type.length, int)  # one column, one value


def _by(session, username) -> Actor:
    return accounts.actor_for(session.scalar(select(User).where(User.username == username)))


def test_nobody_grants_a_role_to_themselves_and_only_the_security_admin_grants(site):
    with site.database.writing() as s:
        secadmin = _by(s, "secadmin1")
        with pytest.raises(PermissionDenied, match="自己"):
            accounts.grant_role(secadmin.user_id, "admin", session=s, actor=secadmin)
        admin = _by(s, "admin1")
        with pytest.raises(PermissionDenied):
            accounts.grant_role(admin.user_id, "security_admin", session=s, actor=admin)
        with pytest.raises(PermissionDenied, match="安全管理员"):
            accounts.create_user("sneaky", session=s, actor=admin, role="audit_admin")
        leader = s.scalar(select(User).where(User.username == "leader1"))
        accounts.grant_role(leader.id, "audit_admin", session=s, actor=secadmin)
        assert s.get(User, leader.id).role == "audit_admin"


def test_a_role_change_ends_the_users_sessions(site):
    client = site.login("leader1")
    with site.database.writing() as s:
        accounts.grant_role(_by(s, "leader1").user_id, "supervisor", session=s, actor=_by(s, "secadmin1"))
    assert client.get("/api/v1/me").status_code == 401


def test_no_route_writes_to_the_audit_trail(site):
    writes = [r for r in route_table(site.app) if r.method != "GET" and "audit" in r.path]
    assert writes == []


def test_the_security_and_audit_administrators_see_no_business_data(site):
    for username, own_page in (("secadmin1", "/admin/users"), ("auditor1", "/audit")):
        client = site.login(username)
        assert client.get("/api/v1/tasks").status_code == 403
        assert client.get("/tasks").status_code == 403
        assert client.get("/api/v1/documents/ledger").status_code == 403
        home = client.get("/", follow_redirects=False)
        assert home.headers["location"] == own_page and client.get(own_page).status_code == 200

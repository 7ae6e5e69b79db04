"""The audit trail: who, role, address, event, object, outcome, request id and a zoned time for
every security and business event; append-only in the database; a hash chain that names the first
record edited or deleted by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from typer.testing import CliRunner

from taizhang.audit.models import AuditEvent
from taizhang.audit.service import verify_chain
from taizhang.auth.permissions import Actor
from taizhang.cli import app as cli_app
from taizhang.errors import PermissionDenied
from taizhang.settings import get_settings
from tests.security.conftest import csrf_of


def _events(database, **where) -> list[AuditEvent]:
    with database.reading() as s:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for field, value in where.items():
            query = query.where(getattr(AuditEvent, field) == value)
        events = list(s.scalars(query))
        s.expunge_all()
        return events


def test_a_login_is_recorded_with_who_role_address_time_zone_and_request_id(site):
    client = site.login("renshe")
    response = client.get("/api/v1/me", headers={"X-Request-ID": "trace-0001-abcd"})
    assert response.headers["X-Request-ID"] == "trace-0001-abcd"
    [event] = _events(site.database, action="login.success", actor_name="renshe")
    assert event.actor_role == "reporter" and event.source_ip == "testclient" and event.outcome == "success"
    assert event.at.tzinfo is not None and len(event.request_id) >= 16 and event.object_type == "user"


def test_the_request_id_of_a_change_is_the_one_the_client_sees(site):
    client = site.login("renshe")
    page = client.get("/account/password")
    response = client.post("/account/password", data={"csrf_token": csrf_of(page.text), "current": "wrong",
                                                      "new": "x", "confirm": "x"})
    [event] = _events(site.database, action="password.change", actor_name="renshe")
    assert event.outcome == "failure" and event.request_id == response.headers["X-Request-ID"]


def test_security_events_are_recorded(site):
    site.password_step(site.client(), "renshe", "Wrong-Password#1")
    client = site.login("office")  # second factor enrolment and success
    page = client.get("/account/password")
    client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    actions = {e.action for e in _events(site.database)}
    assert {"login.failure", "login.success", "totp.enrol", "totp.enable", "totp.success", "logout"} <= actions


def test_exports_and_downloads_are_recorded_with_the_filter_and_row_count(site):
    client = site.login("renshe")
    client.get("/api/v1/documents/ledger", params={"format": "csv"})
    [event] = _events(site.database, action="ledger.export")
    assert event.actor_name == "renshe" and "rows" in event.detail


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET outcome = 'success'", "DELETE FROM audit_event"])
def test_the_database_refuses_to_change_or_delete_audit_records(site, statement):
    site.password_step(site.client(), "renshe", "Wrong-Password#1")
    with site.database.writing() as s, pytest.raises(DatabaseError, match="audit records cannot be changed"):
        s.execute(text(statement))
    assert _events(site.database, action="login.failure")


def test_no_role_can_verify_or_read_the_audit_trail_except_the_audit_administrator(site):
    with site.database.reading() as s:
        for role in ("admin", "security_admin", "supervisor", "leader", "reporter"):
            with pytest.raises(PermissionDenied):
                verify_chain(session=s, actor=Actor(1, "x", role))
        assert verify_chain(session=s, actor=Actor(1, "auditor1", "audit_admin")).broken_at is None


def _tamper(database, statement: str) -> None:
    """What a person with direct database access could do: switch the guard off and edit."""
    with database.engine.begin() as conn:
        if database.engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        conn.execute(text(statement))


def _several_events(site) -> list[AuditEvent]:
    for n in range(4):
        site.password_step(site.client(), "renshe", f"Wrong-Password#{n}")
    return _events(site.database)


def test_verify_names_the_first_edited_record(site):
    events = _several_events(site)
    target = events[len(events) // 2]
    _tamper(site.database, f"UPDATE audit_event SET outcome = 'success' WHERE id = {target.id}")
    with site.database.reading() as s:
        report = verify_chain(session=s, actor=Actor.system())
    assert report.broken_at == target.id and "被修改" in report.reason


def test_verify_names_the_record_after_a_deleted_one(site):
    events = _several_events(site)
    gone, after = events[2], events[3]
    _tamper(site.database, f"DELETE FROM audit_event WHERE id = {gone.id}")
    with site.database.reading() as s:
        report = verify_chain(session=s, actor=Actor.system())
    assert report.broken_at == after.id and "修改或删除" in report.reason


def test_the_audit_verify_command(site, database_url, monkeypatch):
    events = _several_events(site)
    monkeypatch.setenv("TAIZHANG_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        intact = CliRunner().invoke(cli_app, ["audit", "verify"])
        assert intact.exit_code == 0 and f"{len(events)} 条" in intact.stdout and "完好" in intact.stdout
        _tamper(site.database, f"UPDATE audit_event SET actor_name = 'someone' WHERE id = {events[1].id}")
        broken = CliRunner().invoke(cli_app, ["audit", "verify"])
    finally:
        get_settings.cache_clear()
    assert broken.exit_code == 1 and f"第{events[1].id}条" in broken.stderr

"""The permission matrix, generated from the route table: every route × every role × own and other
unit's objects — refused where the role is not allowed, and where it is, answered with what the action
is for (tests/web/expectations.py ``EXPECTATIONS``: the resource asked for, the row written, only the unit's
own tasks) — ids ±1 probed, and the fields a unit may never change."""

from __future__ import annotations

from sqlalchemy import select

from taizhang.auth import service as accounts
from taizhang.auth.models import User
from taizhang.auth.permissions import ACTIONS, Actor
from taizhang.ledger.models import Task, Unit
from taizhang.web.app import create_app
from tests.conftest import app_settings
from tests.web.expectations import Seen, expectation
from tests.web.matrix import PUBLIC, ROLE_OF, ROLES, query_for
from tests.web.routes import route_table


def test_every_route_declares_exactly_one_permission(database, seed_text, tmp_path):
    app = create_app(app_settings(tmp_path), database)
    table = route_table(app)
    assert len(table) > 30
    for route in table:
        assert len(route.permits) == 1, f"{route.method} {route.path} 未声明权限（Permit）"
        action = route.permits[0].action
        assert action is None and (route.method, route.path) in PUBLIC or action in ACTIONS, route


def test_the_matrix(matrix):
    """Every route × every role. A role outside the action's list gets 403, a visitor the login; a
    unit reporter asking for another unit's object 403/404 with nothing of it in the body; every
    other allowed caller gets what the action is for (``EXPECTATIONS``), against the world as built."""
    app, tokens = matrix.app, matrix.tokens
    client = matrix.client()
    checked = allowed = 0
    for route in route_table(app):
        if route.path.startswith("/static") or (route.method, route.path) in PUBLIC:
            continue
        action = route.permits[0].action
        allowed_roles = ACTIONS[action][0]
        url = matrix.url(route.path)
        owns_object = "{" in route.path
        expect = expectation(route.method, route.path)
        for role in ROLES:
            kwargs = {"params": query_for(route.path), **matrix.body(route)}
            permitted = role != "anonymous" and ROLE_OF[role] in allowed_roles
            others = role == "reporter_other" and owns_object and "{policy_id}" not in route.path
            if permitted and not others:
                matrix.restore()
                kwargs |= (expect.given(matrix, role) if expect.given else None) or {}
            headers = {} if role == "anonymous" else {"Authorization": f"Bearer {tokens[role]}"}
            response = client.request(route.method, url, headers=headers, follow_redirects=False, **kwargs)
            where = f"{role} {route.method} {route.path} → {response.status_code} {response.text[:200]}"
            if role == "anonymous":
                assert response.status_code in (401, 303), where
            elif not permitted:
                assert response.status_code == 403, where
            elif others:
                assert response.status_code in (403, 404), where
                if route.path.startswith("/api/"):
                    assert set(response.json()) == {"error"}, where
            else:
                expect.check(Seen(matrix, role, response))
                allowed += 1
            checked += 1
    assert checked >= 150 and allowed >= 100


OBJECT_PARAMS = ("task_id", "report_id", "attachment_id", "notice_id")


def test_a_unit_without_tasks_finds_nothing_at_or_next_to_any_object_id(matrix, database):
    """Every route that names a task, report, attachment or notice, probed at the id and at ±1 by a
    unit reporter whose unit has no task: always 403/404 and no data in the body."""
    app, ids = matrix.app, matrix.ids
    with database.writing() as s:
        stranger = User(username="anyuan", display_name="安远县", password_hash="x", role="reporter",
                        unit_id=s.scalar(select(Unit.id).where(Unit.short_name == "安远县")))
        s.add(stranger)
        s.commit()
        _, secret = accounts.create_token(stranger.id, "probe", session=s, actor=Actor.system())
    client = matrix.client()
    probed = 0
    for route in route_table(app):
        params = [p for p in OBJECT_PARAMS if "{" + p + "}" in route.path]
        if not params:
            continue
        for delta in (-1, 0, 1):
            probe = {**ids, **{p: ids[p] + delta for p in params}}
            url = matrix.url(route.path, probe)
            response = client.request(route.method, url, headers={"Authorization": f"Bearer {secret}"},
                                      params=query_for(route.path), follow_redirects=False, **matrix.body(route))
            where = f"{route.method} {url} → {response.status_code} {response.text[:200]}"
            assert response.status_code in (403, 404), where
            if route.path.startswith("/api/"):
                assert set(response.json()) == {"error"}, where
            probed += 1
    assert probed >= 60


TAMPERING = {"lead_unit_id": 1, "unit_id": 1, "due_date": "2030-12-31", "target_value": "1", "title": "改过的标题",
             "content": "改过的内容", "targets": {"1": "1"}, "status": "completed"}


def _task_facts(database) -> list[tuple]:
    with database.reading() as s:
        tasks = s.scalars(select(Task).order_by(Task.id)).all()
        return [(t.id, t.title, t.content, t.due_date, t.lead_unit_id, t.status,
                 sorted((a.unit_id, a.role) for a in t.assignments),
                 sorted((i.id, str(i.target_value)) for i in t.indicators)) for t in tasks]


def test_a_reporter_cannot_change_units_deadline_target_or_content_through_any_route(matrix, database):
    """Every write route a unit reporter may call, called with fields that would change the task:
    JSON bodies with unknown fields are refused (422); forms ignore them; the tasks stay as they were
    (a lead unit may still split its own task into new county subtasks: those are new rows)."""
    client = matrix.client()
    before = _task_facts(database)
    tried = 0
    for route in route_table(matrix.app):
        action = route.permits[0].action
        if route.method == "GET" or action is None or "reporter" not in ACTIONS[action][0]:
            continue
        kwargs = matrix.body(route)
        url = matrix.url(route.path)
        headers = {"Authorization": f"Bearer {matrix.tokens['reporter_own']}"}
        if "json" in kwargs:
            response = client.request(route.method, url, headers=headers, json={**kwargs["json"], **TAMPERING})
            assert response.status_code == 422, f"{route.method} {route.path} → {response.status_code}"
        else:
            data = {**kwargs.get("data", {}), **{k: str(v) for k, v in TAMPERING.items()}}
            client.request(route.method, url, headers=headers, data=data, files=kwargs.get("files"))
        tried += 1
    assert tried >= 8
    existing = {facts[0] for facts in before}
    assert [facts for facts in _task_facts(database) if facts[0] in existing] == before

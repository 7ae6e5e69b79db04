"""The permission matrix, generated from the route table: every route × every role × own and other
unit's objects. A route without a declared permission, or without an example here, fails the suite."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from taizhang.auth import service as accounts
from taizhang.auth.permissions import ACTIONS, Actor
from taizhang.reporting import service as reporting
from taizhang.reporting.service import ReportInput
from taizhang.settings import Settings
from taizhang.supervision import service as supervision
from taizhang.web.app import create_app
from tests.web.routes import route_table
from tests.workflow.conftest import build_world

ROLES = ("anonymous", "admin", "supervisor", "leader", "reporter_own", "reporter_other")
ROLE_OF = {"admin": "admin", "supervisor": "supervisor", "leader": "leader", "reporter_own": "reporter",
           "reporter_other": "reporter"}
# Routes a visitor may use without logging in.
PUBLIC = {("GET", "/login"), ("POST", "/login")}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def site(database, seed_text, tmp_path):
    with database.writing() as s:
        world = build_world(s, seed_text)
        task = world.task("4")
        own = world.actor("市人社局")
        report = reporting.save_report(task.id, "2020-09", ReportInput(progress="见习基地新增40个"), session=s,
                                       actor=own, today=date(2020, 9, 20))
        reporting.submit_report(report.id, session=s, actor=own, today=date(2020, 9, 20))
        attachment = reporting.add_attachment(report.id, "名单.png", png(), session=s, actor=own,
                                              storage=tmp_path / "attachments", max_bytes=1 << 20)
        notice = supervision.issue_notice(task.id, session=s, actor=world.office, reason="请按时报送",
                                          today=date(2020, 9, 26))
        policy_id = task.measure.policy_id
        tokens = {}
        for role, key in (("admin", "管理员"), ("supervisor", "督查室"), ("leader", "领导"),
                          ("reporter_own", "市人社局"), ("reporter_other", "市财政局")):
            _, secret = accounts.create_token(world.users[key].id, role, session=s, actor=Actor.system())
            tokens[role] = secret
        spare_token, _ = accounts.create_token(world.users["领导"].id, "spare", session=s, actor=Actor.system())
        ids = {"task_id": task.id, "report_id": report.id, "attachment_id": attachment.id, "notice_id": notice.id,
               "policy_id": policy_id, "token_id": spare_token.id, "period": "2020-09"}
        county_id = world.unit("章贡区").id
        user_id = world.users["领导"].id
    settings = Settings(environment="test", database_url="sqlite://", data_dir=tmp_path)
    app = create_app(settings, database)
    return app, tokens, ids, county_id, user_id


def body_for(method: str, path: str, ids: dict, county_id: int, user_id: int) -> dict:
    """Example request bodies; a new write route must be added here."""
    examples = {
        ("PATCH", "/api/v1/policies/{policy_id}/settings"): {"json": {"due_day": 25}},
        ("POST", "/api/v1/tasks/{task_id}/subtasks"): {"json": {"subtasks": [{"unit_id": county_id}]}},
        ("POST", "/api/v1/tasks/{task_id}/close"): {"json": {"note": "已完成"}},
        ("POST", "/api/v1/tasks/{task_id}/assignments"): {"json": {"unit_id": county_id, "role": "co"}},
        ("POST", "/api/v1/tasks/{task_id}/light-override"): {"json": {"light": "yellow", "reason": "核查中"}},
        ("PUT", "/api/v1/tasks/{task_id}/reports/{period}"): {"json": {"progress": "补充说明"}},
        ("POST", "/api/v1/reports/{report_id}/submit"): {},
        ("POST", "/api/v1/reports/{report_id}/review"): {"json": {"decision": "returned", "reason": "请补充佐证"}},
        ("POST", "/api/v1/reports/{report_id}/attachments"): {"files": {"file": ("x.png", png(), "image/png")}},
        ("POST", "/api/v1/notices"): {"json": {"task_id": ids["task_id"], "reason": "请报送", "start_at": "red"}},
        ("POST", "/api/v1/notices/{notice_id}/read"): {},
        ("POST", "/api/v1/notices/{notice_id}/reply"): {"json": {"answer": "已报送"}},
        ("POST", "/api/v1/notices/{notice_id}/close"): {},
        ("POST", "/api/v1/units"): {"json": {"name": "测试单位"}},
        ("POST", "/api/v1/users"): {"json": {"username": "newuser", "role": "leader"}},
        ("POST", "/api/v1/tokens"): {"json": {"user_id": user_id, "name": "集成"}},
        ("DELETE", "/api/v1/tokens/{token_id}"): {},
        ("POST", "/logout"): {},
        ("POST", "/tasks/{task_id}/report"): {"data": {"period": "2020-09", "progress": "页面填报", "action": "save"}},
        ("POST", "/reports/{report_id}/review"): {"data": {"decision": "returned", "reason": "请补充"}},
        ("POST", "/tasks/{task_id}/decompose"): {"data": {"unit_1": str(county_id), "kind": "county"}},
        ("POST", "/tasks/{task_id}/notice"): {"data": {"reason": "请报送", "start_at": "red"}},
        ("POST", "/tasks/{task_id}/override"): {"data": {"light": "yellow", "reason": "核查中"}},
        ("POST", "/tasks/{task_id}/close"): {"data": {"note": "已完成"}},
        ("POST", "/notices/{notice_id}/read"): {},
        ("POST", "/notices/{notice_id}/reply"): {"data": {"answer": "已报送"}},
        ("POST", "/notices/{notice_id}/close"): {},
        ("POST", "/urging"): {"data": {"task_id": str(ids["task_id"]), "item_key": f"{ids['task_id']}:manual",
                                       "reason": "请报送", "start_at": "red"}},
        ("POST", "/account/password"): {"data": {"current": "x", "new": "y", "confirm": "y"}},
    }
    if method in ("GET", "DELETE") and (method, path) not in examples:
        return {}
    assert (method, path) in examples, f"请为新路由 {method} {path} 在权限矩阵测试中补充示例请求"
    return examples[(method, path)]


def query_for(path: str) -> dict:
    return {"period": "2020-09"} if path == "/api/v1/scores" else {}


def test_every_route_declares_exactly_one_permission(database, seed_text, tmp_path):
    app = create_app(Settings(environment="test", database_url="sqlite://", data_dir=tmp_path), database)
    table = route_table(app)
    assert len(table) > 30
    for route in table:
        assert len(route.permits) == 1, f"{route.method} {route.path} 未声明权限（Permit）"
        action = route.permits[0].action
        assert action is None and (route.method, route.path) in PUBLIC or action in ACTIONS, route


def test_the_matrix(site):
    app, tokens, ids, county_id, user_id = site
    client = TestClient(app, base_url="http://127.0.0.1")
    checked = 0
    for route in route_table(app):
        if route.path.startswith("/static") or (route.method, route.path) in PUBLIC:
            continue
        action = route.permits[0].action
        allowed_roles = ACTIONS[action][0]
        url = re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), route.path)
        owns_object = "{" in route.path
        for role in ROLES:
            kwargs = body_for(route.method, route.path, ids, county_id, user_id)
            headers = {} if role == "anonymous" else {"Authorization": f"Bearer {tokens[role]}"}
            response = client.request(route.method, url, headers=headers, params=query_for(route.path),
                                      follow_redirects=False, **kwargs)
            where = f"{role} {route.method} {route.path} → {response.status_code} {response.text[:200]}"
            if role == "anonymous":
                assert response.status_code in (401, 303), where
            elif ROLE_OF[role] not in allowed_roles:
                assert response.status_code == 403, where
            elif role == "reporter_other" and owns_object and "{policy_id}" not in route.path:
                assert response.status_code in (403, 404), where
                if route.path.startswith("/api/"):
                    assert set(response.json()) == {"error"}, where
            else:
                assert response.status_code not in (401, 403, 404, 500), where
            checked += 1
    assert checked >= 150

"""The world the route-table walks run in: a seeded ledger with a report, an attachment, a notice,
a 免申即享 batch, one API token per role, and an example request for every write route (``body_for``);
what a caller allowed to use a route must then see is in tests/web/expectations.py. A new route
without an example (writes) or an expectation (every route) fails the suite.

Every allowed request meets the world as built: the SQLite database is restored from a snapshot
before it, so a write is checked by reading its row back and a read by the resource it returns,
whatever the requests before it did."""

from __future__ import annotations

import io
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from taizhang.auth import service as accounts
from taizhang.auth.models import User
from taizhang.auth.passwords import hash_password
from taizhang.auth.permissions import Actor
from taizhang.ledger.models import Assignment, Task
from taizhang.reporting import service as reporting
from taizhang.reporting.service import ReportInput
from taizhang.supervision import service as supervision
from taizhang.web.app import create_app
from tests.conftest import app_settings
from tests.fulfillment.factories import fulfillment_ids, route_examples
from tests.workflow.conftest import build_world

ROLES = ("anonymous", "admin", "security_admin", "audit_admin", "supervisor", "leader", "reporter_own",
         "reporter_other")
ROLE_OF = {"admin": "admin", "security_admin": "security_admin", "audit_admin": "audit_admin",
           "supervisor": "supervisor", "leader": "leader", "reporter_own": "reporter", "reporter_other": "reporter"}
TOKEN_HOLDERS = (("admin", "管理员"), ("security_admin", "安全管理员"), ("audit_admin", "审计管理员"),
                 ("supervisor", "督查室"), ("leader", "领导"), ("reporter_own", "市人社局"), ("reporter_other", "市财政局"))
# Routes a visitor may use without logging in (the code step checks its own half-open session).
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/login/code"), ("POST", "/login/code")}
PASSWORD = "Matrix-Walk#2020"  # every token holder's password, for POST /account/password
NEW_PASSWORD = "Lantern-Quarry-58!"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a second-factor secret being enrolled (base32, 160 bits)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Matrix:
    app: object
    database: object
    data_dir: Path
    snapshot: Path
    tokens: dict[str, str]  # role → API token
    users: dict[str, int]  # role → the token holder's user id
    units: dict[str, int | None]  # role → the token holder's unit id (reporters)
    ids: dict[str, int | str]  # path parameter → an existing object's id
    county_id: int
    user_id: int
    facts: dict[str, object]  # what the world holds: task title, report progress, notice reason …

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://127.0.0.1")

    def url(self, path: str, ids: dict | None = None) -> str:
        ids = ids or self.ids
        return re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)

    def body(self, route) -> dict:
        return body_for(route.method, route.path, self.ids, self.county_id, self.user_id)

    def restore(self) -> None:
        """Put the database back as ``build_matrix`` left it (SQLite's online backup, page by page)."""
        with closing(sqlite3.connect(self.snapshot)) as source, closing(sqlite3.connect(_path(self.database))) as live:
            source.backup(live)

    def read(self, query):
        """``query(session)`` on a fresh read session; the rows it returns stay loaded afterwards."""
        with self.database.reading() as s:
            result = query(s)
            s.expunge_all()
            return result

    def write(self, change) -> None:
        """``change(session)`` committed: how a route's precondition is set up."""
        with self.database.writing() as s:
            change(s)
            s.commit()


def _path(database) -> str:
    url = database.engine.url
    assert url.get_backend_name() == "sqlite" and url.database, \
        "权限矩阵在每个请求前从快照恢复 SQLite 数据库，只能在 SQLite 上运行（tests/web 不在 BOTH_DATABASES 中）。"
    return url.database


def build_matrix(database, seed_text, tmp_path) -> Matrix:
    with database.writing() as s:
        world = build_world(s, seed_text)
        task = world.task("4")
        own = world.actor("市人社局")
        report = reporting.save_report(task.id, "2020-09", ReportInput(progress="见习基地新增40个"), session=s,
                                       actor=own, today=date(2020, 9, 20))
        reporting.submit_report(report.id, session=s, actor=own, today=date(2020, 9, 20))
        evidence = reporting.Evidence("名单.png", png(), storage=tmp_path / "attachments", max_bytes=1 << 20)
        attachment = reporting.add_attachment(report.id, evidence, session=s, actor=own)
        notice = supervision.issue_notice(task.id, session=s, actor=world.office, reason="请按时报送",
                                          today=date(2020, 9, 26))
        policy = task.measure.policy
        tokens, users, units = {}, {}, {}
        for role, key in TOKEN_HOLDERS:
            user = world.users[key]
            user.password_hash = hash_password(PASSWORD)
            _, secret = accounts.create_token(user.id, role, session=s, actor=Actor.system())
            tokens[role], users[role], units[role] = secret, user.id, user.unit_id
        spare_token, _ = accounts.create_token(world.users["领导"].id, "spare", session=s, actor=Actor.system())
        spare_user = User(username="spare", display_name="备用账号", password_hash="x", role="leader")
        s.add(spare_user)
        s.commit()
        ids = {"task_id": task.id, "report_id": report.id, "attachment_id": attachment.id, "notice_id": notice.id,
               "policy_id": policy.id, "token_id": spare_token.id, "period": "2020-09", "user_id": spare_user.id}
        ids.update(fulfillment_ids(s, world, tmp_path))
        facts = {"task_title": task.title, "lead_unit": "市人社局", "report_progress": report.progress,
                 "notice_reason": notice.reason, "policy_title": policy.title, "attachment": png(),
                 "titles": dict(s.execute(select(Task.id, Task.title)).all()), "unit_task_ids": _unit_task_ids(s),
                 "led_task_ids": _unit_task_ids(s, lead_only=True)}
        county_id = world.unit("章贡区").id
        user_id = world.users["领导"].id
    snapshot = tmp_path / "matrix-snapshot.db"
    with closing(sqlite3.connect(_path(database))) as live, closing(sqlite3.connect(snapshot)) as copy:
        live.backup(copy)
    return Matrix(app=create_app(app_settings(tmp_path), database), database=database, data_dir=tmp_path,
                  snapshot=snapshot, tokens=tokens, users=users, units=units, ids=ids, county_id=county_id,
                  user_id=user_id, facts=facts)


def _unit_task_ids(s, lead_only: bool = False) -> dict[int | None, set[int]]:
    """unit id → the tasks it is lead or co-unit of (or only lead); ``None`` → every task (the office's view)."""
    out: dict[int | None, set[int]] = {None: set(s.scalars(select(Task.id)))}
    query = select(Assignment.task_id, Assignment.unit_id)
    for task_id, unit_id in s.execute(query.where(Assignment.role == "lead") if lead_only else query):
        out.setdefault(unit_id, set()).add(task_id)
    return out


def body_for(method: str, path: str, ids: dict, county_id: int, user_id: int) -> dict:
    """Example request bodies; a new write route must be added here."""
    examples = {
        ("PATCH", "/api/v1/policies/{policy_id}/settings"): {"json": {"due_day": 20}},
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
        ("POST", "/api/v1/users/{user_id}/disable"): {},
        ("POST", "/api/v1/users/{user_id}/enable"): {},
        ("POST", "/api/v1/users/{user_id}/unlock"): {},
        ("POST", "/api/v1/users/{user_id}/reset-second-factor"): {},
        ("POST", "/api/v1/users/{user_id}/role"): {"json": {"role": "supervisor"}},
        ("POST", "/admin/users/{user_id}/disable"): {},
        ("POST", "/admin/users/{user_id}/enable"): {},
        ("POST", "/admin/users/{user_id}/unlock"): {},
        ("POST", "/admin/users/{user_id}/reset-second-factor"): {},
        ("POST", "/admin/users/{user_id}/role"): {"data": {"role": "supervisor"}},
        ("POST", "/account/second-factor"): {},
        ("POST", "/account/second-factor/confirm"): {"data": {"code": "000000"}},
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
        ("POST", "/account/password"): {"data": {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}},
        ("POST", "/api/v1/documents/progress"): {"files": {"file": ("进展填报.xlsx", b"PK\x03\x04", "application/zip")}},
        ("POST", "/documents/progress"): {"files": {"file": ("进展填报.xlsx", b"PK\x03\x04", "application/zip")}},
        **route_examples(ids),
    }
    if method in ("GET", "DELETE") and (method, path) not in examples:
        return {}
    assert (method, path) in examples, f"请为新路由 {method} {path} 在权限矩阵测试中补充示例请求"
    return examples[(method, path)]


def query_for(path: str) -> dict:
    if path == "/api/v1/fulfillment/jobs/{job_id}/payouts.xlsx":
        return {"reason": "权限矩阵测试"}
    return {"period": "2020-09"} if path in ("/api/v1/scores", "/api/v1/documents/bulletin") else {}

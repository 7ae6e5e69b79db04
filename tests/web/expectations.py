"""What a caller allowed to use a route must then see, route by route (``EXPECTATIONS``): the resource
it asked for, the row its write changed (read back from the database), only its own unit's tasks and
notices. tests/web/test_permissions.py walks the route table in the world of tests/web/matrix.py and
checks each allowed request against this table; a route without an expectation fails the suite."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from taizhang.audit.models import AuditEvent
from taizhang.auth import service as accounts
from taizhang.auth.models import ApiToken, User, WebSession
from taizhang.auth.passwords import verify_password
from taizhang.benefits import rule_book
from taizhang.db.base import utcnow
from taizhang.fulfillment.models import FulfillmentJob, Payout
from taizhang.ledger.models import Assignment, Policy, Task, Unit
from taizhang.reporting.models import Report
from taizhang.supervision.models import LightOverride, Notice
from tests.fulfillment.factories import data_key
from tests.web.matrix import NEW_PASSWORD, TOTP_SECRET, Matrix, png

# ---------------------------------------------------------------- what an allowed caller sees


def _visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style|head|nav)\b.*?</\1>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@dataclass(frozen=True)
class Seen:
    """A request by a role the route allows, and its answer."""

    matrix: Matrix
    role: str
    response: object  # httpx.Response

    @property
    def where(self) -> str:
        r = self.response
        kind = r.headers.get("content-type", "")
        body = _visible_text(r.text) if kind.startswith("text/html") else \
            r.text if kind.startswith(("application/json", "text/")) else f"<{kind}, {len(r.content)} 字节>"
        return f"{self.role} {r.request.method} {r.request.url.path} → {r.status_code} {body[-900:]}"

    @property
    def user_id(self) -> int:
        return self.matrix.users[self.role]

    @property
    def unit_id(self) -> int | None:
        return self.matrix.units[self.role]

    @property
    def facts(self) -> dict:
        return self.matrix.facts

    def status(self, *codes: int) -> None:
        assert self.response.status_code in codes, self.where

    def json(self, status: int = 200):
        self.status(status)
        assert self.response.headers["content-type"].startswith("application/json"), self.where
        return self.response.json()

    def page(self, status: int = 200) -> str:
        """The page's visible text (no tags, scripts or styles; runs of white space as one space)."""
        self.status(status)
        assert self.response.headers["content-type"].startswith("text/html"), self.where
        return _visible_text(self.response.text)

    def workbook(self) -> str:
        """Every cell of the .xlsx answer, as one text."""
        self.status(200)
        book = load_workbook(io.BytesIO(self.response.content), read_only=True)
        return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row if v is not None)

    def redirect(self, target: str) -> None:
        self.status(303)
        assert self.response.headers["location"].startswith(target), self.where

    def read(self, query):
        return self.matrix.read(query)

    def visible_tasks(self) -> set[int]:
        """The tasks this role may see: its unit's (lead or co-unit) for a reporter, else all."""
        return self.facts["unit_task_ids"].get(self.unit_id, set())

    def led_tasks(self) -> set[int]:
        """The tasks a unit's ledger holds (the unit leads them); every task for the city."""
        return self.facts["led_task_ids"].get(self.unit_id, set())

    def sees_notice(self) -> bool:
        return self.unit_id in (None, self.matrix.units["reporter_own"])


@dataclass(frozen=True)
class Expect:
    """What an allowed caller must see. ``given`` first puts the world in the state the action needs
    (a draft to submit, a locked account to unlock) and may return request arguments of its own."""

    check: object  # (Seen) -> None, asserting
    given: object = None  # (Matrix, role) -> dict | None


def _tasks_listed(seen: Seen, text: str, first: int | None = None, led: bool = False) -> None:
    """The text names exactly the tasks the role may see (a unit: only its own; with ``led`` only
    those it leads), or the ``first`` of them in document order (a page of the task list)."""
    visible = sorted(seen.led_tasks() if led else seen.visible_tasks())
    assert visible, f"{seen.where}：该角色应能看到至少一项任务"
    shown = sorted(i for i, title in seen.facts["titles"].items() if title in text)
    assert shown == visible[:first], f"{seen.where}\n应列出 {visible[:first]}，实际 {shown}"


def _one(model, *where):
    return lambda s: s.scalars(select(model).where(*where)).one()


def _all(model, *where):
    return lambda s: list(s.scalars(select(model).where(*where)))


def _task(seen: Seen) -> Task:
    return seen.read(lambda s: s.get(Task, seen.matrix.ids["task_id"]))


def _report(seen: Seen) -> Report:
    return seen.read(lambda s: s.get(Report, seen.matrix.ids["report_id"],
                                     options=[selectinload(Report.reviews), selectinload(Report.attachments)]))


def _notice(seen: Seen) -> Notice:
    return seen.read(lambda s: s.get(Notice, seen.matrix.ids["notice_id"]))


def _spare(seen: Seen) -> User:
    return seen.read(lambda s: s.get(User, seen.matrix.ids["user_id"]))


def _me(seen: Seen) -> User:
    return seen.read(lambda s: s.get(User, seen.user_id))


# Pages.


def _home(seen: Seen) -> None:
    if seen.role in ("security_admin", "audit_admin"):  # no ledger: straight to their own work
        return seen.redirect("/admin/users" if seen.role == "security_admin" else "/audit")
    text = seen.page()
    assert seen.facts["policy_title"] in text, seen.where
    if seen.unit_id is not None:
        _tasks_listed(seen, text)


def _dashboard(seen: Seen) -> None:
    assert f"{len(seen.visible_tasks())} 总任务" in seen.page(), seen.where


def _task_list_page(seen: Seen) -> None:
    text = seen.page()
    assert f"共 {len(seen.visible_tasks())} 项" in text, seen.where
    _tasks_listed(seen, text, first=TASKS_PAGE_SIZE)


TASKS_PAGE_SIZE = 20  # taizhang/web/pages/tasks.py


def _task_page(seen: Seen) -> None:
    text = seen.page()
    assert seen.facts["task_title"] in text and f"牵头：{seen.facts['lead_unit']}" in text, seen.where


def _notices_page(seen: Seen) -> None:
    assert (seen.facts["notice_reason"] in seen.page()) == seen.sees_notice(), seen.where


def _urging_page(seen: Seen) -> None:
    text = seen.page()
    count = re.search(r"需要催办督办的事项（(\d+)）", text)
    assert count and int(count.group(1)) > 0, seen.where
    assert any(title in text for title in seen.facts["titles"].values()), seen.where


def _scores_page(seen: Seen) -> None:
    text = seen.page()
    assert "考核排名" in text and seen.facts["lead_unit"] in text, seen.where  # 市人社局 owes reports: it is scored


def _policy_page(seen: Seen) -> None:
    text = seen.page()
    assert seen.facts["policy_title"] in text and f"{len(seen.facts['titles'])}项措施" in text, seen.where


def _users_page(seen: Seen) -> None:
    text = seen.page()
    names = seen.read(lambda s: list(s.scalars(select(User.username))))
    assert names and all(n in text for n in names), seen.where


def _audit_count(seen: Seen) -> int:
    return seen.read(lambda s: s.scalar(select(func.count()).select_from(AuditEvent)))


def _audit_page(seen: Seen) -> None:
    assert f"共 {_audit_count(seen)} 条" in seen.page(), seen.where


def _audit_verify_page(seen: Seen) -> None:
    assert f"哈希链完好：已校验 {_audit_count(seen)} 条记录" in seen.page(), seen.where


def _documents_page(seen: Seen) -> None:
    text = seen.page()
    assert "导出台账" in text and ("（本单位）" in text) == (seen.unit_id is not None), seen.where


def _password_form(seen: Seen) -> None:
    assert "当前密码" in seen.page(), seen.where


def _password_changed(seen: Seen) -> None:
    seen.page()
    assert verify_password(_me(seen).password_hash, NEW_PASSWORD), seen.where


def _second_factor_page(seen: Seen) -> None:
    assert "生成密钥并绑定" in seen.page(), seen.where


def _second_factor_started(seen: Seen) -> None:
    seen.redirect("/account/second-factor")
    me = _me(seen)
    assert me.totp_secret is not None and not me.totp_enabled, seen.where


def _enrolling(matrix: Matrix, role: str) -> dict:
    key = data_key(matrix.data_dir)
    matrix.write(lambda s: setattr(s.get(User, matrix.users[role]), "totp_secret", key.encrypt(TOTP_SECRET)))
    return {"data": {"code": pyotp.TOTP(TOTP_SECRET).now()}}


def _second_factor_confirmed(seen: Seen) -> None:
    seen.redirect("/account/second-factor")
    assert _me(seen).totp_enabled, seen.where


def _logged_in(matrix: Matrix, role: str) -> None:
    matrix.write(lambda s: accounts.start_session(s.get(User, matrix.users[role]), session=s))


def _logged_out(seen: Seen) -> None:
    seen.redirect("/login")
    assert seen.read(_all(WebSession, WebSession.user_id == seen.user_id)) == [], seen.where


def _rules_page(seen: Seen) -> None:
    text = seen.page()
    assert all(b.rule.label in text for b in rule_book()), seen.where


def _rule_page(label: str):
    return lambda seen: _contains(seen.page(), label, seen)


def _rule_computed_page(label: str):
    def check(seen: Seen) -> None:
        text = seen.page()
        assert label in text and "测算结果：" in text, seen.where
    return check


def _contains(text: str, wanted: str, seen: Seen) -> None:
    assert wanted in text, seen.where


def _closed(seen: Seen) -> None:
    task = _task(seen)
    assert task.closed_on is not None and task.status in ("completed", "completed_late"), seen.where


def _decomposed(seen: Seen) -> None:
    children = seen.read(_all(Task, Task.parent_id == seen.matrix.ids["task_id"]))
    assert [c.lead_unit_id for c in children] == [seen.matrix.county_id], seen.where


def _new_red_notice(seen: Seen) -> None:
    notices = seen.read(_all(Notice, Notice.task_id == seen.matrix.ids["task_id"], Notice.step == "red"))
    assert [(n.reason, n.status) for n in notices] == [("请报送", "open")], seen.where


def _overridden(seen: Seen) -> None:
    rows = seen.read(_all(LightOverride, LightOverride.task_id == seen.matrix.ids["task_id"]))
    assert [(r.light, r.reason) for r in rows] == [("yellow", "核查中")], seen.where
    assert _task(seen).light == "yellow", seen.where


def _report_saved(text: str):
    def check(seen: Seen) -> None:
        assert _report(seen).progress == text, seen.where
    return check


def _returned(reason: str):
    def check(seen: Seen) -> None:
        report = _report(seen)
        assert report.status == "returned" and [r.reason for r in report.reviews] == [reason], seen.where
    return check


def _notice_read(seen: Seen) -> None:
    # Only the unit the notice was sent to marks it read; the office looking at it leaves it unread.
    assert (_notice(seen).read_at is not None) == (seen.unit_id is not None), seen.where


def _answered(seen: Seen) -> None:
    notice = _notice(seen)
    assert (notice.status, notice.answer, notice.answered_by) == ("answered", "已报送", seen.user_id), seen.where


def _notice_closed(seen: Seen) -> None:
    assert _notice(seen).status == "closed", seen.where


def _disabled(seen: Seen) -> None:
    assert not _spare(seen).active, seen.where


def _spare_disabled(matrix: Matrix, role: str) -> None:
    matrix.write(lambda s: setattr(s.get(User, matrix.ids["user_id"]), "active", False))


def _enabled(seen: Seen) -> None:
    assert _spare(seen).active, seen.where


def _spare_locked(matrix: Matrix, role: str) -> None:
    def lock(s) -> None:
        user = s.get(User, matrix.ids["user_id"])
        user.failed_logins, user.locked_until = 5, utcnow() + timedelta(hours=1)
    matrix.write(lock)


def _unlocked(seen: Seen) -> None:
    user = _spare(seen)
    assert user.locked_until is None and user.failed_logins == 0, seen.where


def _spare_with_second_factor(matrix: Matrix, role: str) -> None:
    key = data_key(matrix.data_dir)

    def enable(s) -> None:
        user = s.get(User, matrix.ids["user_id"])
        user.totp_secret, user.totp_enabled = key.encrypt(TOTP_SECRET), True
    matrix.write(enable)


def _second_factor_reset(seen: Seen) -> None:
    user = _spare(seen)
    assert user.totp_secret is None and not user.totp_enabled, seen.where


def _role_granted(seen: Seen) -> None:
    assert _spare(seen).role == "supervisor", seen.where


def _template_for(matrix: Matrix, role: str) -> bytes:
    """The caller's unit's progress template for 2020-10 (the office downloads 市人社局's), downloaded
    through the app (it is signed with the app's key), with its first task's progress filled in."""
    unit = matrix.units[role] or matrix.units["reporter_own"]
    response = matrix.client().get("/api/v1/documents/progress-template", params={"unit_id": unit, "period": "2020-10"},
                                   headers={"Authorization": f"Bearer {matrix.tokens[role]}"})
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content))
    book.active.cell(4, 9).value = TEMPLATE_PROGRESS  # the first task's 进展情况
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TEMPLATE_PROGRESS = "矩阵测试：10月进展"


def _filled_template(matrix: Matrix, role: str) -> dict:
    return {"files": {"file": ("进展填报.xlsx", _template_for(matrix, role), "application/octet-stream")},
            "data": {"period": "2020-10"}}


def _imported(seen: Seen) -> list[Report]:
    drafts = seen.read(_all(Report, Report.period == "2020-10", Report.progress == TEMPLATE_PROGRESS))
    unit = seen.unit_id or seen.matrix.units["reporter_own"]
    assert [(r.status, r.unit_id) for r in drafts] == [("draft", unit)], seen.where
    assert drafts[0].task_id in seen.facts["unit_task_ids"][unit], seen.where
    return drafts


def _imported_page(seen: Seen) -> None:
    seen.page()
    _imported(seen)


def _job_created(seen: Seen) -> FulfillmentJob:
    jobs = seen.read(_all(FulfillmentJob, FulfillmentJob.id != seen.matrix.ids["job_id"]))
    assert [(j.rule, j.source_name, j.status) for j in jobs] == [("job_retention_refund", "登记信息.csv", "queued")], \
        seen.where
    return jobs[0]


def _job_pending(matrix: Matrix, role: str) -> None:
    def reopen(s) -> None:
        job = s.get(FulfillmentJob, matrix.ids["job_id"])
        job.review, job.reviewed_by, job.reviewed_at, job.review_note = "pending", None, None, ""
    matrix.write(reopen)


def _job_approved(seen: Seen) -> None:
    job = seen.read(lambda s: s.get(FulfillmentJob, seen.matrix.ids["job_id"]))
    assert (job.review, job.reviewed_by) == ("approved", seen.user_id), seen.where


def _payouts_published(seen: Seen) -> None:
    statuses = seen.read(lambda s: list(s.scalars(select(Payout.status).where(Payout.job_id == seen.matrix.ids["job_id"]))))
    assert statuses and set(statuses) == {"published"}, seen.where


def _payout_published(seen: Seen) -> None:
    assert seen.read(lambda s: s.get(Payout, seen.matrix.ids["payout_id"]).status) == "published", seen.where


def _revealed(text: str, seen: Seen, action: str = "personal.reveal") -> None:
    """The full credit code is shown, and the showing is in the audit trail under the caller's name."""
    assert FULL_CREDIT_CODE in text, seen.where
    reveals = seen.read(_all(AuditEvent, AuditEvent.action == action))
    assert [e.actor_id for e in reveals] == [seen.user_id], seen.where


FULL_CREDIT_CODE = "91360702MA35F0XX1X"  # the first row of the batch's extract (tests/fulfillment/factories.py)


# The JSON API.


def _me_json(seen: Seen) -> None:
    me = seen.json()
    assert (me["id"], me["username"]) == (seen.user_id, _me(seen).username), seen.where


def _policy_json(seen: Seen) -> None:
    policy = seen.json()
    assert (policy["id"], policy["title"]) == (seen.matrix.ids["policy_id"], seen.facts["policy_title"]), seen.where


def _settings_changed(seen: Seen) -> None:
    assert seen.json()["due_day"] == 20, seen.where
    assert seen.read(lambda s: s.get(Policy, seen.matrix.ids["policy_id"]).due_day) == 20, seen.where


def _task_list_json(seen: Seen) -> None:
    assert {t["id"] for t in seen.json()["items"]} == seen.visible_tasks(), seen.where


def _rollup_json(seen: Seen) -> None:
    rollup = seen.json()
    assert (rollup["unit_id"], rollup["total"]) == (seen.unit_id, len(seen.led_tasks())), seen.where


def _ledger_workbook(seen: Seen) -> None:
    _tasks_listed(seen, seen.workbook())


def _unit_ledger_workbook(seen: Seen) -> None:
    _tasks_listed(seen, seen.workbook(), led=True)  # a unit's own ledger: the tasks it leads


def _task_json(seen: Seen) -> None:
    task = seen.json()["task"]
    assert (task["id"], task["title"]) == (seen.matrix.ids["task_id"], seen.facts["task_title"]), seen.where


def _history_json(seen: Seen) -> None:
    history = seen.json()
    assert (history["id"], history["title"]) == (seen.matrix.ids["task_id"], seen.facts["task_title"]), seen.where


def _subtasks_created(seen: Seen) -> None:
    created = seen.json(201)["created"]
    children = seen.read(_all(Task, Task.parent_id == seen.matrix.ids["task_id"]))
    assert [c.id for c in children] == created and [c.lead_unit_id for c in children] == [seen.matrix.county_id], \
        seen.where


def _assigned(seen: Seen) -> None:
    seen.status(201)
    rows = seen.read(_all(Assignment, Assignment.task_id == seen.matrix.ids["task_id"],
                          Assignment.unit_id == seen.matrix.county_id))
    assert [r.role for r in rows] == ["co"], seen.where


def _closed_json(seen: Seen) -> None:
    assert seen.json()["status"] in ("completed", "completed_late"), seen.where
    _closed(seen)


def _overridden_json(seen: Seen) -> None:
    seen.status(201)
    _overridden(seen)


def _reports_json(seen: Seen) -> None:
    reports = seen.json()
    assert [(r["id"], r["progress"]) for r in reports] == [(seen.matrix.ids["report_id"], seen.facts["report_progress"])], \
        seen.where


def _report_json(seen: Seen) -> None:
    report = seen.json()
    assert (report["id"], report["progress"]) == (seen.matrix.ids["report_id"], seen.facts["report_progress"]), seen.where


def _report_saved_json(seen: Seen) -> None:
    assert seen.json()["progress"] == "补充说明", seen.where
    _report_saved("补充说明")(seen)


def _compiled_json(seen: Seen) -> None:
    # No co-unit has reported its part of task (四) for 2020-09: nothing to compile.
    assert seen.json() == {"progress": "", "problems": "", "next_steps": "", "claimed_status": "in_progress",
                           "values": {}}, seen.where


def _pending_json(seen: Seen) -> None:
    assert [r["id"] for r in seen.json()] == [seen.matrix.ids["report_id"]], seen.where


def _report_draft(matrix: Matrix, role: str) -> None:
    matrix.write(lambda s: setattr(s.get(Report, matrix.ids["report_id"]), "status", "draft"))


def _submitted(seen: Seen) -> None:
    assert seen.json()["status"] == "submitted" and _report(seen).status == "submitted", seen.where


def _returned_json(seen: Seen) -> None:
    assert seen.json()["status"] == "returned", seen.where
    _returned("请补充佐证")(seen)


def _attached(seen: Seen) -> None:
    seen.status(201)
    names = [(a.original_name, a.size) for a in _report(seen).attachments]
    assert names == [("名单.png", len(seen.facts["attachment"])), ("x.png", len(png()))], seen.where


def _attachment_bytes(seen: Seen) -> None:
    seen.status(200)
    assert seen.response.content == seen.facts["attachment"], seen.where


def _notices_json(seen: Seen) -> None:
    ids = [n["id"] for n in seen.json()["items"]]
    assert ids == ([seen.matrix.ids["notice_id"]] if seen.sees_notice() else []), seen.where


def _issued_json(seen: Seen) -> None:
    assert seen.json(201)["step"] == "red", seen.where
    _new_red_notice(seen)


def _notice_json(check):
    def both(seen: Seen) -> None:
        assert seen.json()["id"] == seen.matrix.ids["notice_id"], seen.where
        check(seen)
    return both


def _urging_json(seen: Seen) -> None:
    items = seen.json()
    titles = seen.facts["titles"]
    assert items and all(titles[i["task_id"]] == i["task_title"] for i in items), seen.where


def _scores_json(seen: Seen) -> None:
    scores = seen.json()
    units = seen.read(lambda s: dict(s.execute(select(Unit.id, Unit.short_name)).all()))
    assert scores and all(units[u["unit_id"]] == u["unit_name"] for u in scores), seen.where
    assert [u["rank"] for u in scores] == sorted(u["rank"] for u in scores), seen.where


def _units_json(seen: Seen) -> None:
    names = seen.read(lambda s: set(s.scalars(select(Unit.name))))
    assert {u["name"] for u in seen.json()} == names, seen.where


def _unit_created(seen: Seen) -> None:
    assert seen.json(201)["name"] == "测试单位", seen.where
    assert seen.read(_all(Unit, Unit.name == "测试单位")), seen.where


def _user_created(seen: Seen) -> None:
    answer = seen.json(201)
    user = seen.read(_one(User, User.username == "newuser"))
    assert (user.role, user.must_change_password) == ("leader", True), seen.where
    assert verify_password(user.password_hash, answer["password"]), seen.where


def _token_created(seen: Seen) -> None:
    answer = seen.json(201)
    found = seen.read(lambda s: accounts.resolve_token(answer["token"], session=s))
    assert found is not None and (found.id, found.user_id, found.name) == (answer["id"], seen.matrix.user_id, "集成"), \
        seen.where


def _token_revoked(seen: Seen) -> None:
    seen.status(204)
    token = seen.read(lambda s: s.get(ApiToken, seen.matrix.ids["token_id"]))
    assert token.revoked_at is not None, seen.where


def _users_json(seen: Seen) -> None:
    names = seen.read(lambda s: set(s.scalars(select(User.username))))
    assert {u["username"] for u in seen.json()} == names, seen.where


def _spare_json(check):
    def both(seen: Seen) -> None:
        assert seen.json()["username"] == "spare", seen.where
        check(seen)
    return both


def _audit_json(seen: Seen) -> None:
    ids = [e["id"] for e in seen.json()["items"]]
    newest = seen.read(lambda s: list(s.scalars(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(len(ids)))))
    assert ids and ids == newest, seen.where


def _audit_verify_json(seen: Seen) -> None:
    assert seen.json() == {"checked": _audit_count(seen), "intact": True, "broken_at": None, "reason": None}, seen.where


def _template_params(matrix: Matrix, role: str) -> dict:
    return {"params": {"unit_id": matrix.units[role] or matrix.units["reporter_own"], "period": "2020-10"}}


def _template_workbook(seen: Seen) -> None:
    unit = seen.unit_id or seen.matrix.units["reporter_own"]
    name = seen.read(lambda s: s.get(Unit, unit).short_name)
    assert seen.workbook().startswith(f"{name}2020年10月重点任务进展填报表"), seen.where


def _imported_json(seen: Seen) -> None:
    answer = seen.json()
    drafts = _imported(seen)
    assert answer["saved"] == [drafts[0].task_id], seen.where


def _bulletin(seen: Seen) -> None:
    seen.status(200)
    paragraphs = [p.text for p in Document(io.BytesIO(seen.response.content)).paragraphs]
    assert "关于2020年9月重点任务推进情况的通报" in paragraphs, seen.where


def _rules_json(seen: Seen) -> None:
    assert [r["name"] for r in seen.json()] == [b.rule.name for b in rule_book()], seen.where


def _match_json(seen: Seen) -> None:
    assert "job_retention_refund" in {m["rule"] for m in seen.json()}, seen.where


def _rule_json(name: str, label: str):
    def check(seen: Seen) -> None:
        rule = seen.json()
        assert (rule["name"], rule["label"]) == (name, label), seen.where
    return check


def _evaluated_json(name: str):
    def check(seen: Seen) -> None:
        result = seen.json()
        assert (result["rule"], result["date"]) == (name, "2020-09-01") and result["trace"], seen.where
    return check


def _batch_json(seen: Seen) -> None:
    result = seen.json()
    assert result["summary"]["rows"] == 1 and len(result["results"]) + len(result["errors"]) == 1, seen.where


def _jobs_json(seen: Seen) -> None:
    assert [j["id"] for j in seen.json()] == [seen.matrix.ids["job_id"]], seen.where


def _job_json(seen: Seen) -> None:
    job = seen.json()
    assert (job["id"], job["rule"], job["payout_count"]) == (seen.matrix.ids["job_id"], "job_retention_refund", 2), \
        seen.where


def _payouts_json(seen: Seen) -> None:
    payouts = seen.json()
    codes = [p["applicant"]["统一社会信用代码"] for p in payouts["items"]]
    assert payouts["total"] == 2 and all("*" in c for c in codes), seen.where  # masked


def _errors_json(seen: Seen) -> None:
    assert [e["row_no"] for e in seen.json()["items"]] == [3, 4], seen.where


def _publicity_workbook(seen: Seen) -> None:
    text = seen.workbook()
    assert "赣州甲机械有限公司" in text and FULL_CREDIT_CODE not in text, seen.where


def _payouts_made_public(matrix: Matrix, role: str) -> None:
    """Only published (公示) or paid payouts go on the bank's list."""
    def publish(s) -> None:
        for payout in s.scalars(select(Payout).where(Payout.job_id == matrix.ids["job_id"])):
            payout.status = "published"
    matrix.write(publish)


def _payout_list_workbook(seen: Seen) -> None:
    _revealed(seen.workbook(), seen, action="fulfillment.payouts.export")


def _published_json(seen: Seen) -> None:
    assert seen.json() == {"published": 2}, seen.where
    _payouts_published(seen)


def _payout_status_json(seen: Seen) -> None:
    assert seen.json()["status"] == "published", seen.where
    _payout_published(seen)


def _reveal_json(seen: Seen) -> None:
    _revealed(seen.json()["applicant"]["统一社会信用代码"], seen)


def _lookup_json(seen: Seen) -> None:
    assert [p["id"] for p in seen.json()] == [seen.matrix.ids["payout_id"]], seen.where


def _job_created_json(seen: Seen) -> None:
    assert seen.json(202)["id"] == _job_created(seen).id, seen.where


def _job_created_page(seen: Seen) -> None:
    seen.redirect(f"/fulfillment/{_job_created(seen).id}")


def _redirect_then(target: str, check):
    def both(seen: Seen) -> None:
        seen.redirect(target)
        check(seen)
    return both


def _page_with(*words: str):
    def check(seen: Seen) -> None:
        text = seen.page()
        assert all(w in text for w in words), seen.where
    return check


TASK = "/tasks/{task_id}"
EXPECTATIONS: dict[tuple[str, str], Expect] = {
    ("GET", "/"): Expect(_home),
    ("GET", "/dashboard"): Expect(_dashboard),
    ("GET", "/tasks"): Expect(_task_list_page),
    ("GET", TASK): Expect(_task_page),
    ("POST", f"{TASK}/report"): Expect(lambda seen: (seen.redirect("/tasks/"), _report_saved("页面填报")(seen))),
    ("POST", f"{TASK}/decompose"): Expect(_redirect_then("/tasks/", _decomposed)),
    ("POST", f"{TASK}/notice"): Expect(_redirect_then("/tasks/", _new_red_notice)),
    ("POST", f"{TASK}/override"): Expect(_redirect_then("/tasks/", _overridden)),
    ("POST", f"{TASK}/close"): Expect(_redirect_then("/tasks/", _closed)),
    ("POST", "/reports/{report_id}/review"): Expect(_redirect_then("/tasks/", _returned("请补充"))),
    ("GET", "/notices"): Expect(_notices_page),
    ("POST", "/notices/{notice_id}/read"): Expect(_redirect_then("/notices", _notice_read)),
    ("POST", "/notices/{notice_id}/reply"): Expect(_redirect_then("/notices", _answered)),
    ("POST", "/notices/{notice_id}/close"): Expect(_redirect_then("/notices", _notice_closed)),
    ("GET", "/urging"): Expect(_urging_page),
    ("POST", "/urging"): Expect(_redirect_then("/urging", _new_red_notice)),
    ("GET", "/scores"): Expect(_scores_page),
    ("GET", "/policy"): Expect(_policy_page),
    ("GET", "/policies/{policy_id}"): Expect(_policy_page),
    ("GET", "/admin/users"): Expect(_users_page),
    ("POST", "/admin/users/{user_id}/disable"): Expect(_redirect_then("/admin/users", _disabled)),
    ("POST", "/admin/users/{user_id}/enable"): Expect(_redirect_then("/admin/users", _enabled), _spare_disabled),
    ("POST", "/admin/users/{user_id}/unlock"): Expect(_redirect_then("/admin/users", _unlocked), _spare_locked),
    ("POST", "/admin/users/{user_id}/reset-second-factor"): Expect(_redirect_then("/admin/users", _second_factor_reset),
                                                                  _spare_with_second_factor),
    ("POST", "/admin/users/{user_id}/role"): Expect(_redirect_then("/admin/users", _role_granted)),
    ("GET", "/audit"): Expect(_audit_page),
    ("GET", "/audit/verify"): Expect(_audit_verify_page),
    ("GET", "/documents"): Expect(_documents_page),
    ("POST", "/documents/progress"): Expect(_imported_page, _filled_template),
    ("GET", "/account/password"): Expect(_password_form),
    ("POST", "/account/password"): Expect(_password_changed),
    ("GET", "/account/second-factor"): Expect(_second_factor_page),
    ("POST", "/account/second-factor"): Expect(_second_factor_started),
    ("POST", "/account/second-factor/confirm"): Expect(_second_factor_confirmed, _enrolling),
    ("POST", "/logout"): Expect(_logged_out, _logged_in),
    ("GET", "/rules"): Expect(_rules_page),
    ("GET", "/fulfillment"): Expect(_page_with("第 1 批", "登记信息.csv")),
    ("POST", "/fulfillment"): Expect(_job_created_page),
    ("GET", "/fulfillment/{job_id}"): Expect(_page_with("第 1 批 · 稳岗返还", "处理行数 5")),
    ("GET", "/fulfillment/{job_id}/progress"): Expect(_page_with("已处理 5 行")),
    ("POST", "/fulfillment/{job_id}/review"): Expect(_redirect_then("/fulfillment/", _job_approved), _job_pending),
    ("POST", "/fulfillment/{job_id}/publish"): Expect(_redirect_then("/fulfillment/", _payouts_published)),
    ("POST", "/fulfillment/{job_id}/payouts/{payout_id}/status"): Expect(_redirect_then("/fulfillment/",
                                                                                       _payout_published)),
    ("POST", "/fulfillment/{job_id}/payouts/{payout_id}/reveal"): Expect(lambda seen: _revealed(seen.page(), seen)),
    ("GET", "/api/v1/me"): Expect(_me_json),
    ("GET", "/api/v1/policies/current"): Expect(_policy_json),
    ("GET", "/api/v1/policies/{policy_id}"): Expect(_policy_json),
    ("PATCH", "/api/v1/policies/{policy_id}/settings"): Expect(_settings_changed),
    ("GET", "/api/v1/tasks"): Expect(_task_list_json),
    ("GET", "/api/v1/tasks/rollup"): Expect(_rollup_json),
    ("GET", "/api/v1/tasks/export"): Expect(_unit_ledger_workbook),
    ("GET", "/api/v1/tasks/{task_id}"): Expect(_task_json),
    ("POST", "/api/v1/tasks/{task_id}/subtasks"): Expect(_subtasks_created),
    ("POST", "/api/v1/tasks/{task_id}/assignments"): Expect(_assigned),
    ("POST", "/api/v1/tasks/{task_id}/close"): Expect(_closed_json),
    ("POST", "/api/v1/tasks/{task_id}/light-override"): Expect(_overridden_json),
    ("GET", "/api/v1/tasks/{task_id}/history"): Expect(_history_json),
    ("GET", "/api/v1/tasks/{task_id}/reports"): Expect(_reports_json),
    ("PUT", "/api/v1/tasks/{task_id}/reports/{period}"): Expect(_report_saved_json),
    ("GET", "/api/v1/tasks/{task_id}/reports/{period}/compiled"): Expect(_compiled_json),
    ("GET", "/api/v1/reports/pending"): Expect(_pending_json),
    ("GET", "/api/v1/reports/{report_id}"): Expect(_report_json),
    ("POST", "/api/v1/reports/{report_id}/submit"): Expect(_submitted, _report_draft),
    ("POST", "/api/v1/reports/{report_id}/review"): Expect(_returned_json),
    ("POST", "/api/v1/reports/{report_id}/attachments"): Expect(_attached),
    ("GET", "/api/v1/attachments/{attachment_id}"): Expect(_attachment_bytes),
    ("GET", "/api/v1/notices"): Expect(_notices_json),
    ("POST", "/api/v1/notices"): Expect(_issued_json),
    ("POST", "/api/v1/notices/{notice_id}/read"): Expect(_notice_json(_notice_read)),
    ("POST", "/api/v1/notices/{notice_id}/reply"): Expect(_notice_json(_answered)),
    ("POST", "/api/v1/notices/{notice_id}/close"): Expect(_notice_json(_notice_closed)),
    ("GET", "/api/v1/urging"): Expect(_urging_json),
    ("GET", "/api/v1/scores"): Expect(_scores_json),
    ("GET", "/api/v1/units"): Expect(_units_json),
    ("POST", "/api/v1/units"): Expect(_unit_created),
    ("POST", "/api/v1/users"): Expect(_user_created),
    ("POST", "/api/v1/tokens"): Expect(_token_created),
    ("DELETE", "/api/v1/tokens/{token_id}"): Expect(_token_revoked),
    ("GET", "/api/v1/users"): Expect(_users_json),
    ("POST", "/api/v1/users/{user_id}/disable"): Expect(_spare_json(_disabled)),
    ("POST", "/api/v1/users/{user_id}/enable"): Expect(_spare_json(_enabled), _spare_disabled),
    ("POST", "/api/v1/users/{user_id}/role"): Expect(_spare_json(_role_granted)),
    ("POST", "/api/v1/users/{user_id}/unlock"): Expect(_spare_json(_unlocked), _spare_locked),
    ("POST", "/api/v1/users/{user_id}/reset-second-factor"): Expect(
        lambda seen: (seen.status(204), _second_factor_reset(seen)), _spare_with_second_factor),
    ("GET", "/api/v1/audit"): Expect(_audit_json),
    ("GET", "/api/v1/audit/verify"): Expect(_audit_verify_json),
    ("GET", "/api/v1/documents/ledger"): Expect(_ledger_workbook),
    ("GET", "/api/v1/documents/progress-template"): Expect(_template_workbook, _template_params),
    ("POST", "/api/v1/documents/progress"): Expect(_imported_json, _filled_template),
    ("GET", "/api/v1/documents/bulletin"): Expect(_bulletin),
    ("GET", "/api/v1/rules"): Expect(_rules_json),
    ("POST", "/api/v1/rules/match"): Expect(_match_json),
    ("POST", "/api/v1/fulfillment/jobs"): Expect(_job_created_json),
    ("GET", "/api/v1/fulfillment/jobs"): Expect(_jobs_json),
    ("GET", "/api/v1/fulfillment/jobs/{job_id}"): Expect(_job_json),
    ("GET", "/api/v1/fulfillment/jobs/{job_id}/payouts"): Expect(_payouts_json),
    ("GET", "/api/v1/fulfillment/jobs/{job_id}/errors"): Expect(_errors_json),
    ("POST", "/api/v1/fulfillment/jobs/{job_id}/review"): Expect(
        lambda seen: (seen.json(), _job_approved(seen)), _job_pending),
    ("POST", "/api/v1/fulfillment/jobs/{job_id}/publish"): Expect(_published_json),
    ("GET", "/api/v1/fulfillment/jobs/{job_id}/publicity.xlsx"): Expect(_publicity_workbook),
    ("GET", "/api/v1/fulfillment/jobs/{job_id}/payouts.xlsx"): Expect(_payout_list_workbook, _payouts_made_public),
    ("POST", "/api/v1/fulfillment/payouts/{payout_id}/status"): Expect(_payout_status_json),
    ("POST", "/api/v1/fulfillment/payouts/{payout_id}/reveal"): Expect(_reveal_json),
    ("POST", "/api/v1/fulfillment/lookup"): Expect(_lookup_json),
}
for _bound in rule_book():
    _name, _label = _bound.rule.name, _bound.rule.label
    EXPECTATIONS |= {
        ("GET", f"/rules/{_name}"): Expect(_rule_page(_label)),
        ("POST", f"/rules/{_name}"): Expect(_rule_computed_page(_label)),
        ("GET", f"/api/v1/rules/{_name}"): Expect(_rule_json(_name, _label)),
        ("POST", f"/api/v1/rules/{_name}/evaluate"): Expect(_evaluated_json(_name)),
        ("POST", f"/api/v1/rules/{_name}/batch"): Expect(_batch_json),
    }


def expectation(method: str, path: str) -> Expect:
    assert (method, path) in EXPECTATIONS, f"请为新路由 {method} {path} 在权限矩阵测试中写明允许的角色应看到的结果（EXPECTATIONS）"
    return EXPECTATIONS[(method, path)]

"""``taizhang load-workload``: the workload's CSV files into an empty database, through the real schema.

Mapping (see ``source`` for reports):
- units → Unit (kinds city / department / county; a department's or county's parent is its city
  government); one reporter account per unit (password unusable: it signs in with its API token
  only) and one API token per account, written to the state file the load generator reads;
- one synthetic Policy judged as of the workload's AS_OF, one Section and one Measure for all tasks;
- tasks keep their ids, parent, lead unit, dates and status (completed_on becomes closed_on); depth
  is level − 1; the lead and co-units become assignments; a target becomes an Indicator;
- every report is approved (the workload has no review step), its figures are those of the latest
  submission of its month.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from taizhang.audit.service import record
from taizhang.auth.permissions import REPORTER, Actor, require
from taizhang.auth.service import TOKEN_PREFIX
from taizhang.db.base import utcnow
from taizhang.db.engine import Database
from taizhang.db.models import (
    Assignment,
    Indicator,
    Policy,
    Report,
    ReportValue,
    ReportVersion,
    Task,
    Unit,
    User,
)
from taizhang.errors import Conflict
from taizhang.ledger.rollup import is_additive
from taizhang.workload import bulk
from taizhang.workload.reports import write_reports
from taizhang.workload.source import (
    AS_OF,
    TaskRow,
    UnitRow,
    check_directory,
    read_tasks,
    read_units,
)

POLICY_TITLE = "负载测试：省重点任务台账"
DOC_KEY = "workload-province"
BIG_TABLES = (Task, Assignment, Indicator, Report, ReportValue, ReportVersion)
LOADED = ("policy", "section", "measure", "unit", "user_account", "api_token", "task", "assignment", "indicator",
          "report", "report_value", "report_version")


@dataclass
class LoadResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    policy_id: int = 0
    state_path: Path | None = None

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


@dataclass
class _Ids:
    measure: int = 0
    user_base: int = 0  # user id = user_base + unit id
    indicator_of: dict[int, int] = field(default_factory=dict)  # task id → indicator id
    lead_of: dict[int, int] = field(default_factory=dict)  # task id → lead unit id
    tokens: dict[int, str] = field(default_factory=dict)  # unit id → token secret


def load_workload(directory: Path, *, database: Database, actor: Actor, state_path: Path) -> LoadResult:
    """Load the files into an empty ledger; write the per-unit API tokens to ``state_path``."""
    for action in ("policy.import", "user.manage", "token.manage"):
        require(actor, action)
    manifest = check_directory(directory)
    _require_empty(database)
    result, clock = LoadResult(), _Stopwatch()
    units = read_units(directory)
    ids = _Ids()
    with bulk.writer(database.engine) as writer:
        writer.defer_indexes([model.__table__ for model in BIG_TABLES])
        result.policy_id = _write_policy(writer, ids, manifest)
        _write_units(writer, units, ids, result)
        result.seconds["units_accounts"] = clock.lap()
        _write_tasks(writer, read_tasks(directory), ids, result)
        result.seconds["tasks"] = clock.lap()
        _write_reports(writer, directory, ids, result)
        result.seconds["reports"] = clock.lap()
        writer.rebuild_indexes()
        result.seconds["indexes"] = clock.lap()
        writer.finish(LOADED)
    result.seconds["analyze_commit"] = clock.lap()
    _write_state(state_path, units, ids, result)
    result.state_path = state_path
    with database.writing() as session:
        record("workload.load", session=session, actor=actor, object_type="policy", object_id=result.policy_id,
               detail={"directory": str(directory), "counts": result.counts, "sha256": manifest.get("sha256", {})})
        session.commit()
    return result


class _Stopwatch:
    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self) -> float:
        """Seconds since the previous lap."""
        now = time.perf_counter()
        elapsed, self.last = now - self.last, now
        return round(elapsed, 2)


def _require_empty(database: Database) -> None:
    with database.reading() as session:
        for model in (Policy, Unit, Task, Report):
            if session.scalar(select(func.count()).select_from(model)):
                raise Conflict("数据库不是空的：负载数据只能载入新建的空数据库（先运行 taizhang db upgrade）。")


def _write_policy(writer, ids: _Ids, manifest: dict) -> int:
    now = writer.now(utcnow())
    digest = hashlib.sha256(json.dumps(manifest.get("sha256", {}), sort_keys=True).encode()).hexdigest()
    parsed = {"title": POLICY_TITLE, "issuer": None, "issued_on": None, "doc_number": None, "recipients": [],
              "basis": "", "sections": [{"no": 1, "title": "负载测试任务"}], "measures": []}
    writer.write("policy", ("id", "doc_key", "version", "content_hash", "is_current", "title", "source_name",
                            "source_text", "parsed", "imported_at", "cadence", "as_of", "demo"),
                 [(1, DOC_KEY, 1, digest, writer.flag(True), POLICY_TITLE, "workload", "",
                   json.dumps(parsed, ensure_ascii=False), now, "monthly", AS_OF.isoformat(), writer.flag(False))])
    writer.write("section", ("id", "policy_id", "no", "title"), [(1, 1, 1, "负载测试任务")])
    details = json.dumps({"units": [], "quantities": [], "deadlines": []})
    writer.write("measure", ("id", "policy_id", "section_id", "seq", "no", "title", "text", "span_start", "span_end",
                             "units_open", "truncated", "details"),
                 [(1, 1, 1, 1, "1", POLICY_TITLE, POLICY_TITLE, 0, 0, writer.flag(False), writer.flag(False), details)])
    ids.measure = 1
    return 1


def _write_units(writer, units: list[UnitRow], ids: _Ids, result: LoadResult) -> None:
    now = writer.now(utcnow())
    result.counts["units"] = writer.write(
        "unit", ("id", "name", "short_name", "kind", "in_directory", "parent_id", "created_at"),
        [(u.id, u.name, u.name, u.kind, writer.flag(True), u.parent_id, now) for u in units])
    ids.user_base = writer.connection.execute(select(func.coalesce(func.max(User.id), 0))).scalar()
    # Every column the model declares, with its default, so new columns need no change here.
    user_defaults = _defaults(User, writer)
    rows = []
    for u in units:
        row = {**user_defaults, "id": ids.user_base + u.id, "username": u.code.lower(), "display_name": u.name,
               "password_hash": "!", "role": REPORTER, "unit_id": u.id, "active": writer.flag(True),
               "must_change_password": writer.flag(False), "password_changed_at": now, "created_at": now}
        rows.append(row)
    columns = tuple(rows[0])
    result.counts["accounts"] = writer.write("user_account", columns, [tuple(r[c] for c in columns) for r in rows])
    token_rows = []
    for n, u in enumerate(units, start=1):
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        ids.tokens[u.id] = secret
        token_rows.append((n, "负载测试", hashlib.sha256(secret.encode()).hexdigest(), ids.user_base + u.id, now))
    result.counts["tokens"] = writer.write("api_token", ("id", "name", "token_hash", "user_id", "created_at"),
                                           token_rows)


def _defaults(model, writer) -> dict:
    """Scalar column defaults of a model (booleans and numbers as the dialect stores them)."""
    out = {}
    for column in model.__table__.columns:
        default = column.default
        if default is not None and default.is_scalar:
            value = default.arg
            out[column.name] = writer.flag(value) if isinstance(value, bool) else value
    return out


def _write_tasks(writer, tasks: Iterator[TaskRow], ids: _Ids, result: LoadResult) -> None:
    now = writer.now(utcnow())
    task_rows, assignment_rows, indicator_rows = [], [], []
    names = dict(writer.connection.execute(select(Unit.id, Unit.name)).all())
    for t in tasks:
        ids.lead_of[t.id] = t.lead_unit_id
        task_rows.append((
            t.id, DOC_KEY, ids.measure, "1.1", t.parent_id, t.title, t.title, t.due_date, t.status,
            "measure" if t.level == 1 else "item", t.level - 1, t.lead_unit_id, t.start_date, t.completed_on,
            "none", "none", "[]", now, now, 1,
        ))
        for seq, (unit_id, role) in enumerate([(t.lead_unit_id, "lead"), *((c, "co") for c in t.co_unit_ids)]):
            assignment_rows.append((len(assignment_rows) + 1, t.id, unit_id, role, seq, names[unit_id]))
        if t.target_value is not None:
            indicator_id = len(indicator_rows) + 1
            ids.indicator_of[t.id] = indicator_id
            indicator_rows.append((indicator_id, t.id, 1, f"目标{t.target_value}{t.value_unit}",
                                   writer.num(t.target_value), t.value_unit, ">=", t.due_date,
                                   writer.flag(is_additive(t.value_unit))))
    result.counts["tasks"] = writer.write(
        "task", ("id", "doc_key", "measure_id", "measure_key", "parent_id", "title", "content", "due_date", "status",
                 "kind", "depth", "lead_unit_id", "start_date", "closed_on", "light", "light_computed",
                 "light_reasons", "created_at", "updated_at", "row_version"), task_rows)
    result.counts["assignments"] = writer.write(
        "assignment", ("id", "task_id", "unit_id", "role", "seq", "name_as_written"), assignment_rows)
    result.counts["indicators"] = writer.write(
        "indicator", ("id", "task_id", "seq", "name", "target_value", "unit", "cmp", "due_date", "additive"),
        indicator_rows)


def _write_reports(writer, directory: Path, ids: _Ids, result: LoadResult) -> None:
    counts = write_reports(writer, directory, user_base=ids.user_base, indicator_of=ids.indicator_of,
                           lead_of=ids.lead_of)
    result.counts.update(submissions=counts["report_version"], reports=counts["report"],
                         report_values=counts["report_value"])


def _write_state(path: Path, units: list[UnitRow], ids: _Ids, result: LoadResult) -> None:
    """Unit id → API token (secrets: the file is created readable by its owner only)."""
    state = {
        "as_of": AS_OF.isoformat(), "period": AS_OF.strftime("%Y-%m"), "policy_id": result.policy_id,
        "tokens": {str(u.id): ids.tokens[u.id] for u in units},
        "indicators": {str(task): indicator for task, indicator in ids.indicator_of.items()},
        "counts": result.counts,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(state, handle, ensure_ascii=False)

"""Input and reads: write APIs refuse unknown fields and wrong types and change nothing; no GET
changes state. Walked over the whole route table."""

from __future__ import annotations

from taizhang.auth.permissions import ACTIONS
from taizhang.db.models import Base
from tests.web.matrix import ROLE_OF, ROLES, query_for
from tests.web.routes import route_table


def _json_routes(matrix):
    for route in route_table(matrix.app):
        action = route.permits[0].action
        if action is None:
            continue
        kwargs = matrix.body(route)
        if "json" in kwargs:
            role = next(r for r in ROLES[1:] if ROLE_OF[r] in ACTIONS[action][0])
            yield route, role, kwargs["json"]


def _wrong_type(value):
    if isinstance(value, bool) or isinstance(value, str):
        return [1, 2]
    if isinstance(value, (int, float)):
        return "不是数字"
    return "不是对象或列表"


def test_write_apis_refuse_unknown_fields_and_wrong_types_without_changing_anything(matrix, database):
    client = matrix.client()
    before = _business_state(database)
    checked = 0
    for route, role, example in _json_routes(matrix):
        url = matrix.url(route.path)
        headers = {"Authorization": f"Bearer {matrix.tokens[role]}"}
        bodies = [{**example, "unexpected_field": 1}] + [{**example, key: _wrong_type(v)} for key, v in example.items()]
        for body in bodies:
            response = client.request(route.method, url, headers=headers, json=body)
            assert response.status_code == 422, f"{route.method} {route.path} {body} → {response.status_code}"
            checked += 1
    assert checked >= 20
    assert _business_state(database) == before


# Bookkeeping a read may write: the audit trail, a token's or session's last use, request counts.
NOT_BUSINESS = {"audit_event", "api_token", "web_session", "rate_count"}


def _business_state(database) -> dict[str, list]:
    with database.reading() as s:
        return {t.name: sorted(map(tuple, s.execute(t.select()).all()), key=repr)
                for t in Base.metadata.sorted_tables if t.name not in NOT_BUSINESS}


def test_no_get_changes_state(matrix, database):
    """Every GET route, as every role, leaves every business table exactly as it was."""
    client = matrix.client()
    before = _business_state(database)
    gets = [r for r in route_table(matrix.app) if r.method == "GET" and not r.path.startswith("/static")]
    for route in gets:
        for role in ROLES[1:]:
            client.get(matrix.url(route.path), headers={"Authorization": f"Bearer {matrix.tokens[role]}"},
                       params=query_for(route.path))
    assert len(gets) >= 30
    assert _business_state(database) == before

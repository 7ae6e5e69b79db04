"""The workload's operations through the REST API, as each acting unit's token, answer what the
CSV files say (A, B, D), submissions are kept (C), and the scope holds across cities."""

from __future__ import annotations

import io
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from taizhang.audit.models import AuditEvent

pytestmark = pytest.mark.slow

PAGE = 50


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def overdue_page(loaded, unit_id: int, page: int, size: int) -> dict:
    response = loaded.client.get("/api/v1/tasks", headers=loaded.headers(unit_id), params={
        "lead_unit_id": unit_id, "open": "true", "overdue": "true", "sort": "due", "limit": size,
        "offset": (page - 1) * size})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("size", [PAGE, 2])  # at scale 0.01 no unit fills a second page of 50
def test_a_open_overdue_tasks_of_a_unit_page_by_page(loaded, answers, size):
    by_count = sorted({int(t["lead_unit_id"]) for t in answers.tasks.values()},
                      key=lambda u: -len(answers.overdue(u)))
    units = by_count[:4] + random.Random(7).sample(by_count[4:], 6) + [answers.city_unit(3)]
    for unit_id in units:
        expected = answers.overdue(unit_id)
        pages = max(1, -(-len(expected) // size))
        got = []
        for page in range(1, pages + 1):
            body = overdue_page(loaded, unit_id, page, size)
            assert body["total"] == len(expected)
            got += [item["id"] for item in body["items"]]
        assert got == expected, unit_id
    assert any(len(answers.overdue(u)) > size for u in units) or size == PAGE


def test_b_a_task_with_its_last_20_submissions(loaded, answers):
    busiest = max(answers.reports_by_task, key=lambda t: len(answers.reports_by_task[t]))
    sample = random.Random(11).sample(sorted(answers.tasks), 12)
    for task_id in [busiest, *sample]:
        task = answers.tasks[task_id]
        response = loaded.client.get(f"/api/v1/tasks/{task_id}/history", params={"limit": 20},
                                     headers=loaded.headers(task["lead_unit_id"]))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["lead_unit"]["id"] == int(task["lead_unit_id"])
        assert [u["id"] for u in body["co_units"]] == [int(c) for c in task["co_unit_ids"].split(";") if c]
        assert (body["parent"] or {}).get("id") == (int(task["parent_id"]) if task["parent_id"] else None)
        assert (body["start_date"], body["due_date"], body["status"]) == (task["start_date"], task["due_date"],
                                                                          task["status"])
        if task["target_value"]:
            (indicator,) = body["indicators"]
            assert Decimal(indicator["target_value"]) == Decimal(task["target_value"])
            assert indicator["unit"] == task["value_unit"]
            latest = indicator["latest_actual"]
            assert (Decimal(latest) if latest else None) == (Decimal(task["latest_actual"]) if task["latest_actual"]
                                                            else None)
        else:
            assert body["indicators"] == []
        expected = answers.last_reports(task_id)
        got = body["submissions"]
        assert [(s["unit_id"], s["progress"]) for s in got] == [(int(r["unit_id"]), r["narrative"]) for r in expected]
        assert [_decimal(next(iter(s["values"].values()), None)) for s in got] == [
            Decimal(r["actual_value"]) if r["actual_value"] else None for r in expected]
    assert len(answers.reports_by_task[busiest]) > 20


def test_d_every_city_rolled_up_by_status(loaded, answers):
    for city_no in range(1, 12):
        unit_id = answers.city_unit(city_no)
        response = loaded.client.get("/api/v1/tasks/rollup", params={"unit_id": unit_id},
                                     headers=loaded.headers(unit_id))
        assert response.status_code == 200, response.text
        body = response.json()
        counts = answers.city_counts(city_no)
        assert body["by_status"] == dict(counts)
        assert body["total"] == sum(counts.values())
        ratio = Decimal(counts["completed"]) / sum(counts.values())
        assert Decimal(body["completion_ratio"]) == ratio.quantize(Decimal("0.0001"), ROUND_HALF_UP)


def test_c_repeated_submissions_are_each_kept(loaded, answers):
    task = next(t for t in answers.tasks.values() if t["status"] != "completed" and t["target_value"])
    indicator = loaded.indicators[task["id"]]
    lead = task["lead_unit_id"]
    for n in (1, 2, 3):
        response = loaded.client.put(f"/api/v1/tasks/{task['id']}/reports/2023-01", params={"submit": "true"},
                                     json={"progress": f"第{n}次报送", "values": {str(indicator): f"{n}.5"}},
                                     headers=loaded.headers(lead))
        assert response.status_code == 200, response.text
        assert (response.json()["status"], response.json()["version"]) == ("submitted", n)
    # The two-step way (save, then submit) works on the same report too.
    saved = loaded.client.put(f"/api/v1/tasks/{task['id']}/reports/2023-01", json={"progress": "第4次报送"},
                              headers=loaded.headers(lead)).json()
    submitted = loaded.client.post(f"/api/v1/reports/{saved['id']}/submit", headers=loaded.headers(lead))
    assert submitted.status_code == 200 and submitted.json()["version"] == 4
    body = loaded.client.get(f"/api/v1/tasks/{task['id']}/history", headers=loaded.headers(lead)).json()
    assert [s["progress"] for s in body["submissions"][:4]] == ["第4次报送", "第3次报送", "第2次报送", "第1次报送"]
    assert Decimal(body["indicators"][0]["latest_actual"]) == Decimal("3.5")  # the 4th gave no figure
    assert body["status"] == task["status"]  # a submission does not change the task's status
    rollup = loaded.client.get("/api/v1/tasks/rollup", headers=loaded.headers(lead)).json()
    assert rollup["unit_id"] == int(lead)


def test_a_unit_sees_its_city_and_nothing_of_another_city(loaded, answers):
    units = {int(u["id"]): u for u in answers.units}
    task = next(t for t in answers.tasks.values() if units[int(t["lead_unit_id"])]["kind"] == "department"
                and not t["co_unit_ids"])
    city_no = task["city_no"]
    other_city = answers.city_unit(1 if city_no != "1" else 2)
    stranger = next(u for u in answers.units if u["kind"] == "county" and u["city_no"] != city_no)
    for unit_id in (other_city, int(stranger["id"])):
        for path in (f"/api/v1/tasks/{task['id']}", f"/api/v1/tasks/{task['id']}/history"):
            response = loaded.client.get(path, headers=loaded.headers(unit_id))
            assert response.status_code == 404, (path, unit_id, response.text)
    own_city = answers.city_unit(int(city_no))
    assert loaded.client.get(f"/api/v1/tasks/{task['id']}/history", headers=loaded.headers(own_city)).status_code == 200
    response = loaded.client.get("/api/v1/tasks/rollup", params={"unit_id": own_city},
                                 headers=loaded.headers(stranger["id"]))
    assert response.status_code == 404
    write = loaded.client.put(f"/api/v1/tasks/{task['id']}/reports/2023-01", json={"progress": "越权"},
                              headers=loaded.headers(own_city))
    assert write.status_code == 403  # the city sees its departments' tasks but reports only on its own


def test_export_of_a_city_ledger(loaded, answers):
    unit_id = answers.city_unit(1)
    response = loaded.client.get("/api/v1/tasks/export", params={"unit_id": unit_id},
                                 headers=loaded.headers(unit_id))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["台账"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    expected = sorted(int(t["id"]) for t in answers.tasks.values() if t["city_no"] == "1")
    assert [r[0] for r in rows] == expected
    first = answers.tasks[expected[0]]
    row = rows[0]
    assert row[2] == first["title"]
    latest = answers.last_reports(expected[0], 1)
    assert row[11] == (latest[0]["narrative"] if latest else None)
    with loaded.database.reading() as session:  # who exported what, and how many rows, is on record
        exported = session.execute(select(AuditEvent.object_id, AuditEvent.detail)
                                   .where(AuditEvent.action == "ledger.export").order_by(AuditEvent.id.desc())).first()
    assert exported.object_id == str(unit_id) and exported.detail["rows"] == len(expected)


def test_no_query_per_row(loaded, answers):
    """A page of 50 costs the same queries as a page of 5; a busy task's history as a quiet one's."""
    engine = loaded.database.engine
    count = [0]

    def counted(*_):
        count[0] += 1

    event.listen(engine, "before_cursor_execute", counted)
    try:
        def queries(call) -> int:
            call()  # warm: the token's first use is recorded once
            count[0] = 0
            response = call()
            assert response.status_code == 200, response.text
            return count[0]

        unit = max({int(t["lead_unit_id"]) for t in answers.tasks.values()}, key=lambda u: len(answers.overdue(u)))
        pages = [queries(lambda n=n: loaded.client.get("/api/v1/tasks", headers=loaded.headers(unit), params={
            "lead_unit_id": unit, "open": "true", "overdue": "true", "sort": "due", "limit": n})) for n in (5, 50)]
        assert pages[0] == pages[1]
        busy = max(answers.reports_by_task, key=lambda t: len(answers.reports_by_task[t]))
        quiet = min(answers.reports_by_task, key=lambda t: len(answers.reports_by_task[t]))
        costs = {queries(lambda t=t: loaded.client.get(f"/api/v1/tasks/{t}/history", headers=loaded.headers(
            answers.tasks[t]["lead_unit_id"]))) for t in (busy, quiet)}
        assert len(costs) == 1 or max(costs) - min(costs) <= 2  # a parent and a unit name may be loaded
    finally:
        event.remove(engine, "before_cursor_execute", counted)

"""The workflow end to end through the REST API: a county reports, the lead unit compiles, the office
returns the county's report with a reason, the county fixes it, the office approves; lights, rolled-up
actuals and scores change as expected."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from taizhang.auth import service as accounts
from taizhang.auth.permissions import Actor
from taizhang.ledger.models import Policy
from taizhang.web.app import create_app
from tests.conftest import app_settings
from tests.workflow.conftest import build_world


def set_day(database, day: date) -> None:
    with database.writing() as s:
        s.scalar(select(Policy)).as_of = day
        s.commit()


def test_county_lead_unit_and_office_through_the_api(database, seed_text, tmp_path):
    with database.writing() as s:
        world = build_world(s, seed_text)
        task_id = world.task("4").id
        trainees = next(i.id for i in world.task("4").indicators if i.target_value == 2000)
        counties = {name: world.unit(name).id for name in ("章贡区", "南康区")}
        tokens = {key: accounts.create_token(world.users[key].id, key, session=s, actor=Actor.system())[1]
                  for key in ("督查室", "市人社局", "章贡区")}
    set_day(database, date(2020, 9, 20))
    client = TestClient(create_app(app_settings(tmp_path),
                                   database), base_url="http://127.0.0.1")

    def call(who, method, url, **kw):
        response = client.request(method, url, headers={"Authorization": f"Bearer {tokens[who]}"}, **kw)
        assert response.status_code < 300, f"{who} {method} {url}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    # The office splits 见习人员2000人 between two counties.
    split = call("督查室", "POST", f"/api/v1/tasks/{task_id}/subtasks", json={"subtasks": [
        {"unit_id": counties["章贡区"], "targets": {str(trainees): 1000}},
        {"unit_id": counties["南康区"], "targets": {str(trainees): 1000}}]})
    county_task = split["created"][0]
    county_indicator = call("章贡区", "GET", f"/api/v1/tasks/{county_task}")["indicators"][0]["id"]

    # The county reports 300 trainees for September.
    draft = call("章贡区", "PUT", f"/api/v1/tasks/{county_task}/reports/2020-09",
                 json={"progress": "新增见习人员300人", "values": {str(county_indicator): 300}})
    call("章贡区", "POST", f"/api/v1/reports/{draft['id']}/submit")

    # The lead unit compiles: the county's words are in its starting text.
    compiled = call("市人社局", "GET", f"/api/v1/tasks/{task_id}/reports/2020-09/compiled")
    assert "章贡区：新增见习人员300人" in compiled["progress"]
    lead = call("市人社局", "PUT", f"/api/v1/tasks/{task_id}/reports/2020-09", json={"progress": compiled["progress"]})
    call("市人社局", "POST", f"/api/v1/reports/{lead['id']}/submit")

    # The office returns the county's report with a reason; the county sees it and fixes it.
    set_day(database, date(2020, 9, 22))
    call("督查室", "POST", f"/api/v1/reports/{draft['id']}/review",
         json={"decision": "returned", "reason": "人数与见习协议不符，请核实"})
    seen = call("章贡区", "GET", f"/api/v1/reports/{draft['id']}")
    assert seen["status"] == "returned" and seen["reviews"][-1]["reason"] == "人数与见习协议不符，请核实"
    before = call("督查室", "GET", f"/api/v1/tasks/{task_id}")
    assert next(i for i in before["indicators"] if i["id"] == trainees)["children_actual"] is None
    call("章贡区", "PUT", f"/api/v1/tasks/{county_task}/reports/2020-09",
         json={"progress": "新增见习人员280人（已核实）", "values": {str(county_indicator): 280}})
    fixed = call("章贡区", "POST", f"/api/v1/reports/{draft['id']}/submit")
    assert fixed["version"] == 2

    # The office approves: the rolled-up actual and the county's light change.
    set_day(database, date(2020, 9, 24))
    call("督查室", "POST", f"/api/v1/reports/{draft['id']}/review", json={"decision": "approved"})
    after = call("督查室", "GET", f"/api/v1/tasks/{task_id}")
    assert next(i for i in after["indicators"] if i["id"] == trainees)["children_actual"] == "280.0000"
    county = call("督查室", "GET", f"/api/v1/tasks/{county_task}")
    assert county["indicators"][0]["actual"] == "280.0000"
    assert county["light"] != "none" and any("2020年9月进展已审核通过" in r for r in county["light_reasons"])

    # Scores for September: the county lost points for the return, the lead unit did not.
    set_day(database, date(2020, 10, 1))
    scores = {row["unit_name"]: row for row in call("督查室", "GET", "/api/v1/scores", params={"period": "2020-09"})}
    county_lines = [line["kind"] for line in scores["章贡区"]["lines"]]
    assert "returned" in county_lines and "on_time" in county_lines
    assert "returned" not in [line["kind"] for line in scores["市人社局"]["lines"]]

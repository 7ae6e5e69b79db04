"""/api/v1/documents over HTTP: downloads are attachments with nosniff, uploads are size-limited,
reporters get only their own unit, and every download and import is in the audit trail."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from taizhang.audit.models import AuditEvent
from taizhang.auth import service as accounts
from taizhang.auth.permissions import Actor
from taizhang.reporting.models import Report
from taizhang.settings import Settings
from taizhang.web.app import create_app
from tests.documents.conftest import SECRET, fill
from tests.workflow.conftest import build_world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def api(database, seed_text, tmp_path):
    with database.writing() as s:
        world = fill(build_world(s, seed_text))
        tokens = {key: accounts.create_token(world.users[key].id, key, session=s, actor=Actor.system())[1]
                  for key in ("督查室", "市人社局", "市财政局", "领导")}
        units = {name: world.unit(name).id for name in ("市人社局", "市财政局")}
    settings = Settings(environment="test", database_url="sqlite://", data_dir=tmp_path, secret_key=SECRET,
                        upload_max_bytes=64 * 1024)
    client = TestClient(create_app(settings, database), base_url="http://127.0.0.1")

    def call(method: str, path: str, who: str, **kwargs):
        return client.request(method, f"/api/v1/documents{path}", headers={"Authorization": f"Bearer {tokens[who]}"},
                              **kwargs)
    return call, units, database


def assert_download(response, content_type: str, filename: str) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(content_type)
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote(filename)}" in disposition


def test_the_ledger_download(api):
    call, _, _ = api
    response = call("GET", "/ledger", "领导", params={"period": "2020-09", "light": "orange"})
    assert_download(response, XLSX, "重点任务推进台账-2020-09.xlsx")
    ws = load_workbook(BytesIO(response.content))["一、保居民就业"]
    assert ws["A4"].value == "5" and ws["A5"].value is None
    csv = call("GET", "/ledger", "市财政局", params={"period": "2020-09", "format": "csv"})
    assert_download(csv, "text/csv", "重点任务推进台账-2020-09.csv")
    rows = csv.content.decode("utf-8-sig").splitlines()[1:]
    assert rows and all("市财政局" in row for row in rows)  # a reporter's export holds its unit's tasks only


def test_the_template_round_trip_over_http(api):
    call, units, database = api
    response = call("GET", "/progress-template", "市人社局", params={"period": "2020-10"})
    assert_download(response, XLSX, "进展填报-市人社局-2020-10.xlsx")
    wb = load_workbook(BytesIO(response.content))
    ws = wb.active
    first = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "1")
    ws.cell(first, 8).value = 18_000_000
    ws.cell(first, 9).value = "10月返还稳岗资金200万元"
    buffer = BytesIO()
    wb.save(buffer)
    files = {"file": ("进展填报.xlsx", buffer.getvalue(), XLSX)}
    done = call("POST", "/progress", "市人社局", files=files)
    assert done.status_code == 200, done.text
    assert done.json()["unit"] == "市人社局" and len(done.json()["saved"]) == 1
    again = call("POST", "/progress", "市人社局", files=files)
    assert again.json()["saved"] == [] and again.json()["unchanged"] == 1
    refused = call("POST", "/progress", "市财政局", files=files)
    assert refused.status_code == 422 and "这是“市人社局”的填报模板" in refused.json()["error"]["message"]
    with database.reading() as s:
        draft = s.scalar(select(Report).where(Report.period == "2020-10", Report.unit_id == units["市人社局"]))
        assert draft.progress == "10月返还稳岗资金200万元"
        actions = [(e.action, e.outcome, e.actor_name) for e in s.scalars(select(AuditEvent).where(
            AuditEvent.action.in_(("template.download", "progress.import"))).order_by(AuditEvent.id))]
    assert actions == [("template.download", "success", "renshe"), ("progress.import", "success", "renshe"),
                       ("progress.import", "success", "renshe"), ("progress.import", "rejected", "caizheng")]


def test_a_reporter_cannot_fetch_another_units_template(api):
    call, units, _ = api
    response = call("GET", "/progress-template", "市人社局", params={"unit_id": units["市财政局"]})
    assert response.status_code == 403 and "只能下载本单位" in response.json()["error"]["message"]
    office = call("GET", "/progress-template", "督查室", params={"unit_id": units["市财政局"], "period": "2020-10"})
    assert_download(office, XLSX, "进展填报-市财政局-2020-10.xlsx")
    assert call("GET", "/progress-template", "督查室").status_code == 422  # the office must name a unit


def test_an_upload_past_the_limit_is_refused(api):
    call, _, _ = api
    response = call("POST", "/progress", "市人社局", files={"file": ("大.xlsx", b"PK\x03\x04" + bytes(100_000), XLSX)})
    assert response.status_code == 413
    assert "超过上传上限0.1MB" in response.json()["error"]["message"]


def test_the_bulletin_download(api):
    call, _, _ = api
    response = call("GET", "/bulletin", "督查室", params={"period": "2020-09"})
    assert_download(response, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "重点任务推进情况通报-2020-09.docx")
    assert "关于2020年9月重点任务推进情况的通报" in [p.text for p in Document(BytesIO(response.content)).paragraphs]
    assert call("GET", "/bulletin", "市人社局", params={"period": "2020-09"}).status_code == 403
    assert call("GET", "/bulletin", "督查室", params={"period": "2020-9"}).status_code == 422

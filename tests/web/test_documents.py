"""The 台账文档 page: each role sees the documents it may take, and a unit uploads its filled
progress template through a form — saved as drafts, or refused with the reason and nothing saved."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from taizhang.reporting.models import Report
from tests.web.conftest import csrf_of

PROGRESS_COLUMN = 9  # 进展情况, as the template lays it out (tests/documents/test_template.py)


def _reports(site) -> int:
    with site.database.reading() as session:
        return session.scalar(select(func.count()).select_from(Report))


def _filled_template(client) -> bytes:
    response = client.get("/api/v1/documents/progress-template")
    assert response.status_code == 200 and response.headers["content-disposition"].startswith("attachment")
    wb = load_workbook(BytesIO(response.content))
    ws = wb.active
    first = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value)
    ws.cell(first, PROGRESS_COLUMN).value = "完成续贷过桥资金投放2亿元"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_each_role_sees_the_documents_it_may_take(site):
    office = site.login("dcs").get("/documents").text
    assert "导出台账" in office and "下载模板" in office and "生成通报" in office
    unit = site.login("jinrong").get("/documents").text
    assert "导出台账" in unit and "上传并保存为草稿" in unit and "生成通报" not in unit
    leader = site.login("leader").get("/documents").text
    assert "导出台账" in leader and "下载模板" not in leader and "上传并保存为草稿" not in leader


def test_a_unit_uploads_its_filled_template_and_finds_drafts(site):
    client = site.login("jinrong")
    data = _filled_template(client)
    csrf = csrf_of(client.get("/documents").text)
    before = _reports(site)
    response = client.post("/documents/progress", data={"csrf_token": csrf},
                           files={"file": ("进展填报.xlsx", data, "application/octet-stream")})
    assert response.status_code == 200 and "保存草稿1项" in response.text, response.text[-2000:]
    assert _reports(site) == before + 1
    with site.database.reading() as session:
        report = session.scalars(select(Report).order_by(Report.id.desc())).first()
        assert (report.status, report.progress) == ("draft", "完成续贷过桥资金投放2亿元")


def test_a_bad_file_is_refused_with_its_reason_and_nothing_saved(site):
    client = site.login("jinrong")
    csrf = csrf_of(client.get("/documents").text)
    before = _reports(site)
    response = client.post("/documents/progress", data={"csrf_token": csrf},
                           files={"file": ("进展填报.xlsx", "任务,进展\n1,完成\n".encode(), "application/octet-stream")})
    assert 400 <= response.status_code < 500
    assert "未导入任何数据" in response.text and 'role="alert"' in response.text
    assert _reports(site) == before


def test_the_upload_needs_the_forms_csrf_token(site):
    client = site.login("jinrong")
    data = _filled_template(client)
    refused = client.post("/documents/progress", files={"file": ("进展填报.xlsx", data, "application/octet-stream")})
    assert refused.status_code == 403 and _reports(site) == 0


def test_the_task_list_links_to_the_export_of_what_it_filters(site):
    page = site.login("dcs").get("/tasks", params={"unit": "市人社局", "light": "red"}).text
    assert "/api/v1/documents/ledger?unit=%E5%B8%82%E4%BA%BA%E7%A4%BE%E5%B1%80&amp;light=red" in page

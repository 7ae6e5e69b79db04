"""The 免申即享 pages, used as the 督查室 and a leader use them (logged in with the session cookie):
upload, progress, the batch's numbers, review, 公示, 拨付/退回, downloads; identities masked except
in one audited reveal."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from taizhang.audit.models import AuditEvent
from taizhang.auth.models import User
from taizhang.auth.passwords import hash_password
from tests.fulfillment.factories import PEOPLE, api_site, bearer, extract_csv, people_csv, run_batches
from tests.web.conftest import PASSWORD, Site, csrf_of

UPLOAD_LIMIT = 4096
PERSONAL = [*PEOPLE["names"], *PEOPLE["id_numbers"], *PEOPLE["phones"]]


@pytest.fixture
def office(database, tmp_path):
    """The app with a 督查室 account, a leader and a unit reporter who log in through the pages;
    returns (site, API tokens)."""
    app, tokens, users = api_site(database, tmp_path, upload_max_bytes=UPLOAD_LIMIT)
    with database.writing() as s:
        hashed = hash_password(PASSWORD)  # one hash for all: argon2 is slow on purpose
        for user_id in users.values():
            s.get(User, user_id).password_hash = hashed
        s.commit()
    return Site(app=app, database=database), tokens


def upload(client, data: bytes, *, rule: str = "job_retention_refund", name: str = "登记信息.csv",
           on: str = "2020-09-01"):
    token = csrf_of(client.get("/fulfillment").text)
    return client.post("/fulfillment", data={"rule": rule, "date": on, "csrf_token": token},
                       files={"file": (name, data, "text/csv")}, follow_redirects=False)


def uploaded_and_run(client, data: bytes, **kwargs) -> int:
    response = upload(client, data, **kwargs)
    assert response.status_code == 303, response.text
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    run_batches(client, job_id, {})
    return job_id


def post_form(client, url: str, page_url: str, **fields):
    token = csrf_of(client.get(page_url).text)
    return client.post(url, data={**fields, "csrf_token": token}, follow_redirects=False)


def api_job(client, job_id: int) -> dict:
    return client.get(f"/api/v1/fulfillment/jobs/{job_id}").json()


def api_payouts(client, job_id: int) -> list[dict]:
    return client.get(f"/api/v1/fulfillment/jobs/{job_id}/payouts").json()["items"]


def test_the_office_uploads_runs_reviews_publishes_and_pays_through_the_pages(office):
    site, _ = office
    client = site.login("supervisor1")
    created = upload(client, extract_csv())
    assert created.status_code == 303 and created.headers["location"].startswith("/fulfillment/")
    job_id = int(created.headers["location"].rsplit("/", 1)[1])
    page_url = f"/fulfillment/{job_id}"

    queued = client.get(page_url).text  # no worker yet: the page polls its progress fragment
    assert "排队中" in queued and f'hx-get="/fulfillment/{job_id}/progress"' in queued and 'hx-trigger="every 2s"' in queued
    run_batches(client, job_id, {})
    finished = client.get(f"{page_url}/progress", headers={"HX-Request": "true"})
    assert finished.headers["HX-Refresh"] == "true" and "hx-trigger" not in finished.text

    # The extract's numbers (tests/fulfillment/test_api.py): 5 rows, 2 bad, 2 payouts of 90,000 + 50,000 元.
    html = client.get(page_url).text
    assert "hx-trigger" not in html
    assert "140,000.00元" in html and "90,000.00元" in html and "50,000.00元" in html
    assert re.search(r"处理行数</span><strong>5<", html) and re.search(r"有误行数</span><strong>2<", html)
    assert re.search(r"拟兑现笔数</span><strong>2<", html)
    assert "913607********XX1X" in html and "91360702MA35F0XX1X" not in html
    assert "校验码不符" in html and "无法计算的行（2 处）" in html
    assert re.search(r"<td>企业规模</td><td class=\"num\">1</td>", html)
    assert "publicity.xlsx" not in html  # not yet approved

    refused = post_form(client, f"{page_url}/review", page_url, decision="rejected", note="  ")
    assert refused.status_code == 422
    assert re.search(r'id="review-note"[^>]*>\s*</textarea>\s*<p class="field-error" role="alert">退回批次须写明理由。</p>',
                     refused.text)
    assert api_job(client, job_id)["review"] == "pending"
    approved = post_form(client, f"{page_url}/review", page_url, decision="approved", note="核对无误")
    assert approved.status_code == 303 and api_job(client, job_id)["review"] == "approved"
    html = client.get(approved.headers["location"]).text
    assert "批次已审核通过" in html and "审核意见：核对无误" in html
    assert f'href="/api/v1/fulfillment/jobs/{job_id}/publicity.xlsx"' in html
    assert f'action="/api/v1/fulfillment/jobs/{job_id}/payouts.xlsx"' in html and 'name="reason"' in html
    assert client.get(f"/api/v1/fulfillment/jobs/{job_id}/publicity.xlsx").status_code == 200

    assert "还有 2 笔拟兑现记录未公示" in html
    assert post_form(client, f"{page_url}/publish", page_url).status_code == 303
    assert [p["status"] for p in api_payouts(client, job_id)] == ["published", "published"]

    first, second = api_payouts(client, job_id)
    paid = post_form(client, f"{page_url}/payouts/{first['id']}/status", page_url, status="paid", note="已拨付")
    assert paid.status_code == 303
    unexplained = post_form(client, f"{page_url}/payouts/{second['id']}/status", page_url, status="returned")
    assert unexplained.status_code == 422 and "退回须写明理由。" in unexplained.text
    assert [p["status"] for p in api_payouts(client, job_id)] == ["paid", "published"]
    html = client.get(page_url).text
    assert "已拨付" in html and "已公示" in html


def test_a_form_without_the_csrf_token_is_refused(office):
    site, _ = office
    client = site.login("supervisor1")
    job_id = uploaded_and_run(client, extract_csv())
    response = client.post(f"/fulfillment/{job_id}/review", data={"decision": "approved"}, follow_redirects=False)
    assert response.status_code == 403 and api_job(client, job_id)["review"] == "pending"


@pytest.mark.parametrize(("fields", "file", "status", "message"), [
    ({"rule": "no_such_rule"}, ("x.csv", extract_csv()), 422, "没有名为“no_such_rule”的规则"),
    ({"rule": "debt_ratio_limit"}, ("x.csv", extract_csv()), 422, "核对类规则"),
    ({}, ("x.csv", b""), 422, "是空的"),
    ({}, ("x.csv", extract_csv() * 40), 413, "超过"),
    ({}, ("x.exe", b"MZ"), 415, "不支持的文件格式"),
    ({}, ("", b""), 422, "请选择登记信息文件"),
    ({"date": "2020-13-45"}, ("x.csv", extract_csv()), 422, "评估日期格式"),
])
def test_a_refused_upload_says_why_next_to_the_field_and_creates_nothing(office, fields, file, status, message):
    site, _ = office
    client = site.login("supervisor1")
    token = csrf_of(client.get("/fulfillment").text)
    response = client.post("/fulfillment", data={"rule": "job_retention_refund", "date": "2020-09-01",
                                                 "csrf_token": token, **fields},
                           files={"file": (*file, "text/csv")}, follow_redirects=False)
    assert response.status_code == status
    assert re.search(rf'<p class="field-error" role="alert">[^<]*{re.escape(message)}', response.text)
    assert "还没有兑现批次" in response.text
    assert client.get("/api/v1/fulfillment/jobs").json() == []


def test_a_leader_sees_the_batch_but_no_forms_and_a_unit_reporter_is_refused(office):
    site, tokens = office
    client = site.login("supervisor1")
    job_id = uploaded_and_run(client, extract_csv())
    assert client.post(f"/api/v1/fulfillment/jobs/{job_id}/review", headers=bearer(tokens["supervisor"]),
                       json={"decision": "approved"}).status_code == 200

    leader = site.login("leader1")
    listing = leader.get("/fulfillment").text
    assert f'href="/fulfillment/{job_id}"' in listing and 'method="post" action="/fulfillment' not in listing
    html = leader.get(f"/fulfillment/{job_id}").text
    assert "140,000.00元" in html and f"/api/v1/fulfillment/jobs/{job_id}/publicity.xlsx" in html
    assert 'method="post" action="/fulfillment' not in html and "payouts.xlsx" not in html and "查看完整信息" not in html
    token = csrf_of(html)
    assert leader.post(f"/fulfillment/{job_id}/publish", data={"csrf_token": token},
                       follow_redirects=False).status_code == 403

    reporter = site.login("reporter1")
    assert reporter.get("/fulfillment").status_code == 403
    assert reporter.get(f"/fulfillment/{job_id}").status_code == 403
    assert reporter.get(f"/fulfillment/{job_id}/progress").status_code == 403


def reveal_events(database) -> list[tuple[str, dict]]:
    with database.reading() as s:
        return [(event.object_id, event.detail) for event in
                s.scalars(select(AuditEvent).where(AuditEvent.action == "personal.reveal"))]


def test_identities_are_masked_on_the_page_and_shown_once_with_a_reason(office, database):
    site, _ = office
    client = site.login("supervisor1")
    job_id = uploaded_and_run(client, people_csv(), rule="work_training_subsidy")
    page_url = f"/fulfillment/{job_id}"
    html = client.get(page_url).text
    assert "360***********1232" in html and "陈**" in html and "1,200.00元" in html
    assert [value for value in PERSONAL if value in html] == []
    payout = api_payouts(client, job_id)[0]
    reveal_url = f"{page_url}/payouts/{payout['id']}/reveal"

    refused = post_form(client, reveal_url, page_url, reason="")
    assert refused.status_code == 422 and "须写明理由" in refused.text
    assert [value for value in PERSONAL if value in refused.text] == []
    assert reveal_events(database) == []

    shown = post_form(client, reveal_url, page_url, reason="核对开户信息")
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert "360702199001011232" in shown.text and "陈静怡" in shown.text and "13812345678" in shown.text
    ((object_id, detail),) = reveal_events(database)
    assert object_id == str(payout["id"]) and detail["reason"] == "核对开户信息"
    assert [value for value in PERSONAL if value in str(detail)] == []
    assert [value for value in PERSONAL if value in client.get(page_url).text] == []

    leader = site.login("leader1")
    token = csrf_of(leader.get(page_url).text)
    assert leader.post(reveal_url, data={"reason": "核对开户信息", "csrf_token": token},
                       follow_redirects=False).status_code == 403

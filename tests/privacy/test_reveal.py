"""Seeing one applicant's whole identity: only with ``personal.reveal`` (the supervision office), only
with a written reason (4—200 characters), always audited — the reason, the payout and which fields,
never the values — and sent with ``Cache-Control: no-store``. The payout list for the bank likewise."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from taizhang.audit.models import AuditEvent
from taizhang.auth.permissions import ACTIONS, Actor
from taizhang.fulfillment import service
from tests.fulfillment.factories import EVALUATED_ON, PEOPLE, api_site, bearer, data_key, people_csv

URL = "/api/v1/fulfillment/payouts/{}/reveal"


@pytest.fixture
def site(database, tmp_path):
    """The web app with a computed, approved batch of people (payouts for rows 1 and 2)."""
    app, tokens, users = api_site(database, tmp_path)
    office = Actor(user_id=users["supervisor"], username="supervisor1", role="supervisor")
    storage, key = tmp_path / "fulfillment", data_key(tmp_path)
    with database.writing() as session:
        job = service.create_job("work_training_subsidy", "登记信息.csv", people_csv(), session=session, actor=office,
                                 on=EVALUATED_ON, storage=storage)
        service.run_job(job.id, session=session, actor=office, storage=storage, key=key)
        service.review_job(job.id, "approved", session=session, actor=office)
        payouts, _ = service.list_payouts(job.id, session=session, actor=office, key=key)
        job_id = job.id
    return TestClient(app, base_url="http://127.0.0.1"), tokens, job_id, payouts[0].id


def audit(database, action: str) -> list[tuple]:
    """(object type, object id, user, detail) of each audit record of ``action``."""
    with database.reading() as session:
        return [tuple(row) for row in session.execute(
            select(AuditEvent.object_type, AuditEvent.object_id, AuditEvent.actor_name, AuditEvent.detail)
            .where(AuditEvent.action == action))]


def test_only_the_supervision_office_may_reveal():
    assert ACTIONS["personal.reveal"][0] == {"supervisor"}


@pytest.mark.parametrize("role", ["leader", "reporter", "admin"])
def test_other_roles_are_refused_and_nothing_is_shown(site, database, role):
    client, tokens, _, payout_id = site
    response = client.post(URL.format(payout_id), headers=bearer(tokens[role]), json={"reason": "核对开户信息"})
    assert response.status_code == 403 and set(response.json()) == {"error"}
    assert not any(value in response.text for value in PEOPLE["id_numbers"])
    assert audit(database, "personal.reveal") == []


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "看看"}, {"reason": "理" * 201}])
def test_a_reason_of_4_to_200_characters_is_required(site, database, body):
    client, tokens, _, payout_id = site
    response = client.post(URL.format(payout_id), headers=bearer(tokens["supervisor"]), json=body)
    assert response.status_code == 422 and "360702199001011232" not in response.text
    assert audit(database, "personal.reveal") == []


def test_a_reveal_shows_the_whole_identity_is_audited_without_it_and_is_not_cached(site, database):
    client, tokens, _, payout_id = site
    response = client.post(URL.format(payout_id), headers=bearer(tokens["supervisor"]),
                           json={"reason": "申请人来电核对开户信息"})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert response.json()["applicant"] == {"统一社会信用代码": "91360702MA35F0XX1X", "单位名称": "赣州甲机械有限公司",
                                            "姓名": "陈静怡", "身份证号码": "360702199001011232", "联系电话": "13812345678"}
    ((kind, object_id, user, detail),) = audit(database, "personal.reveal")
    assert (kind, object_id, user) == ("fulfillment_payout", str(payout_id), "supervisor1")
    assert detail["reason"] == "申请人来电核对开户信息"
    assert detail["fields"] == ["credit_code", "name", "person_name", "id_number", "phone"]
    recorded = json.dumps(detail, ensure_ascii=False)
    assert not any(value in recorded for value in ["陈静怡", "360702199001011232", "13812345678"])


def test_a_payout_that_does_not_exist_is_not_found(site):
    client, tokens, _, payout_id = site
    response = client.post(URL.format(payout_id + 100), headers=bearer(tokens["supervisor"]),
                           json={"reason": "核对开户信息"})
    assert response.status_code == 404


def test_the_payout_list_for_the_bank_needs_a_reason_and_is_not_cached(site, database):
    client, tokens, job_id, _ = site
    url = f"/api/v1/fulfillment/jobs/{job_id}/payouts.xlsx"
    office = bearer(tokens["supervisor"])
    assert client.post(f"/api/v1/fulfillment/jobs/{job_id}/publish", headers=office).json() == {"published": 2}
    assert client.get(url, headers=office).status_code == 422
    assert client.get(url, headers=office, params={"reason": "看看"}).status_code == 422
    assert client.get(url, headers=bearer(tokens["leader"]), params={"reason": "代发银行拨付"}).status_code == 403
    exported = client.get(url, headers=office, params={"reason": "代发银行拨付"})
    assert exported.status_code == 200 and exported.headers["cache-control"] == "no-store"
    ((_, _, _, detail),) = audit(database, "fulfillment.payouts.export")
    assert detail["reason"] == "代发银行拨付" and detail["payouts"] == 2

"""The 免申即享 API: the upload queues the batch for a worker; progress is read back; review and exports."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from tests.fulfillment.factories import api_site, bearer, extract_csv, run_batches


def test_upload_run_review_publish_and_export(database, tmp_path):
    app, tokens, _ = api_site(database, tmp_path)
    client = TestClient(app, base_url="http://127.0.0.1")
    office, leader = bearer(tokens["supervisor"]), bearer(tokens["leader"])
    created = client.post("/api/v1/fulfillment/jobs", headers=office,
                          data={"rule": "job_retention_refund", "date": "2020-09-01"},
                          files={"file": ("登记信息.csv", extract_csv(), "text/csv")})
    assert created.status_code == 202, created.text
    run_batches(client, created.json()["id"], leader)
    job = client.get(f"/api/v1/fulfillment/jobs/{created.json()['id']}", headers=leader).json()
    assert job["status"] == "completed" and job["payout_count"] == 2 and job["total_amount"] == "140000.00"
    assert job["processed_rows"] == 5 and job["error_rows"] == 2
    assert job["source_deleted_at"] is not None and len(job["sha256"]) == 64  # the extract is gone, its checksum kept
    errors = client.get(f"/api/v1/fulfillment/jobs/{job['id']}/errors", headers=leader).json()
    assert errors["total"] == 2 and errors["items"][0]["row_no"] == 3
    assert client.post(f"/api/v1/fulfillment/jobs/{job['id']}/review", headers=leader,
                       json={"decision": "approved"}).status_code == 403
    reviewed = client.post(f"/api/v1/fulfillment/jobs/{job['id']}/review", headers=office,
                           json={"decision": "approved", "note": "核对无误"})
    assert reviewed.json()["review"] == "approved"
    assert client.post(f"/api/v1/fulfillment/jobs/{job['id']}/publish", headers=office).json() == {"published": 2}
    payouts = client.get(f"/api/v1/fulfillment/jobs/{job['id']}/payouts", headers=leader).json()
    assert payouts["total"] == 2 and payouts["items"][0]["status_label"] == "已公示"
    paid = client.post(f"/api/v1/fulfillment/payouts/{payouts['items'][0]['id']}/status", headers=office,
                       json={"status": "paid"})
    assert paid.json()["status"] == "paid"
    publicity = client.get(f"/api/v1/fulfillment/jobs/{job['id']}/publicity.xlsx", headers=leader)
    assert publicity.status_code == 200 and publicity.headers["content-disposition"].startswith("attachment")
    payout_list = f"/api/v1/fulfillment/jobs/{job['id']}/payouts.xlsx"
    assert client.get(payout_list, headers=leader, params={"reason": "代发银行拨付"}).status_code == 403
    assert client.get(payout_list, headers=office).status_code == 422  # no reason given
    exported = client.get(payout_list, headers=office, params={"reason": "代发银行拨付"})
    assert exported.status_code == 200 and exported.headers["cache-control"] == "no-store"


def test_a_wrong_file_type_is_refused(database, tmp_path):
    app, tokens, _ = api_site(database, tmp_path)
    client = TestClient(app, base_url="http://127.0.0.1")
    response = client.post("/api/v1/fulfillment/jobs", headers=bearer(tokens["supervisor"]),
                           data={"rule": "job_retention_refund"}, files={"file": ("x.exe", b"MZ", "x")})
    assert response.status_code == 415 and "不支持的文件格式" in response.json()["error"]["message"]


def test_a_served_process_computes_an_uploaded_batch_in_its_own_worker_thread(database, tmp_path):
    app, tokens, _ = api_site(database, tmp_path, background_jobs=True)
    with TestClient(app, base_url="http://127.0.0.1") as client:  # as served: the app's lifespan runs
        office = bearer(tokens["supervisor"])
        created = client.post("/api/v1/fulfillment/jobs", headers=office,
                              data={"rule": "job_retention_refund", "date": "2020-09-01"},
                              files={"file": ("登记信息.csv", extract_csv(), "text/csv")})
        deadline = time.monotonic() + 60
        while (job := client.get(f"/api/v1/fulfillment/jobs/{created.json()['id']}", headers=office).json())[
                "status"] not in ("completed", "failed") and time.monotonic() < deadline:
            time.sleep(0.1)
    assert job["status"] == "completed" and job["payout_count"] == 2

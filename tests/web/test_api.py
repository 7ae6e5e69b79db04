"""The JSON API: authenticated, unit-scoped, errors with a Chinese message and a machine code."""


def test_unauthenticated_api_calls_get_401_json(site):
    response = site.client().get("/api/v1/tasks")
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "not_authenticated", "message": "请先登录。", "details": []}


def test_openapi_document_is_served(site):
    spec = site.client().get("/api/v1/openapi.json").json()
    assert "/api/v1/tasks" in spec["paths"] and "/api/v1/policies/current" in spec["paths"]


def test_current_policy_returns_the_parse(site):
    doc = site.login("leader").get("/api/v1/policies/current").json()
    assert len(doc["measures"]) == 23 and doc["version"] == 1
    assert doc["measures"][0]["quantities"][2]["value"] == 30000000


def test_tasks_are_filtered_and_paginated(site):
    client = site.login("dcs")
    page = client.get("/api/v1/tasks", params={"unit": "市财政局", "limit": 5, "offset": 5}).json()
    assert page["total"] == 16 and len(page["items"]) == 5
    assert [t["measure_no"] for t in page["items"]] == ["8", "9", "10", "13", "14"]


def test_a_unit_reporter_gets_only_its_own_tasks(site):
    page = site.login("jinrong").get("/api/v1/tasks").json()
    assert [t["measure_no"] for t in page["items"]] == ["10", "11", "21"]


def test_bad_parameters_get_a_chinese_422(site):
    response = site.login("dcs").get("/api/v1/tasks", params={"limit": 0})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert "请求参数不正确" in response.json()["error"]["message"]

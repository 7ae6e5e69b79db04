"""Pages in Chinese behind a login; every form carries a CSRF token; responses carry security headers."""

import pytest
from sqlalchemy import func, select

from taizhang.reporting.models import Attachment, Report, ReportVersion
from taizhang.web.app import create_app
from tests.conftest import app_settings
from tests.web.conftest import PASSWORD, Site, csrf_of


def test_anonymous_visitors_are_sent_to_the_login_page(site):
    response = site.client().get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(site):
    client = site.client()
    token = csrf_of(client.get("/login").text)
    for username in ("dcs", "nobody"):
        response = client.post("/login", data={"username": username, "password": "wrong", "csrf_token": token})
        assert response.status_code == 401 and "用户名或密码不正确" in response.text


def test_login_without_the_forms_token_is_refused(site):
    client = site.client()
    client.get("/login")
    response = client.post("/login", data={"username": "dcs", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403 and "页面已过期" in response.text


def test_the_policy_page_lists_23_measures_by_section_with_highlights(site):
    html = site.login("dcs").get("/policy").text
    assert html.count('class="measure card"') == 23
    for title in ("保居民就业", "保基本民生", "保市场主体", "保粮食能源安全", "保产业链供应链稳定", "保基层运转"):
        assert title in html
    assert '<mark class="hl hl-quantity" title="目标：&gt;= 30000000 元">3000万元以上</mark>' in html
    assert '<mark class="hl hl-deadline" title="2020-11-30">11月底前</mark>' in html
    assert "牵头：市人社局" in html and "配合：人民银行赣州市中心支行" in html


def test_logout_needs_the_session_token_and_ends_the_session(site):
    client = site.login("dcs")
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_one_time_password_must_be_changed_first(site):
    client = site.login("newbie")
    assert client.get("/", follow_redirects=False).headers["location"] == "/account/password"
    page = client.get("/account/password")
    token = csrf_of(page.text)
    weak = client.post("/account/password", data={"current": PASSWORD, "new": "short", "confirm": "short",
                                                  "csrf_token": token})
    assert weak.status_code == 422 and "长度至少12位" in weak.text
    ok = client.post("/account/password", data={"current": PASSWORD, "new": "Zhang-Gong#2026", "confirm":
                                                "Zhang-Gong#2026", "csrf_token": token})
    assert ok.status_code == 200 and "密码已修改" in ok.text
    assert client.get("/", follow_redirects=False).status_code == 200


def test_security_headers_on_every_response(site):
    for response in (site.client().get("/login"), site.login("dcs").get("/"), site.client().get("/api/v1/tasks")):
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite(site):
    client = site.client()
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "dcs", "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "tz_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_pages_reference_only_local_assets(site):
    for path in ("/", "/dashboard", "/tasks", "/policy"):
        html = site.login("dcs").get(path).text
        assert "http://" not in html and "https://" not in html


def test_front_end_assets_are_served_by_taizhang_itself(site):
    client = site.client()
    html = client.get("/login").text
    for path in ("/static/css/app.css", "/static/vendor/htmx.min.js"):
        assert f'"{path}"' in html
        response = client.get(path)
        assert response.status_code == 200 and len(response.content) > 1000


def _report_form(site: Site, name: str, data: bytes):
    client = site.login("jinrong")
    task_id = client.get("/api/v1/tasks").json()["items"][0]["id"]
    token = csrf_of(client.get(f"/tasks/{task_id}").text)
    return client.post(f"/tasks/{task_id}/report", files={"attachment": (name, data, "application/pdf")},
                       data={"csrf_token": token, "period": "2020-09", "progress": "已召开银企对接会", "action": "submit"},
                       follow_redirects=False)


def _kept(site: Site) -> tuple[int, int, int]:
    with site.database.reading() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Report, ReportVersion, Attachment))


@pytest.mark.parametrize(("name", "data", "status", "reason"), [
    ("佐证.pdf", b"MZ\x90\x00" + bytes(500), 422, "可执行程序"),
    ("扫描件.pdf", b"%PDF-1.7\n" + bytes(4096), 413, "超过上限"),
])
def test_save_and_submit_with_a_refused_attachment_keeps_nothing(site, tmp_path, name, data, status, reason):
    small = Site(app=create_app(app_settings(tmp_path, upload_max_bytes=2048), site.database), database=site.database)
    response = _report_form(small, name, data)
    assert response.status_code == status and reason in response.text
    assert "已召开银企对接会" in response.text  # the form comes back as typed
    assert _kept(small) == (0, 0, 0)  # no draft, no submission, no attachment row
    assert not (tmp_path / "attachments").exists() or not any((tmp_path / "attachments").iterdir())


def test_save_and_submit_with_evidence_is_one_step(site):
    response = _report_form(site, "佐证.pdf", b"%PDF-1.7\n" + bytes(100))
    assert response.status_code == 303 and response.headers["location"].endswith("done=submitted#top")
    assert _kept(site) == (1, 1, 1)

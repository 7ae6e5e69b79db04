"""The ledger in a real browser: the report → compile → return → fix → approve loop, unit isolation,
督办 reaching an inbox, CSRF, and pages that never reach beyond 127.0.0.1."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from PIL import Image

from tests.e2e.conftest import screenshot


def png(path) -> str:
    Image.new("RGB", (8, 8), "white").save(path, "PNG")
    return str(path)


def tile(page, label: str) -> int:
    return int(page.locator(".tile", has_text=label).locator("strong").inner_text())


def test_county_reports_lead_compiles_office_returns_then_approves(site, browser, tmp_path):
    sub, parent = site.ids["zhanggong"], site.ids["parent"]
    # The county sees only its own sub-task, and reports on it with evidence.
    county = browser.user(site, "zhanggong")
    county.goto(f"{site.base}/tasks")
    rows = county.locator("table.tasks tbody tr")
    assert rows.count() == 1 and "章贡区" in rows.first.inner_text()
    county.goto(f"{site.base}/tasks/{sub}")
    county.fill("#progress", "已向辖区参保企业返还失业保险费200万元。")
    county.locator("input[name^=value_]").first.fill("2000000")
    county.set_input_files("#attachment", png(tmp_path / "名单.png"))
    county.click("button[value=submit]")
    county.wait_for_load_state()
    assert "进展已报送" in county.inner_text("body")
    assert "名单.png" in county.inner_text("#reports")

    # The lead unit compiles from the county's words and submits the parent's report.
    lead = browser.user(site, "renshe")
    lead.goto(f"{site.base}/tasks/{parent}")
    assert "章贡区：已向辖区参保企业返还失业保险费200万元。" in lead.input_value("#progress")
    lead.click("button[value=submit]")
    lead.wait_for_load_state()
    assert "进展已报送" in lead.inner_text("body")

    # The office returns the county's report with a reason.
    office = browser.user(site, "office")
    office.goto(f"{site.base}/dashboard")
    on_track_before = tile(office, "达进度")
    office.goto(f"{site.base}/tasks/{sub}")
    light_before = office.inner_text(".task-head .light")
    office.fill("#reports textarea[name=reason]", "返还金额与财政拨付凭证不符，请核实")
    office.click("#reports button[value=returned]")
    office.wait_for_load_state()
    assert "已退回" in office.inner_text("body")

    # The county sees the reason, fixes the figure and resubmits.
    county.goto(f"{site.base}/tasks/{sub}")
    assert "督查室退回理由：返还金额与财政拨付凭证不符，请核实" in county.inner_text("#report")
    county.fill("#progress", "已向辖区参保企业返还失业保险费180万元（已与拨付凭证核对）。")
    county.locator("input[name^=value_]").first.fill("1800000")
    county.click("button[value=submit]")
    county.wait_for_load_state()
    screenshot(county, "county-resubmitted")

    # The office approves both reports: the county's light and the dashboard change.
    office.goto(f"{site.base}/tasks/{sub}")
    office.click("#reports button[value=approved]")
    office.wait_for_load_state()
    assert "已审核通过" in office.inner_text("body")
    light_after = office.inner_text(".task-head .light")
    assert light_after != light_before, (light_before, light_after)
    assert light_after == "绿灯" and "2020年6月进展已审核通过" in office.inner_text(".reasons")
    office.goto(f"{site.base}/tasks/{parent}")
    assert "180万元" in office.inner_text("table.grid")  # the sub-tasks' approved figures, rolled up
    office.click("#reports button[value=approved]")
    office.wait_for_load_state()
    office.goto(f"{site.base}/dashboard")
    assert tile(office, "达进度") == on_track_before + 1
    screenshot(office, "dashboard-after-approval")


def test_another_units_reporter_cannot_open_the_task(site, browser):
    other = browser.user(site, "nankang")
    response = other.goto(f"{site.base}/tasks/{site.ids['zhanggong']}")
    assert response.status == 404
    body = other.inner_text("body")
    assert "没有这项任务，或您无权查看" in body and "章贡区" not in body and "见习" not in body
    screenshot(other, "forbidden-task")


def test_an_escalation_reaches_the_units_inbox_unread(site, browser):
    office = browser.user(site, "office")
    office.goto(f"{site.base}/tasks/{site.ids['zhanggong']}")
    office.select_option("#start_at", "blue")
    office.fill("#notice-reason", "见习人员进度滞后，请说明原因")
    office.click("#supervise form[action$='/notice'] button[type=submit]")
    office.wait_for_load_state()
    assert "催办/督办单已发出" in office.inner_text("body")
    county = browser.user(site, "zhanggong")
    badge = county.locator(".mainnav .badge")
    assert badge.inner_text() == "1"
    county.click("text=收件箱")
    county.wait_for_load_state()
    card = county.locator(".notice-card").first
    assert "蓝色督办单" in card.inner_text() and "未读" in card.inner_text()
    screenshot(county, "inbox-unread")
    card.locator("button", has_text="标记已读").click()
    county.wait_for_timeout(300)
    county.reload()
    assert county.locator(".mainnav .badge").count() == 0


def test_a_form_without_its_csrf_token_is_rejected(site, browser):
    county = browser.user(site, "zhanggong")
    county.goto(f"{site.base}/tasks/{site.ids['zhanggong']}")
    county.evaluate("document.querySelectorAll('#report input[name=csrf_token]').forEach(e => e.remove())")
    county.fill("#progress", "没有令牌的提交")
    county.click("button[value=save]")
    county.wait_for_load_state()
    assert "CSRF 校验失败" in county.inner_text("body")
    screenshot(county, "csrf-rejected")
    county.goto(f"{site.base}/tasks/{site.ids['zhanggong']}")
    assert "没有令牌的提交" not in county.inner_text("#reports")


PAGES = {"home": "/", "dashboard": "/dashboard", "tasks": "/tasks", "notices": "/notices", "urging": "/urging",
         "scores": "/scores", "policy": "/policy", "password": "/account/password"}


def test_pages_make_no_request_beyond_127_0_0_1(site, browser):
    office = browser.user(site, "office")
    for name, path in {**PAGES, "task": f"/tasks/{site.ids['parent']}"}.items():
        response = office.goto(f"{site.base}{path}")
        office.wait_for_load_state("networkidle")
        assert response.status == 200, path
        screenshot(office, f"page-{name}")
    county = browser.user(site, "zhanggong")
    county.goto(f"{site.base}/")
    screenshot(county, "page-home-county")
    hosts = {urlparse(url).hostname for url in browser.requests if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, hosts
    assert any(re.search(r"/static/vendor/echarts\.min\.js$", url) for url in browser.requests)


def test_a_validation_error_keeps_what_was_typed(site, browser):
    county = browser.user(site, "zhanggong")
    county.goto(f"{site.base}/tasks/{site.ids['zhanggong']}")
    county.fill("#progress", "本月情况：新增见习人员若干")
    county.locator("input[name^=value_]").first.fill("三百")
    county.click("button[value=submit]")
    county.wait_for_load_state()
    assert "不是数字" in county.inner_text("#report")
    assert county.input_value("#progress") == "本月情况：新增见习人员若干"
    assert county.locator("input[name^=value_]").first.input_value() == "三百"
    screenshot(county, "validation-error")


def test_phone_width_layout(site, browser):
    county = browser.user(site, "zhanggong")
    county.set_viewport_size({"width": 390, "height": 844})
    county.goto(f"{site.base}/tasks/{site.ids['zhanggong']}")
    width = county.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 2, width  # no sideways scrolling of the page itself
    screenshot(county, "task-phone")

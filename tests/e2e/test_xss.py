"""The XSS corpus in a real browser: stored in reports, notices, overrides and a sub-task title, then
every main page is opened in Chromium as the office and as the unit; no payload may run (no dialog,
no ``window.__xss``) and the text must show as typed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from taizhang.ledger import service as ledger
from taizhang.ledger.models import Unit
from taizhang.reporting import service as reporting
from taizhang.reporting.service import ReportInput
from taizhang.supervision import service as supervision
from tests.e2e.conftest import screenshot
from tests.web.test_xss import CORPUS, PAYLOADS


def _store(site, database) -> None:
    world, parent = site.world, site.ids["parent"]
    with database.writing() as s:
        renshe = world.actor("市人社局")
        reporting.save_report(parent, "2020-06", ReportInput(progress=CORPUS, problems=CORPUS, next_steps=CORPUS),
                              session=s, actor=renshe, today=date(2020, 6, 24))
        notice = supervision.issue_notice(parent, session=s, actor=world.office, reason=CORPUS, start_at="red",
                                          today=date(2020, 6, 24))
        supervision.reply_notice(notice.id, CORPUS, session=s, actor=renshe, today=date(2020, 6, 24))
        supervision.override_light(parent, "yellow", CORPUS, session=s, actor=world.office, today=date(2020, 6, 24))
        county = s.scalar(select(Unit.id).where(Unit.short_name == "赣县区"))
        ledger.decompose(parent, [ledger.SubtaskSpec(unit_id=county, kind="item",
                                                     title=PAYLOADS[2])], session=s, actor=world.office)


def test_no_stored_payload_runs_in_the_browser(site, browser, database):
    _store(site, database)
    pages = ["/", "/dashboard", "/tasks", f"/tasks/{site.ids['parent']}", "/notices", "/urging", "/scores", "/policy"]
    dialogs: list[str] = []
    for username in ("office", "renshe"):
        page = browser.user(site, username)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in pages:
            response = page.goto(f"{site.base}{path}")
            if response.status >= 400:
                continue
            assert page.evaluate("window.__xss") is None, f"{username} {path}"
        assert dialogs == []
        page.goto(f"{site.base}/tasks/{site.ids['parent']}")
        assert "<script>window.__xss=1</script>" in page.inner_text("body")  # shown as text, as typed
        screenshot(page, f"xss-inert-{username}")

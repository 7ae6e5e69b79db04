"""Stored cross-site scripting: a corpus of payloads goes into every free-text field a user can
write (reports, reviews, notices and replies, light overrides, sub-task titles, unit and user names,
attachment file names, 免申即享 batch file names and payout notes, the calculator's text inputs);
then every page, as every role, is rendered and must contain the payloads only in escaped form.
(tests/e2e/test_xss.py runs the same corpus in Chromium and watches for any script running.)"""

from __future__ import annotations

from html.parser import HTMLParser

from tests.fulfillment.factories import extract_csv
from tests.web.matrix import ROLES, png, query_for
from tests.web.routes import route_table

# Each payload is dangerous only if it reaches the page unescaped; the marker makes them findable.
PAYLOADS = (
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    '"><svg onload=window.__xss=3>',
    "'><iframe src=javascript:window.__xss=4>",
    "</textarea><script>window.__xss=5</script>",
    "javascript:window.__xss=6",
)
CORPUS = " ".join(PAYLOADS)
RAW = [p for p in PAYLOADS if "<" in p]


def _store_the_corpus(matrix) -> None:
    client, ids, tokens = matrix.client(), matrix.ids, matrix.tokens
    as_ = {role: {"Authorization": f"Bearer {tokens[role]}"} for role in tokens}
    writes = [
        ("reporter_own", "PUT", f"/api/v1/tasks/{ids['task_id']}/reports/2020-08",
         {"json": {"progress": CORPUS, "problems": CORPUS, "next_steps": CORPUS}}),
        ("reporter_own", "POST", f"/api/v1/reports/{ids['report_id']}/attachments",
         {"files": {"file": (f"{PAYLOADS[1]}.png", png(), "image/png")}}),
        ("supervisor", "POST", "/api/v1/notices", {"json": {"task_id": ids["task_id"], "reason": CORPUS,
                                                            "start_at": "red"}}),
        # answered after the escalation: an answer stops the ladder
        ("reporter_own", "POST", f"/api/v1/notices/{ids['notice_id']}/reply", {"json": {"answer": CORPUS}}),
        ("supervisor", "POST", f"/api/v1/tasks/{ids['task_id']}/light-override",
         {"json": {"light": "yellow", "reason": CORPUS}}),
        ("supervisor", "POST", f"/api/v1/tasks/{ids['task_id']}/subtasks",
         {"json": {"subtasks": [{"unit_id": matrix.county_id, "kind": "item", "title": PAYLOADS[2][:200]}]}}),
        ("supervisor", "POST", f"/api/v1/reports/{ids['report_id']}/review",
         {"json": {"decision": "returned", "reason": CORPUS}}),
        ("supervisor", "POST", "/api/v1/fulfillment/jobs",
         {"data": {"rule": "job_retention_refund", "date": "2020-09-01"},
          "files": {"file": (f"{PAYLOADS[1]}.csv", extract_csv(), "text/csv")}}),
        ("supervisor", "POST", f"/api/v1/fulfillment/payouts/{ids['payout_id']}/status",
         {"json": {"status": "returned", "note": CORPUS}}),
        ("admin", "POST", "/api/v1/units", {"json": {"name": PAYLOADS[0]}}),
        ("admin", "POST", "/api/v1/users", {"json": {"username": "xss-user", "display_name": PAYLOADS[1],
                                                     "role": "leader"}}),
    ]
    for role, method, url, kwargs in writes:
        response = client.request(method, url, headers=as_[role], **kwargs)
        assert response.status_code < 300, f"{method} {url} → {response.status_code} {response.text[:300]}"


def _pages(matrix):
    for route in route_table(matrix.app):
        if route.method == "GET" and not route.path.startswith(("/api/", "/static")):
            yield route


class _LiveMarkup(HTMLParser):
    """The tags a browser would build from a page, and the attributes that could run script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        ours = (attributes.get("src") or "").startswith("/static/") or attributes.get("type") == "application/json"
        if tag in ("iframe", "svg") or (tag == "script" and not ours):  # our own scripts, or a data block
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def _assert_inert(html: str, where: str) -> None:
    for payload in RAW:
        assert payload not in html, f"{where}：未转义的 {payload}"
    parser = _LiveMarkup()
    parser.feed(html)
    assert parser.found == [], f"{where}：{parser.found}"


def test_every_page_renders_the_stored_corpus_inert(matrix):
    _store_the_corpus(matrix)
    client = matrix.client()
    rendered = 0
    for route in _pages(matrix):
        for role in ROLES[1:]:
            response = client.get(matrix.url(route.path), params=query_for(route.path),
                                  headers={"Authorization": f"Bearer {matrix.tokens[role]}"})
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            _assert_inert(response.text, f"{role} {route.path}")
            rendered += 1
    assert rendered >= 40
    # The payloads did reach the pages (escaped): the walk is not vacuous.
    task_page = client.get(f"/tasks/{matrix.ids['task_id']}",
                           headers={"Authorization": f"Bearer {matrix.tokens['supervisor']}"}).text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in task_page
    batch_page = client.get(f"/fulfillment/{matrix.ids['job_id']}",
                            headers={"Authorization": f"Bearer {matrix.tokens['leader']}"}).text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in batch_page


def test_the_calculator_echoes_text_inputs_inert(matrix):
    client = matrix.client()
    headers = {"Authorization": f"Bearer {matrix.tokens['supervisor']}"}
    posted = 0
    for route in route_table(matrix.app):
        if route.method != "POST" or not route.path.startswith("/rules/"):
            continue
        data = {k: (CORPUS if k in ("name", "person_name", "company_name") else v)
                for k, v in matrix.body(route)["data"].items()}
        response = client.post(matrix.url(route.path), data=data, headers=headers)
        _assert_inert(response.text, route.path)
        posted += 1
    assert posted >= 5

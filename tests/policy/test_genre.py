"""Layouts of the genre beyond the seed parse as a reader annotates them (genre_expected.py)."""

from pathlib import Path

import pytest

from taizhang.policy.parse import parse_text
from taizhang.policy.serialize import policy_to_json
from tests.policy.genre_expected import DOCS

GENRE = Path(__file__).with_name("genre")


@pytest.fixture(scope="module", params=sorted(DOCS))
def case(request):
    text = (GENRE / request.param).read_text("utf-8")
    return text, policy_to_json(parse_text(text, name=request.param)), DOCS[request.param]


def test_header(case):
    _, doc, want = case
    got = {k: doc[k] for k in ("title", "issuer", "issued_on", "doc_number", "recipients")}
    assert got == {k: want[k] for k in got}


def test_sections(case):
    _, doc, want = case
    assert [s["title"] for s in doc["sections"]] == want["sections"]


def test_measures(case):
    _, doc, want = case
    got = [
        (m["section"], m["no"], m["title"], [(u["name"], u["role"]) for u in m["units"]], m["units_open"],
         [(q["value"], q["unit"], q["cmp"], q["kind"]) for q in m["quantities"]],
         [d["date"] or d["relative"] for d in m["deadlines"]])
        for m in doc["measures"]
    ]
    assert got == want["measures"]


def test_cadences_are_not_deadlines(case):
    _, doc, want = case
    got = {m["no"]: [(c["period"], c["day"]) for c in m["cadences"]] for m in doc["measures"] if m.get("cadences")}
    assert got == want["cadences"]


def test_spans_quote_the_source(case):
    text, doc, _ = case
    for m in doc["measures"]:
        for item in m["units"] + m["quantities"] + m["deadlines"]:
            quote = item.get("name") or item.get("quote")
            assert text[item["span"][0] : item["span"][1]] == quote

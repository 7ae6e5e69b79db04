"""The reference document parses exactly as a reader annotates it (seed_expected.py)."""

from pathlib import Path

import pytest

from taizhang.policy.parse import parse_file
from taizhang.policy.serialize import policy_to_json
from tests.policy import seed_expected as expected

SEED = Path(__file__).resolve().parents[2] / "taizhang" / "examples" / "ganzhou-2020-liuwen-liubao.txt"


@pytest.fixture(scope="module")
def parsed():
    policy = parse_file(SEED)
    return policy, policy_to_json(policy)


def test_document_header(parsed):
    _, doc = parsed
    assert doc["title"] == expected.TITLE
    assert doc["issuer"] == expected.ISSUER
    assert doc["issued_on"] == expected.ISSUED_ON
    assert doc["doc_number"] == expected.DOC_NUMBER
    assert doc["recipients"] == expected.RECIPIENTS
    assert doc["basis"] == expected.BASIS


def test_six_sections_in_order(parsed):
    _, doc = parsed
    assert doc["sections"] == [{"no": i, "title": t} for i, t in enumerate(expected.SECTIONS, start=1)]


def test_twenty_three_measures_numbered_and_titled(parsed):
    _, doc = parsed
    got = [(m["section"], m["no"], m["title"]) for m in doc["measures"]]
    assert got == [(m["section"], m["no"], m["title"]) for m in expected.MEASURES]


@pytest.mark.parametrize("want", expected.MEASURES, ids=lambda m: f"measure-{m['no']}")
def test_units(parsed, want):
    _, doc = parsed
    got = doc["measures"][int(want["no"]) - 1]
    assert [(u["name"], u["role"]) for u in got["units"]] == want["units"]
    assert got["units_open"] is want["open"]


@pytest.mark.parametrize("want", expected.MEASURES, ids=lambda m: f"measure-{m['no']}")
def test_quantities(parsed, want):
    _, doc = parsed
    got = doc["measures"][int(want["no"]) - 1]
    assert [(q["quote"], q["value"], q["unit"], q["cmp"], q["kind"]) for q in got["quantities"]] == [
        (quote, value, unit, cmp, kind) for quote, value, unit, cmp, kind in want["quantities"]
    ]


@pytest.mark.parametrize("want", expected.MEASURES, ids=lambda m: f"measure-{m['no']}")
def test_deadlines(parsed, want):
    _, doc = parsed
    got = doc["measures"][int(want["no"]) - 1]
    assert [(d["quote"], d["date"], d["relative"]) for d in got["deadlines"]] == want["deadlines"]


def test_every_span_quotes_the_source(parsed):
    policy, doc = parsed
    source = policy.source
    assert all(any(m[kind] for m in doc["measures"]) for kind in ("units", "quantities", "deadlines"))
    for m in doc["measures"]:
        assert source[m["span"][0] : m["span"][1]] == m["text"]
        assert m["text"].startswith("（") and m["text"].endswith("〕")
        for u in m["units"]:
            assert source[u["span"][0] : u["span"][1]] == u["name"]
        for q in m["quantities"]:
            assert source[q["span"][0] : q["span"][1]] == q["quote"]
        for d in m["deadlines"]:
            assert source[d["span"][0] : d["span"][1]] == d["quote"]


def test_canonical_names_from_the_directory(parsed):
    _, doc = parsed
    canonical = {u["name"]: u["canonical"] for m in doc["measures"] for u in m["units"]}
    for name, want in expected.CANONICAL.items():
        assert canonical[name] == want
    assert all(canonical.values()), "every unit of the seed is in the directory"


def test_closing_paragraph_is_not_part_of_the_last_measure(parsed):
    _, doc = parsed
    last = doc["measures"][-1]
    assert "台账" not in last["text"]
    assert not last["truncated"]


def test_no_warnings(parsed):
    policy, _ = parsed
    assert policy.warnings == ()

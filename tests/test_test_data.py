"""The tests' copies of ../shared are the files they were copied from (tests/data/SOURCES records each
one's sha256 and origin; scripts/sync-test-data rewrites it, and --check compares with ../shared)."""

import hashlib

from tests.conftest import ROOT, TEST_DATA


def manifest() -> list[tuple[str, str, str]]:
    lines = (TEST_DATA / "SOURCES").read_text("utf-8").splitlines()
    return [tuple(line.split("  ")) for line in lines if line and not line.startswith("#")]


def test_every_copy_is_recorded_with_its_source():
    recorded = {dest for dest, _, _ in manifest()}
    copies = {str(p.relative_to(ROOT)) for p in TEST_DATA.rglob("*") if p.is_file() and p.name != "SOURCES"}
    assert copies == recorded - {"taizhang/examples/ganzhou-2020-liuwen-liubao.txt"}
    assert "taizhang/examples/ganzhou-2020-liuwen-liubao.txt" in recorded  # the example is the seed, unchanged
    assert all(source.startswith("shared/") for _, _, source in manifest())


def test_no_copy_was_edited_after_it_was_taken():
    assert manifest(), "tests/data/SOURCES 中没有任何记录"
    for dest, sha256, _ in manifest():
        assert hashlib.sha256((ROOT / dest).read_bytes()).hexdigest() == sha256, f"{dest} 与记录的来源不一致"


def test_the_development_set_has_a_gold_annotation_for_every_document():
    docs = {p.stem for p in (TEST_DATA / "policy-docs" / "docs").glob("*.txt")}
    gold = {p.stem for p in (TEST_DATA / "policy-docs" / "gold").glob("*.json")}
    assert len(docs) >= 7 and docs == gold

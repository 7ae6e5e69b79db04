"""Parse quality measured against hand-made gold annotations, and the scorer itself."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.policy.evaluate import Counts, score_document
from tests.policy.documents import DEV_DOCS, DEV_SET


@pytest.fixture(scope="module")
def dev_set(tmp_path_factory) -> tuple[Path, Path]:
    """The line-broken development documents and their gold annotations, in two folders as `eval` takes them."""
    gold, docs = tmp_path_factory.mktemp("gold"), tmp_path_factory.mktemp("docs")
    for doc in DEV_DOCS:
        shutil.copy(doc, docs / doc.name)
        shutil.copy(DEV_SET / "gold" / f"{doc.stem}.json", gold / f"{doc.stem}.json")
    return gold, docs


def test_development_set_meets_the_thresholds(dev_set):
    gold, docs = dev_set
    result = CliRunner().invoke(app, ["eval", str(gold), str(docs), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    total = rows[-1]
    assert total["doc"] == "合计（微平均）"
    assert total["units"]["f1"] >= 0.95 and total["lead"]["f1"] >= 0.95
    assert total["quantities"]["f1"] >= 0.92 and total["deadlines"]["f1"] >= 0.92
    assert all(row["structure_exact"] for row in rows), [row["problems"] for row in rows]


def test_eval_prints_a_table_per_document(dev_set):
    gold, docs = dev_set
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["eval", str(gold), str(docs)])
    assert result.exit_code == 0
    assert "01_dongguan_wenjiuye.txt" in result.stdout and "合计（微平均）" in result.stdout


def test_eval_refuses_an_empty_gold_directory(tmp_path):
    result = CliRunner().invoke(app, ["eval", str(tmp_path), str(tmp_path)])
    assert result.exit_code == 1 and "没有标注文件" in result.stderr


def _measure(no, units=(), lead=(), quantities=(), deadlines=()):
    return {"section": 1, "no": no, "units": list(units), "lead": list(lead), "quantities": list(quantities),
            "deadlines": list(deadlines)}


def test_scorer_counts_hits_misses_and_false_alarms():
    gold = {"doc": "g", "sections": [{"no": 1, "title": "甲"}], "measures": [
        _measure("1", units=["市财政局", "市税务局"], lead=["市财政局"],
                 quantities=[{"value": 5.5, "unit": "%", "cmp": "<=", "kind": "param"}],
                 deadlines=[{"date": "2020-12-31"}]),
        _measure("2", units=["市人社局"], lead=["市人社局"]),
    ]}
    parsed = {"sections": [{"no": 1, "title": "甲"}], "measures": [
        {**_measure("1", quantities=[{"value": 5.5, "unit": "%", "cmp": ">=", "kind": "param"},
                                     {"value": 100, "unit": "%", "cmp": "=", "kind": "param"}],
                    deadlines=[{"date": "2020-12-31"}, {"date": None, "relative": "全年"}]),
         "units": [{"name": "市财政局", "role": "lead"}, {"name": "市教育局", "role": "co"}]},
    ]}
    del parsed["measures"][0]["lead"]  # a parse says lead through each unit's role
    score = score_document(gold, parsed)
    assert (score.counts["units"].tp, score.counts["units"].fp, score.counts["units"].fn) == (1, 1, 2)
    assert (score.counts["lead"].tp, score.counts["lead"].fn) == (1, 1)
    assert (score.counts["quantities"].tp, score.counts["quantities"].fp) == (1, 1)
    assert (score.counts["deadlines"].tp, score.counts["deadlines"].fp) == (1, 1)
    assert (score.cmp.correct, score.cmp.total) == (0, 1) and score.kind.value == 1.0
    assert score.sections_exact and not score.measures_exact


def test_f1_of_counts():
    c = Counts(tp=8, fp=2, fn=0)
    assert c.precision == 0.8 and c.recall == 1.0 and round(c.f1, 4) == 0.8889

"""Rule scenarios in YAML (``tests/rules/scenarios/*.yaml``), one test per scenario.

A scenario file names a rule and an evaluation date; each scenario gives the inputs as a clerk would
type them and what the document says should follow — eligible or not, the amount in 元, the failed
conditions by their Chinese label, other outputs — or the input error expected. The expected values
are worked out by hand from the text of the notice, never by running the code.
"""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from taizhang.benefits import rule_book
from taizhang.rules.single import InvalidInputs, evaluate_one


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".yaml" and file_path.parent.name == "scenarios":
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        spec = yaml.safe_load(self.path.read_text("utf-8"))
        for number, scenario in enumerate(spec["scenarios"], start=1):
            yield Scenario.from_parent(self, name=f"{number:02d} {scenario['name']}", rule=spec["rule"],
                                       on=scenario.get("date", spec["date"]), scenario=scenario)


class ScenarioMismatch(Exception):
    pass


class Scenario(pytest.Item):
    def __init__(self, *, rule: str, on: date, scenario: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rule, self.on, self.scenario = rule, on, scenario

    def runtest(self) -> None:
        bound = rule_book()[self.rule]
        inputs = {k: ("" if v is None else v) for k, v in self.scenario["inputs"].items()}
        if "error" in self.scenario:
            try:
                evaluate_one(bound, inputs, on=self.on)
            except InvalidInputs as exc:
                if self.scenario["error"] not in exc.message:
                    raise ScenarioMismatch(f"错误信息“{exc.message}”中没有“{self.scenario['error']}”") from None
                return
            raise ScenarioMismatch(f"应报错“{self.scenario['error']}”，却计算出了结果")
        result = evaluate_one(bound, inputs, on=self.on)
        expect = self.scenario["expect"]
        actual = {"eligible": result.eligible, "amount": result.to_json()["amount"],
                  "failed": [line.label for line in result.trace if line.status == "不符合"],
                  "outputs": {name: text for name, (_, text, _) in result.outputs.items()}}
        problems = []
        for key, wanted in expect.items():
            got = actual[key]
            if key == "outputs":
                got = {name: got.get(name) for name in wanted}
            if key == "amount" and wanted is not None:
                wanted = f"{float(wanted):.2f}" if isinstance(wanted, int | float) else str(wanted)
            if got != wanted:
                problems.append(f"{key}：应为 {wanted!r}，实际 {got!r}")
        if problems:
            raise ScenarioMismatch("；".join(problems) + "\n" + "\n".join(
                f"  {line.status or '·'} {line.label}：{line.value}（{line.threshold}）" for line in result.trace))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScenarioMismatch):
            return f"{self.path.name} · {self.name}\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"{self.rule}: {self.name}"

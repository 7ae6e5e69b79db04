"""Every rule, input and ``taizhang rules`` command is documented (datasette's test_docs habit)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from taizhang.benefits import rule_book
from taizhang.cli.rules import rules_app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text("utf-8")
RULES_DOC = (ROOT / "docs" / "rules.md").read_text("utf-8")
COMMANDS = [c.name for c in rules_app.registered_commands]


@pytest.mark.parametrize("name", rule_book().names)
def test_every_rule_and_its_inputs_are_in_docs_rules_md(name):
    bound = rule_book()[name]
    section = RULES_DOC.split(f"### `{name}`", 1)
    assert len(section) == 2, f"docs/rules.md 缺少规则 {name}"
    body = section[1].split("\n### ", 1)[0]
    for f in bound.rule.fields:
        assert f"`{f.name}`" in body and f.label in body, f"docs/rules.md 中 {name} 缺少输入 {f.name}"
    for values in bound.parameters.history.values():
        assert f"`{values[0].name}`" in body, f"docs/rules.md 中 {name} 缺少参数 {values[0].name}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_rules_command_is_in_the_readme_with_chinese_help(command):
    assert re.search(rf"taizhang rules {command}\b", README)
    (info,) = [c for c in rules_app.registered_commands if c.name == command]
    assert re.search(r"[\u4e00-\u9fff]", info.callback.__doc__ or "")


def test_every_rule_has_a_chinese_label_and_summary():
    for bound in rule_book():
        assert re.search(r"[\u4e00-\u9fff]", bound.rule.label) and re.search(r"[\u4e00-\u9fff]", bound.rule.summary)
        for f in bound.rule.fields:
            assert re.search(r"[\u4e00-\u9fff]", f.label), f.name

"""Everything a user can set or run is documented (datasette's test_docs habit)."""

import re
from pathlib import Path

import pytest

from taizhang.auth.permissions import ACTIONS
from taizhang.cli import app, db_app
from taizhang.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(name):
    assert f"TAIZHANG_{name.upper()}" in README


def _commands():
    names = [c.name for c in app.registered_commands]
    names += [f"db {c.name}" for c in db_app.registered_commands]
    return names


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"taizhang {re.escape(command)}\b", README)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_chinese_help(command):
    group = db_app if command.startswith("db ") else app
    name = command.removeprefix("db ")
    (info,) = [c for c in group.registered_commands if c.name == name]
    assert re.search(r"[\u4e00-\u9fff]", info.callback.__doc__ or "")


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_permission_has_a_chinese_description(action):
    roles, description = ACTIONS[action]
    assert roles and re.search(r"[\u4e00-\u9fff]", description)

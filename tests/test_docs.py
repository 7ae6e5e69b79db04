"""Everything a user can set or run is documented (datasette's test_docs habit)."""

import re
from pathlib import Path

import pytest

from taizhang.auth.permissions import ACTIONS
from taizhang.cli import app
from taizhang.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(name):
    assert f"TAIZHANG_{name.upper()}" in README


def _groups() -> dict[str, object]:
    """Command prefix → its Typer: "" for the top level, "db", "rules", "audit" … for the groups."""
    return {"": app} | {g.name: g.typer_instance for g in app.registered_groups}


def _commands():
    return [f"{prefix} {c.name}".strip() for prefix, group in _groups().items() for c in group.registered_commands]


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"taizhang {re.escape(command)}\b", README)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_chinese_help(command):
    prefix, _, name = command.rpartition(" ")
    (info,) = [c for c in _groups()[prefix].registered_commands if c.name == name]
    assert re.search(r"[\u4e00-\u9fff]", info.callback.__doc__ or "")


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_permission_has_a_chinese_description(action):
    roles, description = ACTIONS[action]
    assert roles and re.search(r"[\u4e00-\u9fff]", description)


WORKFLOW = (Path(__file__).resolve().parents[1] / "docs" / "workflow.md").read_text("utf-8")


def _api_routes():
    from taizhang.web.app import create_app
    from tests.web.routes import route_table

    app = create_app(Settings(environment="test", database_url="sqlite:///:memory:"))
    return [r for r in route_table(app) if r.path.startswith("/api/v1/") and r.path != "/api/v1/openapi.json"]


@pytest.mark.parametrize("route", _api_routes(), ids=lambda r: f"{r.method} {r.path}")
def test_every_api_route_is_in_the_workflow_doc_with_its_permission(route):
    assert f"| {route.method} | `{route.path}` | `{route.permits[0].action}` |" in WORKFLOW

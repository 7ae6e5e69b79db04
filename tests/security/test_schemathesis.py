"""Property-based requests against our own OpenAPI document (Schemathesis), authenticated as the
roles that reach the most operations: zero server errors and zero responses that contradict the
document (status codes, content types, bodies). One test per operation, each on a fresh world.

Every check runs except "schema-valid data must be accepted": the document describes shapes, and
business rules rightly refuse some well-shaped requests with a documented 422 (a period "0000-00"
that fits the pattern, an id beyond what the database holds, a reveal reason of spaces). Requests
may take up to two minutes: the 通报 as PDF starts LibreOffice, slow on a busy machine."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from taizhang.settings import Settings
from taizhang.web.app import create_app
from tests.web.matrix import build_matrix

pytestmark = pytest.mark.slow

ROLES = ("supervisor", "reporter_own", "admin")
OPENAPI = "/api/v1/openapi.json"


def _operations() -> list[tuple[str, str]]:
    """Every operation of the document (read from an app that needs no database to describe itself)."""
    app = create_app(Settings(environment="test", database_url="sqlite://", background_jobs=False))
    schema = schemathesis.openapi.from_asgi(OPENAPI, app)
    return [(op.method.upper(), op.path) for op in (result.ok() for result in schema.get_all_operations())]


@pytest.fixture
def world(database, seed_text, tmp_path):
    return build_matrix(database, seed_text, tmp_path)


@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda value: value)
def test_the_api_keeps_its_documented_promises(world, method, path):
    operation = schemathesis.openapi.from_asgi(OPENAPI, world.app)[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case) -> None:
        for role in ROLES:
            case.call_and_validate(headers={"Authorization": f"Bearer {world.tokens[role]}"},
                                   excluded_checks=[positive_data_acceptance], timeout=120)

    check()

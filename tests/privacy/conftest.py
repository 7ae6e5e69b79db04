"""A ledger in use (the seed, the office, a leader) for personal-data tests; see tests/workflow/conftest.py."""

from tests.workflow.conftest import world  # noqa: F401  (the fixture)

"""Ledger use cases — the only code that writes ledger rows. Each function takes a keyword-only
``session`` and an ``actor``, checks the permission table, records an audit event for every write
and commits."""

from taizhang.ledger.service.imports import ensure_unit, import_policy, measure_keys
from taizhang.ledger.service.lights import as_of, refresh_all, refresh_ledger, refresh_lights
from taizhang.ledger.service.queries import (
    MAX_PAGE,
    SORTS,
    current_policy,
    find_units,
    has_policies,
    indicator_series,
    ledger_export,
    list_tasks,
    list_units,
    policy_document,
    policy_view,
    task_detail,
    task_trail,
)
from taizhang.ledger.service.tasks import (
    SubtaskSpec,
    assign_unit,
    close_task,
    configure_policy,
    create_unit,
    decompose,
)

__all__ = [
    "MAX_PAGE", "SORTS", "SubtaskSpec", "as_of", "assign_unit", "close_task", "configure_policy", "create_unit",
    "current_policy", "decompose", "ensure_unit", "find_units", "has_policies", "import_policy", "indicator_series", "ledger_export",
    "list_tasks", "list_units", "measure_keys", "policy_document", "policy_view", "refresh_all", "refresh_ledger",
    "refresh_lights", "task_detail", "task_trail",
]

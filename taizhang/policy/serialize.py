"""Policy → the JSON shape printed by ``taizhang parse --json`` (a public contract)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from taizhang.policy.model import Measure, Policy, Quantity
from taizhang.policy.numerals import plain


def policy_to_json(policy: Policy) -> dict[str, Any]:
    return {
        "title": policy.title,
        "issuer": policy.issuer,
        "issued_on": policy.issued_on.isoformat() if policy.issued_on else None,
        "doc_number": policy.doc_number,
        "recipients": list(policy.recipients),
        "basis": list(policy.basis),
        "sections": [{"no": s.no, "title": s.title} for s in policy.sections],
        "measures": [measure_to_json(m) for m in policy.measures],
    }


def measure_to_json(m: Measure) -> dict[str, Any]:
    out: dict[str, Any] = {
        "section": m.section,
        "no": m.no,
        "title": m.title,
        "text": m.text,
        "span": m.span.as_list(),
        "units": [
            {"name": u.name, "canonical": u.canonical, "role": u.role, "span": u.span.as_list()} for u in m.units
        ],
        "units_open": m.units_open,
        "quantities": [quantity_to_json(q) for q in m.quantities],
        "deadlines": [
            {
                "quote": d.quote,
                "date": d.date.isoformat() if d.date else None,
                "relative": d.relative,
                "span": d.span.as_list(),
            }
            for d in m.deadlines
        ],
        "truncated": m.truncated,
    }
    if m.leaders:
        out["leaders"] = list(m.leaders)
    if m.cadences:
        out["cadences"] = [
            {"quote": c.quote, "period": c.period, "day": c.day, "span": c.span.as_list()} for c in m.cadences
        ]
    return out


def quantity_value(q: Quantity) -> int | float | list[int | float]:
    if isinstance(q.value, tuple):
        return [plain(Decimal(q.value[0])), plain(Decimal(q.value[1]))]
    return plain(Decimal(q.value), 4 if q.unit == "ratio" else None)


def quantity_to_json(q: Quantity) -> dict[str, Any]:
    out: dict[str, Any] = {
        "quote": q.quote,
        "value": quantity_value(q),
        "unit": q.unit,
        "cmp": q.cmp,
        "kind": q.kind,
        "span": q.span.as_list(),
    }
    if q.approx:
        out["approx"] = True
    return out

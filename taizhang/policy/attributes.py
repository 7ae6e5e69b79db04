"""One measure's attributes — responsible units, leaders, quantities, deadlines, cadences — read from
view ranges, whatever the layout (running text or a table row)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from taizhang.policy import deadlines as dl
from taizhang.policy.directory import Directory
from taizhang.policy.model import Cadence, Deadline, Quantity, UnitRef
from taizhang.policy.quantities import find_quantities
from taizhang.policy.text import TextView
from taizhang.policy.units import FoundUnit, assign_roles, find_responsibility

_QUOTED = re.compile(r"“[^“”\n]{0,40}”|‘[^‘’\n]{0,40}’|《[^《》\n]{0,120}》|\"[^\"\n]{0,40}\"")


@dataclass(frozen=True)
class Attributes:
    units: tuple[UnitRef, ...]
    units_open: bool
    leaders: tuple[str, ...]
    quantities: tuple[Quantity, ...]
    deadlines: tuple[Deadline, ...]
    cadences: tuple[Cadence, ...]


@dataclass(frozen=True)
class Context:
    """What reading a measure needs besides its text."""

    tv: TextView
    issued_on: date | None
    directory: Directory
    warnings: list[str]


def read_attributes(
    ctx: Context,
    label: str,
    ranges: list[tuple[int, int]],
    *,
    units: tuple[FoundUnit, ...] | None = None,
    leaders: tuple[tuple[int, int], ...] = (),
    deadline_ranges: list[tuple[int, int]] = (),
) -> Attributes:
    """Attributes of the measure whose text is in ``ranges`` (view offsets). Units and leaders are
    found in the text unless given (a table's unit columns); ``deadline_ranges`` are 完成时限 cells."""
    view = ctx.tv.view
    clause_spans: list[tuple[int, int]] = []
    units_open = False
    if units is None:
        found: list[FoundUnit] = []
        people: list[tuple[int, int]] = []
        for start, end in ranges:
            resp = find_responsibility(view, start, end)
            found.extend(resp.units)
            people.extend(resp.leaders)
            clause_spans.extend(resp.clause_spans)
        units, leaders = tuple(found), tuple(people)
    units_open = any(u.open_list for u in units)
    quantities: list[Quantity] = []
    deadlines: list[Deadline] = []
    cadences: list[Cadence] = []
    for start, end in ranges:
        found_cadences = dl.find_cadences(view, start, end)
        hits = dl.without_cadences(dl.find_deadlines(view, start, end, ctx.issued_on), found_cadences)
        blocked = (
            dl.calendar_spans(view, start, end)
            + [(m.start(), m.end()) for m in _QUOTED.finditer(view, start, end)]
            + clause_spans
            + [(d.start, d.end) for d in hits if not d.is_duration]
            + [(c.start, c.end) for c in found_cadences]
        )
        quantities.extend(_quantity(ctx.tv, q) for q in find_quantities(view, start, end, blocked))
        deadlines.extend(_deadline(ctx.tv, d) for d in hits)
        cadences.extend(
            Cadence(quote=ctx.tv.quote(c.start, c.end), span=ctx.tv.span(c.start, c.end), period=c.period, day=c.day)
            for c in found_cadences
        )
    for start, end in deadline_ranges:
        deadlines.extend(_deadline(ctx.tv, d) for d in dl.find_deadlines(view, start, end, ctx.issued_on, column=True))
    return Attributes(
        units=_unit_refs(ctx, label, units),
        units_open=units_open,
        leaders=tuple(ctx.tv.quote(s, e) for s, e in leaders),
        quantities=tuple(quantities),
        deadlines=tuple(deadlines),
        cadences=tuple(cadences),
    )


def _unit_refs(ctx: Context, label: str, units: tuple[FoundUnit, ...]) -> tuple[UnitRef, ...]:
    out = []
    for found, role in assign_roles(ctx.tv.view, units):
        name = ctx.tv.quote(found.name_start, found.name_end)
        canonical = ctx.directory.canonical(name)
        if canonical is None:
            ctx.warnings.append(f"第{label}项措施的责任单位“{name}”不在单位名录中，已按原文保留。")
        out.append(UnitRef(name=name, role=role, span=ctx.tv.span(found.name_start, found.name_end),
                           canonical=canonical))
    return tuple(out)


def _quantity(tv: TextView, q) -> Quantity:
    return Quantity(quote=tv.quote(q.start, q.end), value=q.value, unit=q.unit, cmp=q.cmp, kind=q.kind,
                    span=tv.span(q.start, q.end), approx=q.approx)


def _deadline(tv: TextView, d) -> Deadline:
    return Deadline(quote=tv.quote(d.start, d.end), span=tv.span(d.start, d.end), date=d.date, relative=d.relative)

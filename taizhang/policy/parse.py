"""Text → Policy: segment into items, pick the measure level, read each measure's attributes."""

from __future__ import annotations

import re
from pathlib import Path

from taizhang.errors import NoMeasuresFound
from taizhang.policy import deadlines as dl
from taizhang.policy.directory import Directory, default_directory
from taizhang.policy.header import read_header
from taizhang.policy.model import Cadence, Deadline, Measure, Policy, Quantity, Section, UnitRef
from taizhang.policy.quantities import find_quantities
from taizhang.policy.read import read_document
from taizhang.policy.segment import Item, Outline, outline
from taizhang.policy.text import TextView, build_view
from taizhang.policy.units import assign_roles, ends_with_responsibility, find_responsibility

TITLE_MAX = 30
_TERMINAL = "。！？!?;；〕)】]”\"』」"
_QUOTED = re.compile(r"“[^“”\n]{0,40}”|‘[^‘’\n]{0,40}’|《[^《》\n]{0,120}》|\"[^\"\n]{0,40}\"")


def parse_file(path: str | Path, *, directory: Directory | None = None) -> Policy:
    document = read_document(path)
    return parse_text(document.text, name=document.name, directory=directory)


def parse_text(source: str, *, name: str = "文本", directory: Directory | None = None) -> Policy:
    directory = directory or default_directory()
    tv = build_view(source)
    structure = outline(tv, ends_measure=ends_with_responsibility)
    if not structure.items:
        raise NoMeasuresFound(
            f"文件“{name}”中没有找到编号的措施条目（如“一、”“（一）”“1.”），无法生成台账；"
            "请确认这是一份政策措施类文件。"
        )
    header = read_header(tv, structure.body_start, structure.body_end)
    level = measure_level(tv, structure)
    warnings = list(structure.warnings)
    sections = _sections(tv, structure, level)
    measures = [_measure(tv, item, level, header.issued_on, directory, warnings) for item in structure.level(level)]
    if measures and _looks_truncated(tv, structure, structure.level(level)[-1], measures):
        last = measures[-1]
        measures[-1] = Measure(**{**_fields(last), "truncated": True})
        warnings.append(f"文件“{name}”在第{last.no}项措施处中断（内容不完整），已解析到此为止，该项已标记为不完整。")
    return Policy(
        title=header.title,
        source=source,
        sections=tuple(sections),
        measures=tuple(measures),
        issuer=header.issuer,
        issued_on=header.issued_on,
        doc_number=header.doc_number,
        recipients=header.recipients,
        basis=header.basis,
        warnings=tuple(warnings),
    )


def _fields(m: Measure) -> dict:
    return {f: getattr(m, f) for f in Measure.__slots__}


def own_text(item: Item) -> tuple[int, int]:
    """The part of an item before its first child item."""
    return item.start, item.children[0].start if item.children else item.end


def measure_level(tv: TextView, structure: Outline) -> int:
    """The level whose items carry responsibility clauses; without any, the level of substance."""
    counts = []
    for lvl in range(structure.depth):
        items = structure.level(lvl)
        with_units = sum(1 for i in items if find_responsibility(tv.view, *own_text(i)).units)
        counts.append(with_units)
    if any(counts):
        best = max(counts)
        return counts.index(best)
    if structure.depth == 1:
        return 0
    level_one = structure.level(1)
    if structure.depth >= 3 and all(_heading_only(tv, i) for i in level_one if i.children):
        return 2
    return 1


def _heading_only(tv: TextView, item: Item) -> bool:
    s, e = own_text(item)
    text = tv.view[item.body : e].strip()
    return len(text) <= 40 and "\n" not in text.rstrip("。")


def _heading(tv: TextView, item: Item) -> tuple[int, int]:
    """View offsets of a section title: the marker line without the numeral and a final 。."""
    s, e = item.body, item.line_end
    while s < e and tv.view[s] in " \t":
        s += 1
    stop = tv.view.find("。", s, e)
    e = stop if stop >= 0 else e
    while e > s and tv.view[e - 1] in " \t。.":
        e -= 1
    return s, e


def _sections(tv: TextView, structure: Outline, level: int) -> list[Section]:
    if level == 0:
        return []
    return [
        Section(no=n, title=tv.quote(*_heading(tv, item)), span=tv.span(item.start, item.end))
        for n, item in enumerate(structure.level(0), start=1)
    ]


def _title(tv: TextView, item: Item) -> str:
    """The short heading up to the first 。 when it is short, otherwise the first clause."""
    view = tv.view
    s = item.body
    while s < item.end and view[s] in " \t":
        s += 1
    line_end = view.find("\n", s, item.end)
    line_end = item.end if line_end < 0 else line_end
    stop = view.find("。", s, line_end)
    lead_end = stop if stop >= 0 else line_end
    if lead_end - s <= TITLE_MAX:
        e = lead_end
    else:
        m = re.search(r"[,，;；:：。]", view[s:line_end])
        e = s + m.start() if m else min(line_end, s + TITLE_MAX)
    while e > s and view[e - 1] in " \t":
        e -= 1
    return tv.quote(s, e)


def _section_no(item: Item, level: int) -> int:
    if level == 0:
        return 0
    node = item
    while node.parent is not None:
        node = node.parent
    return node.number


def _measure(tv: TextView, item: Item, level: int, issued_on, directory: Directory, warnings: list[str]) -> Measure:
    view = tv.view
    start, end = item.start, item.end
    responsibility = find_responsibility(view, start, end)
    units = []
    for found, role in assign_roles(view, responsibility.units):
        name = tv.quote(found.name_start, found.name_end)
        canonical = directory.canonical(name)
        if canonical is None:
            warnings.append(f"第{item.number}项措施的责任单位“{name}”不在单位名录中，已按原文保留。")
        units.append(UnitRef(name=name, role=role, span=tv.span(found.name_start, found.name_end), canonical=canonical))
    calendar = dl.calendar_spans(view, start, end)
    cadences = dl.find_cadences(view, start, end)
    deadline_hits = dl.without_cadences(dl.find_deadlines(view, start, end, issued_on), cadences)
    blocked = (
        calendar
        + [(m.start(), m.end()) for m in _QUOTED.finditer(view, start, end)]
        + list(responsibility.clause_spans)
        + [(d.start, d.end) for d in deadline_hits if not d.is_duration]
        + [(c.start, c.end) for c in cadences]
    )
    quantities = [
        Quantity(
            quote=tv.quote(q.start, q.end),
            value=q.value if not isinstance(q.value, tuple) else (q.value[0], q.value[1]),
            unit=q.unit,
            cmp=q.cmp,
            kind=q.kind,
            span=tv.span(q.start, q.end),
            approx=q.approx,
        )
        for q in find_quantities(view, start, end, blocked)
    ]
    deadlines = [
        Deadline(quote=tv.quote(d.start, d.end), span=tv.span(d.start, d.end), date=d.date, relative=d.relative)
        for d in deadline_hits
    ]
    return Measure(
        section=_section_no(item, level),
        no=str(item.number),
        title=_title(tv, item),
        text=tv.quote(start, end),
        span=tv.span(start, end),
        units=tuple(units),
        units_open=responsibility.units_open,
        quantities=tuple(quantities),
        deadlines=tuple(deadlines),
        cadences=tuple(
            Cadence(quote=tv.quote(c.start, c.end), span=tv.span(c.start, c.end), period=c.period, day=c.day)
            for c in cadences
        ),
        leaders=tuple(tv.quote(s, e) for s, e in responsibility.leaders),
    )


def _looks_truncated(tv: TextView, structure: Outline, last: Item, measures: list[Measure]) -> bool:
    """The text stops inside the last measure: no final punctuation, an open bracket, or no units
    where every other measure has them and nothing follows."""
    text = tv.view[last.start : last.end].rstrip()
    if not text:
        return True
    if text[-1] not in _TERMINAL:
        return True
    opened = sum(text.count(c) for c in "(〔【[") - sum(text.count(c) for c in ")〕】]")
    if opened > 0:
        return True
    at_end = not tv.view[structure.body_end :].strip()
    others = measures[:-1]
    if at_end and others and not measures[-1].units and all(m.units for m in others):
        return True
    return False

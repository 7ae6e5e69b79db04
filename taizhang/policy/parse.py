"""Text → Policy: segment into items, pick the measure level, read each measure's attributes."""

from __future__ import annotations

import re
from pathlib import Path

from taizhang.errors import NoMeasuresFound
from taizhang.policy.attributes import Attributes, Context, read_attributes
from taizhang.policy.directory import Directory, default_directory
from taizhang.policy.header import Header, read_header
from taizhang.policy.model import Measure, Policy, Section
from taizhang.policy.read import read_document
from taizhang.policy.segment import Item, Outline, outline
from taizhang.policy.table import Row, SectionRow, Table, find_table
from taizhang.policy.text import TextView, build_view
from taizhang.policy.units import ends_with_responsibility, find_responsibility, split_units

TITLE_MAX = 30
_TERMINAL = "。！？!?;；〕)】]”\"』」"


def parse_file(path: str | Path, *, directory: Directory | None = None) -> Policy:
    document = read_document(path)
    return parse_text(document.text, name=document.name, directory=directory)


def parse_text(source: str, *, name: str = "文本", directory: Directory | None = None) -> Policy:
    tv = build_view(source)
    table = find_table(tv)
    if table is not None:
        return _parse_table(tv, table, name, directory or default_directory())
    structure = outline(tv, ends_measure=ends_with_responsibility)
    if not structure.items:
        raise NoMeasuresFound(
            f"文件“{name}”中没有找到编号的措施条目（如“一、”“（一）”“1.”），无法生成台账；"
            "请确认这是一份政策措施类文件。"
        )
    header = read_header(tv, structure.body_start, structure.body_end)
    level = measure_level(tv, structure)
    ctx = Context(tv=tv, issued_on=header.issued_on, directory=directory or default_directory(),
                  warnings=list(structure.warnings))
    measures = [_measure(ctx, item, level) for item in structure.level(level)]
    if measures and _looks_truncated(tv, structure, structure.level(level)[-1], measures):
        last = measures[-1]
        measures[-1] = Measure(**{**_fields(last), "truncated": True})
        ctx.warnings.append(f"文件“{name}”在第{last.no}项措施处中断（内容不完整），已解析到此为止，该项已标记为不完整。")
    return _policy(source, header, _sections(tv, structure, level), measures, ctx.warnings)


def _policy(source: str, header: Header, sections: list[Section], measures: list[Measure], warnings: list[str]):
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


def _parse_table(tv: TextView, table: Table, name: str, directory: Directory) -> Policy:
    last = table.rows[-1]
    header = read_header(tv, table.header_start, last.end)
    ctx = Context(tv=tv, issued_on=header.issued_on, directory=directory, warnings=[])
    sections: list[Section] = []
    measures: list[Measure] = []
    for row in table.rows:
        if isinstance(row, SectionRow):
            sections.append(Section(no=row.number, title=tv.quote(row.title.start, row.title.end),
                                    span=tv.span(row.start, row.end)))
            continue
        measures.append(_table_measure(ctx, row, sections[-1].no if sections else 0))
    return _policy(tv.source, header, sections, measures, ctx.warnings)


def _table_measure(ctx: Context, row: Row, section: int) -> Measure:
    view = ctx.tv.view
    cells = row.cells
    units = []
    for kind, role in (("lead", "lead"), ("co", "co"), ("units", None)):
        for cell in cells.get(kind, []):
            units.extend(split_units(view, cell.start, cell.end, role=role))
    leaders = tuple((u.name_start, u.name_end) for c in cells.get("leader", [])
                    for u in split_units(view, c.start, c.end, role=None))
    texts = [(c.start, c.end) for kind in ("title", "text") for c in cells.get(kind, [])]
    attrs = read_attributes(ctx, str(row.number), texts, units=tuple(units), leaders=leaders,
                            deadline_ranges=[(c.start, c.end) for c in cells.get("deadline", [])])
    title_cell = (cells.get("title") or cells["text"])[0]
    return Measure(
        section=section,
        no=str(row.number),
        title=_first_sentence(ctx.tv, title_cell.start, title_cell.end),
        text=ctx.tv.quote(row.start, row.end),
        span=ctx.tv.span(row.start, row.end),
        **_attribute_fields(attrs),
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
    line_end = tv.view.find("\n", item.body, item.end)
    return _first_sentence(tv, item.body, item.end if line_end < 0 else line_end)


def _first_sentence(tv: TextView, s: int, line_end: int) -> str:
    """The short heading up to the first 。 when it is short, otherwise the first clause."""
    view = tv.view
    while s < line_end and view[s] in " \t":
        s += 1
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


def _measure(ctx: Context, item: Item, level: int) -> Measure:
    attrs = read_attributes(ctx, str(item.number), [(item.start, item.end)])
    return Measure(
        section=_section_no(item, level),
        no=str(item.number),
        title=_title(ctx.tv, item),
        text=ctx.tv.quote(item.start, item.end),
        span=ctx.tv.span(item.start, item.end),
        **_attribute_fields(attrs),
    )


def _attribute_fields(attrs: Attributes) -> dict:
    return {
        "units": attrs.units, "units_open": attrs.units_open, "quantities": attrs.quantities,
        "deadlines": attrs.deadlines, "cadences": attrs.cadences, "leaders": attrs.leaders,
    }


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

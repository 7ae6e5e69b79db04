"""Responsibility clauses → responsible units (lead/co) and leading officials.

Forms handled (on the folded view, so （ is "(" and ： is ":"):
- a bracket at the end of a measure: 〔责任单位:A、B等〕, (A、B负责), (A牵头,B配合),
  (牵头单位:A;配合单位:B), 〔牵头单位:A,责任单位:B,C〕;
- label lines of their own: 牵头单位:A / 责任单位:A,B / 牵头责任单位:A / 协同责任单位:B,
  and 牵头负责领导:某某 for people, kept apart as leaders;
- units named before the task: 由A牵头,B配合 / 由A负责.
Explicit 牵头 labels decide the lead; otherwise the first unit written leads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEAD_LABELS = ("牵头责任单位", "牵头单位", "牵头部门", "主责单位", "主办单位", "责任牵头单位")
CO_LABELS = ("协同责任单位", "配合单位", "配合部门", "协办单位", "协同单位", "参与单位", "协作单位")
OPEN_LABELS = ("责任单位", "责任部门", "实施单位", "承办单位")
LEADER_LABELS = ("牵头负责领导", "牵头领导", "责任领导", "分管领导", "负责领导", "责任人", "牵头市领导", "牵头区领导")
_ALL_LABELS = sorted(LEAD_LABELS + CO_LABELS + OPEN_LABELS + LEADER_LABELS, key=len, reverse=True)
LABEL = re.compile("(" + "|".join(_ALL_LABELS) + r")\s*[:：]")

# Words that end a unit list item and say what the unit does, not who it is.
_ROLE_SUFFIX = re.compile(r"(?:按职责分工负责|按职责分工|分别负责|共同负责|负责落实|牵头负责|负责|牵头|配合|参与)$")
# 市发改委（牵头）、市财政局 / 市发改委*: a mark after a name makes it the lead.
_LEAD_MARK = re.compile(r"(?:\((?:牵头|主责|总牵头)\)|[*＊★])$")
_OPEN_SUFFIX = re.compile(r"等(?:有关|相关)?(?:部门|单位|机构|方面)?$")
# A part that is only an administrative level ("各区", "市属") shares the next part's head noun.
_LEVEL_ONLY = re.compile(r"^各?[省市县区乡镇州旗]{1,2}(?:属|直|级)?$|^驻[省市县区]$")
_TIME_PART = re.compile(r"\d+月|年底|年内|完成$|前完成|之前|时限|\d{4}年")
_UNIT_HEAD = re.compile(
    r"(?:局|委|办|厅|部|院|会|处|室|所|站|社|行|司|团|队|中心|政府|单位|部门|机构|公司|集团|分局|支行|"
    r"管委会|办事处|街道|功能区|开发区|园区|区|县|市|镇|乡|班|联|关|段|组|校|馆|台|协|科|股|\))$"
)
_BRACKETS = {"〔": "〕", "(": ")", "【": "】", "[": "]"}


@dataclass(frozen=True)
class FoundUnit:
    name_start: int  # view offsets
    name_end: int
    role: str | None  # "lead", "co" or None when the clause does not say
    open_list: bool


@dataclass(frozen=True)
class Responsibility:
    units: tuple[FoundUnit, ...]
    leaders: tuple[tuple[int, int], ...]  # view offsets of people's names
    clause_spans: tuple[tuple[int, int], ...]  # view offsets of every clause found

    @property
    def units_open(self) -> bool:
        return any(u.open_list for u in self.units)


def looks_like_unit(name: str) -> bool:
    return bool(_UNIT_HEAD.search(name)) and len(name) >= 2


def find_responsibility(view: str, start: int, end: int) -> Responsibility:
    """Every responsibility clause in view[start:end], in written order."""
    clauses: list[tuple[int, int, list[FoundUnit], list[tuple[int, int]]]] = []
    for cs, ce, units, leaders in _bracket_clauses(view, start, end):
        clauses.append((cs, ce, units, leaders))
    taken = [(cs, ce) for cs, ce, _, _ in clauses]
    for cs, ce, units, leaders in _label_lines(view, start, end):
        if not any(a <= cs < b for a, b in taken):
            clauses.append((cs, ce, units, leaders))
    for cs, ce, units in _named_before(view, start, end):
        if not any(a <= cs < b for a, b in taken):
            clauses.append((cs, ce, units, []))
    clauses.sort(key=lambda c: c[0])
    units: list[FoundUnit] = []
    leaders: list[tuple[int, int]] = []
    for _, _, found, people in clauses:
        units.extend(found)
        leaders.extend(people)
    return Responsibility(
        units=tuple(units), leaders=tuple(leaders), clause_spans=tuple((c[0], c[1]) for c in clauses)
    )


def assign_roles(view: str, units: tuple[FoundUnit, ...]) -> list[tuple[FoundUnit, str]]:
    """Lead/co for each unit, dropping repeats of a name already listed."""
    seen: set[str] = set()
    unique: list[FoundUnit] = []
    for u in units:
        name = view[u.name_start : u.name_end]
        if name not in seen:
            seen.add(name)
            unique.append(u)
    labelled_lead = any(u.role == "lead" for u in unique)
    out = []
    for i, u in enumerate(unique):
        if labelled_lead:
            role = "lead" if u.role == "lead" else "co"
        else:
            role = "lead" if i == 0 else "co"
        out.append((u, role))
    return out


def ends_with_responsibility(line: str) -> bool:
    """True when a paragraph ends with a responsibility bracket (the measure is complete)."""
    line = line.rstrip("。. ")
    if not line or line[-1] not in "〕)】]":
        return False
    opener = {"〕": "〔", ")": "(", "】": "【", "]": "["}[line[-1]]
    at = line.rfind(opener)
    return at >= 0 and _parse_clause(line, at + 1, len(line) - 1) is not None


# ---------------------------------------------------------------- clause forms


def _bracket_clauses(view: str, start: int, end: int):
    i = start
    while i < end:
        ch = view[i]
        if ch in _BRACKETS:
            close = _matching(view, i, end)
            if close is None:
                if "\n" in view[i:end]:
                    i += 1
                    continue
                # A bracket cut off by the end of the text still names its complete units.
                close = end
            parsed = _parse_clause(view, i + 1, close)
            if parsed is not None:
                units, leaders = parsed
                if close == end:
                    units = units[:-1] if units and units[-1].name_end >= _trim(view, i + 1, end)[1] else units
                yield i, min(close + 1, end), units, leaders
                i = close + 1
                continue
        i += 1


def _matching(view: str, i: int, end: int) -> int | None:
    opener, closer = view[i], _BRACKETS[view[i]]
    depth = 0
    for j in range(i, end):
        if view[j] == opener:
            depth += 1
        elif view[j] == closer:
            depth -= 1
            if depth == 0:
                return j
        elif view[j] == "\n":
            return None
    return None


def _parse_clause(view: str, start: int, end: int):
    """Units inside a bracket, or None when the bracket is not a responsibility clause."""
    s, e = _trim(view, start, end)
    if s >= e:
        return None
    if LABEL.search(view, s, e) and LABEL.search(view, s, e).start() == s:
        return _labelled(view, s, e)
    # (A、B负责) / (A牵头,B配合) / (A按职责分工负责)
    content = view[s:e]
    if not re.search(r"(?:负责|牵头|配合)(?:落实)?$|牵头[,，;；]", content):
        return None
    units = split_units(view, s, e, role=None)
    if not units or not all(looks_like_unit(view[u.name_start : u.name_end]) for u in units):
        return None
    return units, []


def _labelled(view: str, s: int, e: int):
    """'牵头单位:A;配合单位:B' and the like: each label governs the text up to the next label."""
    marks = [m for m in LABEL.finditer(view, s, e)]
    units: list[FoundUnit] = []
    leaders: list[tuple[int, int]] = []
    has_lead_label = any(m.group(1) in LEAD_LABELS for m in marks)
    for k, m in enumerate(marks):
        seg_end = marks[k + 1].start() if k + 1 < len(marks) else e
        label = m.group(1)
        if label in LEADER_LABELS:
            leaders.extend((u.name_start, u.name_end) for u in split_units(view, m.end(), seg_end, role=None))
            continue
        if label in LEAD_LABELS:
            role = "lead"
        elif label in CO_LABELS or has_lead_label:
            role = "co"
        else:
            role = None
        units.extend(split_units(view, m.end(), seg_end, role=role))
    return units, leaders


def _label_lines(view: str, start: int, end: int):
    """Label lines of their own: '牵头单位:区发改局' followed by '责任单位:A,B'."""
    block: list[re.Match[str]] = []
    pos = start
    lines = []
    while pos < end:
        nl = view.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        lines.append((pos, line_end))
        pos = line_end + 1
    for ls, le in lines:
        s, _ = _trim(view, ls, le)
        m = LABEL.match(view, s)
        if m:
            block.append(m)
    if not block:
        return
    has_lead_label = any(m.group(1) in LEAD_LABELS for m in block)
    for m in block:
        line_end = view.find("\n", m.end(), end)
        line_end = end if line_end < 0 else line_end
        label = m.group(1)
        if label in LEADER_LABELS:
            people = [(u.name_start, u.name_end) for u in split_units(view, m.end(), line_end, role=None)]
            yield m.start(), line_end, [], people
            continue
        role = "lead" if label in LEAD_LABELS else ("co" if label in CO_LABELS or has_lead_label else None)
        yield m.start(), line_end, split_units(view, m.end(), line_end, role=role), []


_NAMED_BEFORE = re.compile(r"由([^,，。;；]{2,60}?)(牵头|负责)(?:[,，]([^,，。;；]{2,80}?)(?:配合|参与|协同配合))?")


def _named_before(view: str, start: int, end: int):
    for m in _NAMED_BEFORE.finditer(view, start, end):
        lead = split_units(view, m.start(1), m.end(1), role="lead")
        if not lead or not all(looks_like_unit(view[u.name_start : u.name_end]) for u in lead):
            continue
        units = list(lead)
        if m.group(3):
            co = split_units(view, m.start(3), m.end(3), role="co")
            if all(looks_like_unit(view[u.name_start : u.name_end]) for u in co):
                units.extend(co)
        yield m.start(), m.end(), units


# ---------------------------------------------------------------- lists


def _trim(view: str, s: int, e: int) -> tuple[int, int]:
    while s < e and view[s] in " \t\n":
        s += 1
    while e > s and view[e - 1] in " \t\n。.":
        e -= 1
    return s, e


def _split_points(view: str, s: int, e: int) -> list[tuple[int, int]]:
    """[start, end) of each list part, splitting on 、,;，； and 及 outside parentheses."""
    parts = []
    depth = 0
    part_start = s
    for i in range(s, e):
        ch = view[i]
        if ch in "(（[【〔":
            depth += 1
        elif ch in ")）]】〕":
            depth = max(0, depth - 1)
        elif depth == 0 and (ch in "、,;，；" or (ch == "及" and _UNIT_HEAD.search(view[part_start:i]))):
            parts.append((part_start, i))
            part_start = i + 1
    parts.append((part_start, e))
    return parts


def split_units(view: str, s: int, e: int, *, role: str | None) -> list[FoundUnit]:
    s, e = _trim(view, s, e)
    raw = _split_points(view, s, e)
    merged: list[tuple[int, int]] = []
    carry: int | None = None
    for ps, pe in raw:
        ps, pe = _trim(view, ps, pe)
        if carry is not None:
            ps = carry
            carry = None
        if ps >= pe:
            continue
        if _LEVEL_ONLY.match(view[ps:pe]):
            carry = ps
            continue
        merged.append((ps, pe))
    if carry is not None:
        merged.append((carry, e))
    out = []
    for ps, pe in merged:
        text = view[ps:pe]
        open_list = False
        part_role = role
        for _ in range(3):
            m = _OPEN_SUFFIX.search(text)
            if m and m.start() > 0:
                open_list = True
                text = text[: m.start()]
                continue
            m = _LEAD_MARK.search(text)
            if m and m.start() > 0:
                part_role = "lead"
                text = text[: m.start()]
                continue
            m = _ROLE_SUFFIX.search(text)
            if m and m.start() > 0:
                word = m.group(0)
                if part_role is None:
                    part_role = "lead" if "牵头" in word else ("co" if word in ("配合", "参与") else None)
                text = text[: m.start()]
                continue
            break
        text = text.rstrip("。. ")
        if not text or _TIME_PART.search(text) and not looks_like_unit(text):
            continue
        out.append(FoundUnit(name_start=ps, name_end=ps + len(text), role=part_role, open_list=open_list))
    return out

"""The document's header: title, issuer, issue date, document number, recipients, basis.

Works on the lines before the first numbered item (and, for the issue date and issuer, on a
signature block after the body). Titles printed over several lines are joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from taizhang.policy.numerals import parse_number
from taizhang.policy.text import TextView, fold_char
from taizhang.policy.units import looks_like_unit, split_units

GENRE_ENDINGS = (
    "通知", "意见", "方案", "措施", "办法", "规定", "决定", "计划", "要点", "清单", "细则", "通报", "函",
    "纪要", "条例", "规划", "分工", "安排", "举措", "政策", "任务", "实施意见", "若干措施",
)
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[(（【]\d{4}[〕\])）】]\d{1,4}号")
_DATE = re.compile(
    r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})年(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月"
    r"(?P<d>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])日"
)
_ISSUER_END = re.compile(
    r"(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办公厅|办公室|办公厅|委员会|领导小组|指挥部|"
    r"局|厅|委|部|院|办)$"
)
_BASIS_LEAD = re.compile(r"(?:贯彻|落实|根据|按照|依据|执行|遵照|对照)[^《。]{0,12}$")
_JUNK_LINE = re.compile(
    r"^(?:字号|【?字体|打印|关闭|分享|来源|发布时间|发布日期|浏览次数|索引号|主题分类|当前位置|您当前的位置|首页|"
    r"标\s*题|名\s*称|发文机关|发文字号|成文日期|发布机构|文\s*号|主\s*题\s*词|所属类别|信息来源|有效性)"
)
# Metadata blocks of government websites: used only when the document itself does not say.
_META = re.compile(r"^(标\s*题|名\s*称|发文机关|发布机构|发文字号|文\s*号|成文日期)\s*[:：]\s*(.+)$")
_WEB_SUFFIX = re.compile(r"[-_|—].{1,30}$")
_PUBLICITY = re.compile(r"^\(?此件.{0,8}\)?$")


@dataclass(frozen=True)
class Header:
    title: str
    issuer: str | None
    issued_on: date | None
    doc_number: str | None
    recipients: tuple[str, ...]
    basis: tuple[str, ...]


def _year(text: str) -> int:
    if text.isdigit():
        return int(text)
    digits = "〇一二三四五六七八九"
    return int("".join(str(digits.index("〇" if c == "零" else c)) for c in text))


def parse_date(m: re.Match[str]) -> date | None:
    try:
        return date(_year(m.group("y")), int(parse_number(m.group("m"))), int(parse_number(m.group("d"))))
    except ValueError:
        return None


def _is_date_line(line: str) -> bool:
    m = _DATE.fullmatch(line.strip())
    return m is not None


def read_header(tv: TextView, body_start: int, body_end: int) -> Header:
    view = tv.view
    lines = [(s, e) for s, e in tv.lines() if s < body_start and view[s:e].strip()]
    tail = [(s, e) for s, e in tv.lines() if s >= body_end and view[s:e].strip()]
    recipients_at = _recipients_line(view, lines)
    doc_number = _doc_number(tv, lines)
    issuer, issued_on = _signature(tv, lines + tail)
    title = _title(tv, lines, recipients_at)
    meta = _metadata(tv, lines)
    title = title or meta.get("title", "")
    if issuer is None and title:
        issuer = _issuer_from_title(title)
    issuer = issuer or meta.get("issuer")
    doc_number = doc_number or meta.get("doc_number")
    if issued_on is None and "issued_on" in meta:
        m = _DATE.search(meta["issued_on"])
        issued_on = parse_date(m) if m else None
    recipients: tuple[str, ...] = ()
    if recipients_at is not None:
        s, e = lines[recipients_at]
        units = split_units(view, s, e - 1 if view[e - 1] in ":：" else e, role=None)
        recipients = tuple(tv.quote(u.name_start, u.name_end) for u in units)
    basis = _basis(tv, lines)
    return Header(title=title, issuer=issuer, issued_on=issued_on, doc_number=doc_number,
                  recipients=recipients, basis=basis)


def _metadata(tv: TextView, lines) -> dict[str, str]:
    fields = {"标题": "title", "名称": "title", "发文机关": "issuer", "发布机构": "issuer", "发文字号": "doc_number",
              "文号": "doc_number", "成文日期": "issued_on"}
    out: dict[str, str] = {}
    for s, e in lines:
        m = _META.match(tv.view[s:e].strip())
        if m:
            key = fields[re.sub(r"\s", "", m.group(1))]
            value_start = s + len(tv.view[s:e]) - len(tv.view[s:e].lstrip()) + m.start(2)
            out.setdefault(key, tv.quote(value_start, value_start + len(m.group(2).rstrip())))
    return out


def _recipients_line(view: str, lines: list[tuple[int, int]]) -> int | None:
    for i, (s, e) in enumerate(lines):
        line = view[s:e].strip()
        if line.endswith((":", "：")) and len(line) <= 120 and not line.startswith(("现", "为", "根据")):
            parts = re.split(r"[,，、;；]", line[:-1])
            if any(looks_like_unit(p.strip()) for p in parts):
                return i
    return None


def _doc_number(tv: TextView, lines) -> str | None:
    for s, e in lines:
        m = _DOC_NUMBER.match(tv.view, s, e)
        if m:
            return tv.quote(m.start(), m.end())
    return None


def _signature(tv: TextView, lines) -> tuple[str | None, date | None]:
    """A date standing on its own line, with the issuing body on the line before it."""
    view = tv.view
    for i, (s, e) in enumerate(lines):
        line = view[s:e].strip()
        m = _DATE.fullmatch(line)
        if not m:
            continue
        issued = parse_date(m)
        issuer = None
        if i > 0:
            ps, pe = lines[i - 1]
            previous = view[ps:pe].strip()
            if _ISSUER_END.search(previous) and len(previous) <= 30 and not re.search("[,，。:：]", previous):
                start = ps + (len(view[ps:pe]) - len(view[ps:pe].lstrip()))
                issuer = tv.quote(start, start + len(previous))
        return issuer, issued
    return None, None


def _title_like(line: str) -> bool:
    if not line or len(line) > 80 or _JUNK_LINE.match(line) or _PUBLICITY.match(line):
        return False
    if line.endswith(("。", ":", "：", ";", "；")) or _is_date_line(line):
        return False
    if _DOC_NUMBER.fullmatch(line) or line.endswith("文件"):
        return False
    return True


def _title(tv: TextView, lines, recipients_at: int | None) -> str:
    """The first title printed: a run of title-like lines, preferring one ending with a genre word."""
    view = tv.view
    runs: list[list[int]] = []
    current: list[int] = []
    for i, (s, e) in enumerate(lines):
        line = view[s:e].strip()
        adjacent = not current or not view[lines[current[-1]][1] : s].strip("\n") and view.count(
            "\n", lines[current[-1]][1], s) == 1
        # A title that already ends with its genre word (…的通知) is complete: the next line starts anew.
        complete = current and "".join(view[slice(*lines[k])].strip() for k in current).endswith(GENRE_ENDINGS)
        if current and (not adjacent or complete or _DOC_NUMBER.match(line)):
            runs.append(current)
            current = []
        if _title_like(line) and not (i + 1 < len(lines) and _is_date_line(view[slice(*lines[i + 1])])):
            current.append(i)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    candidates = []
    for run in runs:
        text = "".join(_source_line(tv, *lines[i]) for i in run)
        text = _strip_web_suffix(text)
        folded = "".join(view[slice(*lines[i])].strip() for i in run)
        folded = _strip_web_suffix(folded)
        before_recipients = recipients_at is None or run[0] < recipients_at
        genre = folded.endswith(GENRE_ENDINGS)
        candidates.append((not genre, not before_recipients, run[0], text))
    if not candidates:
        return ""
    candidates.sort()
    return candidates[0][3]


def _source_line(tv: TextView, s: int, e: int) -> str:
    view = tv.view
    while s < e and view[s] == " ":
        s += 1
    while e > s and view[e - 1] == " ":
        e -= 1
    # Spaces inside a wrapped title line are stray; the view has already dropped them.
    return "".join(tv.source[tv.origin[k]] for k in range(s, e))


def _strip_web_suffix(title: str) -> str:
    """"…的通知-欧洲杯网络平台": a site name appended by the web page."""
    m = _WEB_SUFFIX.search(title)
    if m and title[: m.start()].endswith(GENRE_ENDINGS):
        return title[: m.start()]
    return title


def _issuer_from_title(title: str) -> str | None:
    """"赣州市人民政府办公室印发关于…" → the body before 印发/关于/转发 (Traditional titles too)."""
    folded = "".join(fold_char(c) for c in title)
    m = re.match(r"(.{2,30}?)(?:印发|关于|转发)", folded)
    if m and _ISSUER_END.search(m.group(1)):
        return title[: m.end(1)]
    return None


def _basis(tv: TextView, lines) -> tuple[str, ...]:
    view = tv.view
    out: list[str] = []
    for s, e in lines:
        for m in re.finditer(r"《([^《》]{2,120})》", view[s:e]):
            at = s + m.start()
            lead = view[max(s, at - 14) : at]
            if not _BASIS_LEAD.search(lead) or re.search("印发|转发", lead):
                continue
            name = tv.quote(at + 1, s + m.end() - 1)
            if name not in out:
                out.append(name)
    return tuple(out)

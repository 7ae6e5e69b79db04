"""Word .docx → text: the body's paragraphs and tables in document order.

One paragraph is one line (blank paragraphs stay as empty lines); one table row is one line with
its cells joined by a tab. Page headers and footers, text boxes, footnotes and deleted revisions
are left out. Numbers that Word draws itself (list numbering such as 一、 or （一）) are written in
front of their paragraph, so the text reads as the page does.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import docx
from lxml import etree

from taizhang.errors import CorruptDocument, DocumentTooLarge
from taizhang.policy.numerals import int_to_chinese

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 10_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
P, TBL, TR, TC, R = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}r"
VAL = f"{_W}val"
# Containers that only wrap body content (content controls, custom XML, tracked insertions).
_WRAPPERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins", f"{_W}moveTo", f"{_W}smartTag"}
# Parts of a paragraph that are not its visible text.
_SKIPPED = {f"{_W}pPr", f"{_W}rPr", f"{_W}del", f"{_W}moveFrom", f"{_W}sdtPr", _MC_FALLBACK}


def text_of(data: bytes, *, name: str) -> str:
    _refuse_bombs(data, name)
    try:
        document = docx.Document(BytesIO(data))
    except Exception as exc:  # python-docx fails in many ways on a broken package; all mean "unreadable".
        raise CorruptDocument(
            f"文件“{name}”不是有效的 Word 文档（.docx 已损坏或缺少正文部分），无法打开；"
            "请用 Word 打开后重新保存为 .docx 再导入。"
        ) from exc
    numbering = _Numbering(document)
    lines: list[str] = []
    for block in _blocks(document.element.body):
        if block.tag == P:
            lines.append(numbering.label(block) + _paragraph_text(block))
        else:
            lines.extend(_row_line(row) for row in block.iter(TR) if _owner_table(row) is block)
    return "\n".join(lines) + "\n"


def _refuse_bombs(data: bytes, name: str) -> None:
    """Refuse before decompressing anything when the entries would inflate past the limit.

    zipfile never returns more than an entry's declared size, so the declared sizes bound what
    opening the file costs; an entry whose compressed data is larger than its declared size is lying
    about it and is refused too.
    """
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise CorruptDocument(f"文件“{name}”是损坏的压缩文件，不是有效的 Word 文档；请用 Word 重新保存后再导入。") from exc
    total = sum(e.file_size for e in entries)
    lying = any(e.compress_size > e.file_size + 1024 + e.file_size // 100 for e in entries)
    if total > MAX_UNCOMPRESSED_BYTES or len(entries) > MAX_ENTRIES or lying:
        raise DocumentTooLarge(
            f"文件“{name}”解压后超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB（或条目数量异常），"
            "可能是“压缩炸弹”，已拒绝读取；请用 Word 打开后重新保存为 .docx 再导入。"
        )


def _blocks(parent: etree._Element):
    for child in parent:
        if child.tag in (P, TBL):
            yield child
        elif child.tag in _WRAPPERS:
            yield from _blocks(child)


def _owner_table(row: etree._Element) -> etree._Element | None:
    node = row.getparent()
    while node is not None and node.tag != TBL:
        node = node.getparent()
    return node


def _paragraph_text(p: etree._Element) -> str:
    return "".join(_run_texts(p))


def _run_texts(node: etree._Element):
    for child in node:
        if child.tag == R:
            yield from _run_text(child)
        elif child.tag not in _SKIPPED and child.tag != P:
            yield from _run_texts(child)


def _run_text(run: etree._Element):
    for child in run:
        tag = child.tag
        if tag == f"{_W}t":
            yield child.text or ""
        elif tag == f"{_W}tab":
            yield "\t"
        elif tag == f"{_W}br":
            if child.get(f"{_W}type") in (None, "textWrapping"):
                yield "\n"
        elif tag == f"{_W}cr":
            yield "\n"
        elif tag == f"{_W}noBreakHyphen":
            yield "-"


def _row_line(row: etree._Element) -> str:
    cells = []
    for cell in row.iter(TC):
        if _owner_row(cell) is not row:  # a cell of a table nested inside this row
            continue
        merge = cell.find(f"{_W}tcPr/{_W}vMerge")
        if merge is not None and merge.get(VAL, "continue") == "continue":
            cells.append("")  # the rest of a vertically merged cell: its text is in the row above
            continue
        text = "".join(_paragraph_text(p).strip() for p in cell.iter(P))
        cells.append(_single_line(text))
    return "\t".join(cells) if any(cells) else ""


def _single_line(text: str) -> str:
    """A cell's text on one line: whitespace runs become one space, or nothing between Chinese."""
    def space(m: re.Match[str]) -> str:
        before, after = text[m.start() - 1], text[m.end()]
        return "" if not (before.isascii() and after.isascii()) else " "

    text = text.strip()
    return re.sub(r"\s+", space, text)


def _owner_row(cell: etree._Element) -> etree._Element | None:
    node = cell.getparent()
    while node is not None and node.tag != TR:
        node = node.getparent()
    return node


# ---------------------------------------------------------------- list numbering


def _chinese(n: int) -> str:
    return int_to_chinese(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    "decimalFullWidth2": lambda n: str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    "japaneseCounting": _chinese,
    "taiwaneseCounting": _chinese,
    "ideographDigital": lambda n: str(n).translate(str.maketrans("0123456789", "〇一二三四五六七八九")),
    "chineseLegalSimplified": lambda n: int_to_chinese(n, capital=True),
    "ideographLegalTraditional": lambda n: int_to_chinese(n, capital=True),
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "ideographZodiac": lambda n: "子丑寅卯辰巳午未申酉戌亥"[(n - 1) % 12],
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})",
    "decimalEnclosedFullstop": lambda n: chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}.",
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
}
_NO_GAP_AFTER = "、.．)）:：〕】]"


class _Numbering:
    """Renders Word's automatic list numbers, counting per list as Word does."""

    def __init__(self, document) -> None:
        self._document = document
        self._root: etree._Element | None = None
        self._counters: dict[str, list[int | None]] = {}
        self._seen: set[str] = set()

    def label(self, p: etree._Element) -> str:
        found = self._num_pr(p)
        if found is None:
            return ""
        num_id, ilvl = found
        root = self._numbering_root()
        num = root.find(f"{_W}num[@{_W}numId='{num_id}']")
        if num is None:
            return ""
        abstract_id = _val(num.find(f"{_W}abstractNumId"))
        abstract = self._abstract(root, abstract_id)
        if abstract is None:
            return ""
        levels = self._levels(abstract, num)
        level = levels.get(ilvl)
        if level is None or _val(level.find(f"{_W}numFmt")) in ("bullet", "none"):
            return ""
        counters = self._counters.setdefault(abstract_id, [None] * 9)
        if num_id not in self._seen:
            self._seen.add(num_id)
            for override in num.findall(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    lvl = int(override.get(f"{_W}ilvl", "0"))
                    counters[lvl] = int(_val(start)) - 1
        counters[ilvl] = (counters[ilvl] if counters[ilvl] is not None else _start(level) - 1) + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        text = _val(level.find(f"{_W}lvlText")) or ""
        legal = level.find(f"{_W}isLgl") is not None
        for k in range(9):
            if f"%{k + 1}" in text:
                value = counters[k] if counters[k] is not None else _start(levels.get(k))
                fmt = "decimal" if legal else _val(levels[k].find(f"{_W}numFmt")) if k in levels else "decimal"
                text = text.replace(f"%{k + 1}", _FORMATS.get(fmt or "decimal", str)(value))
        suffix = _val(level.find(f"{_W}suff")) or "tab"
        if not text or suffix == "nothing" or text[-1] in _NO_GAP_AFTER:
            return text
        return text + " "

    def _num_pr(self, p: etree._Element) -> tuple[str, int] | None:
        """(numId, level) from the paragraph, else from its style and the styles it is based on."""
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        if num_pr is not None and num_pr.find(f"{_W}numId") is not None:
            num_id = _val(num_pr.find(f"{_W}numId"))
            return (num_id, int(_val(num_pr.find(f"{_W}ilvl")) or 0)) if num_id != "0" else None
        style_id = _val(p.find(f"{_W}pPr/{_W}pStyle"))
        styles = self._document.styles.element
        for _ in range(10):
            if not style_id:
                return None
            style = styles.find(f"{_W}style[@{_W}styleId='{style_id}']")
            if style is None:
                return None
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None and num_pr.find(f"{_W}numId") is not None:
                num_id = _val(num_pr.find(f"{_W}numId"))
                if num_id == "0":
                    return None
                ilvl = _val(num_pr.find(f"{_W}ilvl"))
                return num_id, int(ilvl) if ilvl else self._style_level(num_id, style_id)
            style_id = _val(style.find(f"{_W}basedOn"))
        return None

    def _style_level(self, num_id: str, style_id: str) -> int:
        root = self._numbering_root()
        num = root.find(f"{_W}num[@{_W}numId='{num_id}']")
        abstract = self._abstract(root, _val(num.find(f"{_W}abstractNumId"))) if num is not None else None
        for lvl in abstract.findall(f"{_W}lvl") if abstract is not None else []:
            if _val(lvl.find(f"{_W}pStyle")) == style_id:
                return int(lvl.get(f"{_W}ilvl", "0"))
        return 0

    def _numbering_root(self) -> etree._Element:
        if self._root is None:
            self._root = self._document.part.numbering_part.element
        return self._root

    def _abstract(self, root: etree._Element, abstract_id: str | None) -> etree._Element | None:
        abstract = root.find(f"{_W}abstractNum[@{_W}abstractNumId='{abstract_id}']")
        link = _val(abstract.find(f"{_W}numStyleLink")) if abstract is not None else None
        if link:  # the list is defined by a numbering style: follow it once
            style = self._document.styles.element.find(f"{_W}style[@{_W}styleId='{link}']")
            num_id = _val(style.find(f"{_W}pPr/{_W}numPr/{_W}numId")) if style is not None else None
            num = root.find(f"{_W}num[@{_W}numId='{num_id}']") if num_id else None
            linked_id = _val(num.find(f"{_W}abstractNumId")) if num is not None else None
            abstract = root.find(f"{_W}abstractNum[@{_W}abstractNumId='{linked_id}']") if linked_id else None
        return abstract

    @staticmethod
    def _levels(abstract: etree._Element, num: etree._Element) -> dict[int, etree._Element]:
        levels = {int(lvl.get(f"{_W}ilvl", "0")): lvl for lvl in abstract.findall(f"{_W}lvl")}
        for override in num.findall(f"{_W}lvlOverride"):
            lvl = override.find(f"{_W}lvl")
            if lvl is not None:
                levels[int(override.get(f"{_W}ilvl", "0"))] = lvl
        return levels


def _val(element: etree._Element | None, attribute: str = "val") -> str | None:
    return None if element is None else element.get(f"{_W}{attribute}")


def _start(level: etree._Element | None) -> int:
    start = _val(level.find(f"{_W}start")) if level is not None else None
    return int(start) if start and start.lstrip("-").isdigit() else 1

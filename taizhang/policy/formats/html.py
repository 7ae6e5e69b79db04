"""A web page saved from a government site → the text of its article.

The article is found by the containers that government publishing systems use (div#zoom,
div.TRS_Editor, …), else by where the Chinese text is densest. Scripts, navigation, breadcrumbs,
share bars, related links and footers are dropped. Block elements become line breaks and a table
row becomes one line with its cells joined by a tab. When the article container does not repeat
the page's heading, the heading is written as the first line.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from taizhang.errors import UndecodableDocument

# In order of preference; the first that holds real text wins.
_CONTAINERS = (
    "//*[@id='zoom']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' article-content ')]",
    "//*[@id='UCAP-CONTENT']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' pages_content ')]",
    "//*[@id='content']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' content ')]",
    "//article",
)
MIN_ARTICLE_CJK = 50

_NEVER_TEXT = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas")
_CHROME = ("nav", "footer", "aside", "form", "button", "select", "input", "textarea", "head")
_NOISE = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|breadcrumbs?|crumbs?|position|location|dqwz|footer|share|bdshare|fenxiang|"
    r"related|xglj|sidebar|copyright|banquan|print|dayin|toolbar|comment|pager|search|login|logo|banner)(?:$|[-_\s\d])",
    re.I,
)
_NOISE_TEXT = re.compile(r"^\s*(?:相关链接|相关文件|相关阅读|相关新闻|相关信息|当前位置|您现在的位置|【?打印|【?关闭|分享到)")
_BLOCKS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "tbody", "thead", "tfoot",
    "section", "article", "main", "blockquote", "pre", "dd", "dt", "dl", "center", "hr", "address", "figure",
    "figcaption", "caption", "body", "html",
}
_CELLS = {"td", "th"}
_SEGMENT_BREAK = "\x00"  # stands for a line break in the markup until its neighbours are known
_BLOCK = "\x01"  # the edge of a block element
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CJK = re.compile("[\u3400-\u9fff]")


def text_of(data: bytes, *, name: str) -> str:
    root = _parse(_decode(data, name))
    _drop(root, _NEVER_TEXT)
    container = _container(root)
    heading = _heading(container)
    _drop(container, _CHROME)
    _drop_noise(container)
    lines = _lines(container)
    if heading and _squeeze(heading) not in _squeeze("".join(lines[:8])):
        lines.insert(0, heading)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- bytes → tree


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    declared = _CHARSET.search(data[:8192])
    candidates = ["utf-8", "gb18030", "big5"]
    if declared:
        label = declared.group(1).decode("ascii").lower()
        label = "gb18030" if label in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936") else label
        candidates.insert(0, label)
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise UndecodableDocument(f"网页“{name}”的字符编码无法识别（已尝试 UTF-8、GB18030、Big5）；请另存为 UTF-8 编码后再导入。")


def _parse(text: str) -> etree._Element:
    # The HTML parser never fetches anything: no network, no DTDs, no external entities.
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses str input that declares an encoding
    return lxml.html.document_fromstring(text, parser=parser)


def _remove(element: etree._Element) -> None:
    """Remove an element but keep the text that follows it inside its parent."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _drop(root: etree._Element, tags) -> None:
    for element in list(root.iter(*tags)):
        if element is not root:
            _remove(element)


def _drop_noise(root: etree._Element) -> None:
    for element in list(root.iter()):
        if element is root or not isinstance(element.tag, str) or element.getparent() is None:
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        hidden = re.search(r"display\s*:\s*none", element.get("style", ""), re.I)
        site_header = element.tag == "header" and element.find(".//h1") is None and element.find(".//h2") is None
        labelled = element.tag not in ("p", "span", "td") and _NOISE_TEXT.match(_opening(element))
        if _NOISE.search(marks) or hidden or site_header or (labelled and len(element.text_content()) < 2000):
            _remove(element)


def _opening(element: etree._Element, size: int = 20) -> str:
    """The first characters of an element's text, without building all of it."""
    out = ""
    for piece in element.itertext():
        out += piece
        if len(out) >= size:
            break
    return out[:size]


# ---------------------------------------------------------------- where the article is


def _cjk(text: str) -> int:
    return len(_CJK.findall(text))


def _container(root: etree._Element) -> etree._Element:
    for xpath in _CONTAINERS:
        found = [e for e in root.xpath(xpath) if _cjk(e.text_content()) >= MIN_ARTICLE_CJK]
        if found:
            return max(found, key=lambda e: _cjk(e.text_content()))
    return _densest(root)


def _densest(root: etree._Element) -> etree._Element:
    """The element whose own paragraphs hold the most Chinese text, discounting link lists."""
    scores: dict[etree._Element, float] = {}
    for node in root.iter("p", "td", "pre", "div", "li", "section"):
        if _is_noise(node):
            continue
        own = (node.text or "") + "".join(child.tail or "" for child in node)
        if node.tag == "div" and _cjk(own) < 10:
            continue
        chars = _cjk(node.text_content()) if node.tag != "div" else _cjk(own)
        if chars < 10:
            continue
        for weight, ancestor in ((1.0, node.getparent()), (0.5, _grandparent(node))):
            if ancestor is not None:
                scores[ancestor] = scores.get(ancestor, 0.0) + weight * chars
    if not scores:
        return root.find("body") if root.find("body") is not None else root
    for element in scores:
        links = sum(_cjk(a.text_content()) for a in element.iter("a"))
        scores[element] *= 1 - min(1.0, links / max(1, _cjk(element.text_content())))
    return max(scores, key=scores.get)


def _grandparent(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    return parent.getparent() if parent is not None else None


def _is_noise(node: etree._Element) -> bool:
    for element in (node, *node.iterancestors()):
        if element.tag in _CHROME or _NOISE.search(f"{element.get('class', '')} {element.get('id', '')}"):
            return True
    return False


def _heading(container: etree._Element) -> str | None:
    """The article's heading printed just before its container (h1/h2 or a title class), looked for
    in the article's own wrappers, never in the page's banner."""
    inside = set(container.iter())
    ancestor = container.getparent()
    for _ in range(3):
        if ancestor is None or ancestor.tag in ("body", "html"):
            return None
        before = []
        for element in ancestor.iter():
            if element is container:
                break
            if element in inside or not isinstance(element.tag, str) or _is_noise(element):
                continue
            titled = re.search(r"(?:^|[-_\s])(?:article-title|arti_title|title)(?:$|[-_\s])", element.get("class", ""))
            if element.tag in ("h1", "h2") or titled:
                text = " ".join(element.text_content().split())
                if _cjk(text) >= 2:
                    before.append(text)
        if before:
            return before[-1]
        ancestor = ancestor.getparent()
    return None


# ---------------------------------------------------------------- tree → lines


def _lines(container: etree._Element) -> list[str]:
    parts: list[str] = []
    _render(container, parts)
    # As a browser lays out lines: a <br> always ends the line, the edge of a block only ends a line
    # that has something on it.
    lines, current = [], ""
    for piece in re.split(f"(\n|{_BLOCK})", _resolve_breaks("".join(parts))):
        if piece == "\n" or (piece == _BLOCK and current.strip(" \u3000\xa0")):
            lines.append(current.strip(" \u3000\xa0"))
            current = ""
        elif piece == _BLOCK:
            current = ""
        else:
            current += piece
    lines.append(current.strip(" \u3000\xa0"))
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _render(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "br":
        parts.append("\n")
    elif tag == "tr" and not _is_layout_row(element):
        cells = [_cell_text(cell) for cell in element if cell.tag in _CELLS]
        parts.append(_BLOCK + "\t".join(cells) + _BLOCK)
    else:
        block = tag in _BLOCKS or tag in _CELLS
        if block:
            parts.append(_BLOCK)
        parts.append(_inline(element.text))
        for child in element:
            _render(child, parts)
            parts.append(_inline(child.tail))
        if block:
            parts.append(_BLOCK)


def _is_layout_row(row: etree._Element) -> bool:
    """A row used for page layout: one cell, or a cell holding a whole table."""
    cells = [cell for cell in row if cell.tag in _CELLS]
    return len(cells) <= 1 or any(cell.find(".//table") is not None for cell in cells)


def _cell_text(cell: etree._Element) -> str:
    parts: list[str] = []
    _render(cell, parts)
    text = _resolve_breaks("".join(parts)).replace("\n", "").replace(_BLOCK, "")
    return " ".join(text.split())


def _inline(text: str | None) -> str:
    """Whitespace as a browser treats it: runs collapse to one space; a run with a line break in it
    is remembered as a segment break, which disappears between Chinese characters."""
    if not text:
        return ""
    text = text.replace("\r", "")
    return re.sub(r"[ \t\n\f]+", lambda m: _SEGMENT_BREAK if "\n" in m.group() else " ", text)


def _resolve_breaks(text: str) -> str:
    def replace(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() > 0 else "\n"
        after = text[m.end()] if m.end() < len(text) else "\n"
        return "" if _is_wide(before) and _is_wide(after) else " "

    text = re.sub(f"[{_SEGMENT_BREAK} ]*{_SEGMENT_BREAK}[{_SEGMENT_BREAK} ]*", replace, text)
    return re.sub(" {2,}", " ", text)


def _is_wide(ch: str) -> bool:
    return bool(_CJK.match(ch)) or ch in f"，。、；：？！（）《》“”‘’〔〕【】…—\n\t{_BLOCK}"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)

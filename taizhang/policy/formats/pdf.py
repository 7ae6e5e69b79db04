"""PDF with a text layer → text: one paragraph per line, page furniture removed.

Characters are grouped into printed lines by position. Page numbers ("— 3 —", "第3页 共10页") and
running headers or footers repeated on most pages are dropped. A printed line that reaches the
right margin continues on the next one (also across a page break) unless the next line is indented
or starts a numbered item or a label (牵头单位：…). Spaces are kept only between Latin words, never
next to Chinese characters.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from taizhang.errors import CorruptDocument, EncryptedDocument, ScannedDocument
from taizhang.policy.segment import LABEL_LINE, is_date_line, match_marker

# pdfminer warns about every font without a bounding box; that says nothing about the text.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_PAGE_NUMBER = re.compile(
    r"^[-—–－_·•\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–－_·•\s]*$"
    r"|^page\s*\d{1,4}(?:\s*of\s*\d{1,4})?$",
    re.I,
)
_SENTENCE_END = "。；;：:！!？?"
_LABEL = re.compile(r"^[^，。,.；;]{2,10}[：:]")  # 牵头单位：… (a colon, not 责任单位。 at a line start)
FURNITURE_LINES = 2  # how many lines at the top and at the bottom of a page can be header/footer

# CJK fonts (Source Han / Noto CJK, used by most PDF producers on Linux) draw some ideographs with
# the same glyph as a radical or a rarer character, and PDF writers that build the text layer from
# the font (Chromium/Skia among them) then name the glyph by the lowest code point: 人 comes out as
# the Kangxi radical ⼈, 民 as ⺠, ／ as ∕. Kangxi radicals fold by NFKC; the rest are listed here.
_GLYPH_TWINS = str.maketrans({
    **dict(zip(
        "⺂⺃⺅⺉⺋⺎⺏⺐⺒⺓⺔⺕⺖⺘⺙⺛⺞⺟⺠⺡⺣⺤⺦⺨⺫⺭⺯⺰⺱⺲⺳⺹⺺⺾⻁⻂⻃⻅⻆⻈⻉⻋⻌⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻮⻯⻰⻱⻲⻳",
        "乛乚亻刂㔾兀尣尢巳幺彑彐忄扌攵旡歺母民氵灬爫丬犭罒礻糹纟罓罒㓁耂肀艹虎衤覀见角讠贝车辶钅長镸长门阝青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐齿竜龙龜亀龟",
        strict=True,
    )),
    "⼾": "户", "∕": "／", "〜": "～", "〈": "〈", "〉": "〉", "㬵": "胶", "㫚": "曶", "㬺": "幐", "㮣": "槩",
})


@dataclass
class Line:
    """One printed line: its text and where it sits (PDF points; ``middle`` grows down the page)."""

    text: str
    x0: float
    x1: float
    middle: float
    size: float
    page: int


def text_of(data: bytes, *, name: str) -> str:
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            pages = [_page_lines(page, n) for n, page in enumerate(pdf.pages)]
            has_images = any(page.images for page in pdf.pages)
    except (PdfminerException, PDFSyntaxError, PDFEncryptionError, PDFPasswordIncorrect) as exc:
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise EncryptedDocument(
                f"文件“{name}”是加密的 PDF，需要密码才能打开；请提供未加密的文件（或另存为不带密码的 PDF）。"
            ) from exc
        raise _corrupt(name) from exc
    except Exception as exc:  # pdfminer fails in many ways on a damaged file; all mean "unreadable".
        raise _corrupt(name) from exc
    visible = sum(len(line.text) for lines in pages for line in lines)
    unmapped = sum(line.text.count("\ufffd") for lines in pages for line in lines)
    if has_images and visible < 20 * len(pages):
        raise ScannedDocument(
            f"文件“{name}”是扫描件，没有可提取的文字层；请提供带文字的 PDF 或先做文字识别(OCR)。"
        )
    if visible == 0:
        raise ScannedDocument(
            f"文件“{name}”的页面上没有可提取的文字（可能是空白页或文字已转为图形）；请提供带文字的 PDF 或先做文字识别(OCR)。"
        )
    if unmapped > visible * 0.3:
        raise ScannedDocument(
            f"文件“{name}”的文字层无法识别（字体没有字符编码）；请提供带文字的 PDF、.docx，或先做文字识别(OCR)。"
        )
    body = remove_furniture(pages)
    return "\n".join(paragraphs([line for lines in body for line in lines])) + "\n"


def _corrupt(name: str) -> CorruptDocument:
    return CorruptDocument(
        f"文件“{name}”看起来是 PDF，但文件已损坏，无法读取；请重新导出 PDF 或另存为 .docx/.txt 后再导入。"
    )


# ---------------------------------------------------------------- characters → printed lines


def _page_lines(page, number: int) -> list[Line]:
    chars = [
        c for c in page.dedupe_chars().chars
        if c.get("upright", True) and c["text"].strip() and c["x1"] > 0 and c["x0"] < page.width
    ]
    chars.sort(key=lambda c: (c["top"] + c["bottom"]) / 2)
    rows: list[list[dict]] = []
    for c in chars:
        mid = (c["top"] + c["bottom"]) / 2
        if rows and abs(mid - rows[-1][-1]["_mid"]) <= max(c["size"], 1) * 0.5:
            rows[-1].append({**c, "_mid": rows[-1][-1]["_mid"]})
        else:
            rows.append([{**c, "_mid": mid}])
    return [_line(sorted(row, key=lambda c: c["x0"]), number) for row in rows]


def _line(chars: list[dict], page: int) -> Line:
    sizes = sorted(c["size"] for c in chars)
    size = sizes[len(sizes) // 2] or 10.0
    out: list[str] = []
    previous = None
    for c in chars:
        text = _char_text(c["text"])
        if previous is not None and text:
            gap = c["x0"] - previous["x1"]
            if gap > 2 * size:
                out.append("\t")  # a wide gap on one line separates table columns
            elif gap > 0.2 * size and not (_wide(out[-1][-1:]) or _wide(text[:1])):
                out.append(" ")
        out.append(text)
        previous = c
    text = "".join(out).strip()
    return Line(text=text, x0=chars[0]["x0"], x1=chars[-1]["x1"], middle=chars[0]["_mid"], size=size, page=page)


def _char_text(text: str) -> str:
    if text.startswith("(cid:"):
        return "\ufffd"  # a glyph without a character code
    if "\u2f00" <= text <= "\u2fdf" and text != "⼾":
        return unicodedata.normalize("NFKC", text)
    return text.translate(_GLYPH_TWINS)


def _wide(ch: str) -> bool:
    return bool(ch) and not ch.isascii() and unicodedata.east_asian_width(ch) in "WFA"


# ---------------------------------------------------------------- page furniture


def remove_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop page numbers and the header/footer lines repeated on most pages."""
    def edges(lines: list[Line]) -> list[Line]:
        return lines[:FURNITURE_LINES] + lines[-FURNITURE_LINES:]

    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))

    counts: dict[str, int] = {}
    for lines in pages:
        for k in {key(line) for line in edges(lines)}:
            counts[k] = counts.get(k, 0) + 1
    enough = max(2, (len(pages) + 1) // 2)
    repeated = {k for k, n in counts.items() if n >= enough and len(k) <= 60}
    out = []
    for lines in pages:
        furniture = {
            id(line) for line in edges(lines)
            if key(line) in repeated or _PAGE_NUMBER.match(unicodedata.normalize("NFKC", line.text))
        }
        out.append([line for line in lines if id(line) not in furniture])
    return out


# ---------------------------------------------------------------- printed lines → paragraphs


def paragraphs(lines: list[Line]) -> list[str]:
    """Join printed lines that wrap inside one paragraph; one paragraph per item. Between two
    paragraphs, a vertical gap of about an empty line is kept as an empty line."""
    if not lines:
        return []
    x0s = sorted(line.x0 for line in lines)
    x1s = sorted((line.x1 for line in lines), reverse=True)
    left = x0s[len(x0s) // 20]
    right = x1s[len(x1s) // 20]
    # Line spacing in font sizes; the low end of the steps, since many steps may skip empty lines.
    steps = sorted(
        (b.middle - a.middle) / a.size
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page and b.middle > a.middle
    )
    spacing = max(1.0, steps[len(steps) // 5]) if steps else 0.0
    out: list[str] = []
    previous: Line | None = None
    for line in lines:
        step = (line.middle - previous.middle) / previous.size if previous and previous.page == line.page else 0.0
        gap = spacing > 0 and step > 1.6 * spacing  # an empty line's worth
        spaced = spacing > 0 and step > 1.25 * spacing  # paragraphs set apart by spacing, not indent
        if previous is not None and not spaced and _continues(previous, line, left, right):
            glue = " " if out[-1][-1:].isascii() and out[-1][-1:].isalnum() and line.text[:1].isascii() else ""
            out[-1] += glue + line.text
        else:
            if gap:
                out.append("")
            out.append(line.text)
        previous = line
    return out


def _continues(previous: Line, line: Line, left: float, right: float) -> bool:
    """A printed line goes on in the next one when it reaches the right margin, and the next one is
    not indented and does not start a numbered item or a label. A line that ends a sentence must
    reach the margin closely; one that stops mid-sentence may fall short by a few characters (lines
    are not broken before closing punctuation or inside a number)."""
    if "\t" in previous.text or "\t" in line.text:
        return False  # a table row stands on its own line
    slack = 1.5 if previous.text[-1:] in _SENTENCE_END else 3.5
    reaches_right = previous.x1 >= right - slack * previous.size
    indented = line.x0 > left + 0.8 * line.size
    return reaches_right and not indented and not _starts_block(unicodedata.normalize("NFKC", line.text))


def _starts_block(line: str) -> bool:
    if match_marker(line, 0) or is_date_line(line):
        return True
    return bool(LABEL_LINE.match(line)) and bool(_LABEL.match(line))

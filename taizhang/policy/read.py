"""The only I/O of the parser: a file's bytes → the document's text.

The format is told by content, never by the file name: .docx, .pdf with a text layer and saved
web pages are turned into text by ``taizhang.policy.formats``; anything else is plain text, decoded
by its byte-order mark, else strict UTF-8, else GB18030 (which covers GBK and GB2312), else Big5
for Traditional documents. Formats we cannot read, and binary, empty or oversized input, are
refused with a message that names the file.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from taizhang.errors import (
    BinaryDocument,
    CorruptDocument,
    DocumentTooLarge,
    EmptyDocument,
    UndecodableDocument,
    UnsupportedFormat,
)
from taizhang.policy.formats import docx, html, pdf

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

_READERS = {"docx": docx.text_of, "pdf": pdf.text_of, "html": html.text_of}

# What to tell the user about a format we recognise but do not read.
_UNSUPPORTED = {
    "ole": "旧版 Word/Excel（.doc/.xls）格式，请另存为 .docx 或 .txt 后再导入",
    "xlsx": "Excel 表格（.xlsx），不是公文；请把政策文件另存为 .docx、.pdf 或 .txt 后再导入",
    "pptx": "PowerPoint 演示文稿（.pptx），请把政策文件另存为 .docx、.pdf 或 .txt 后再导入",
    "odt": "OpenDocument 文档（.odt/.wps 另存格式），请另存为 .docx 或 .txt 后再导入",
    "ofd": "OFD 版式文件，请另存为 PDF（带文字层）或 .docx 后再导入",
    "zip": "压缩包（zip），不是 Word 文档；请解压后导入其中的 .docx、.pdf 或 .txt 文件",
    "archive": "压缩包，请解压后导入其中的 .docx、.pdf 或 .txt 文件",
    "rtf": "RTF 格式，请另存为 .docx 或 .txt 后再导入",
    "image": "图片，没有可提取的文字；请提供带文字的 PDF、.docx 或 .txt，或先做文字识别(OCR)",
}

_HTML_START = re.compile(rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|title|body)\b", re.I | re.S)


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    format: str  # "txt", "docx", "pdf" or "html"
    encoding: str | None = None


def read_document(path: str | Path) -> Document:
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise _too_large(path.name, size)
    return read_bytes(path.read_bytes(), name=path.name)


def read_bytes(data: bytes, *, name: str) -> Document:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _too_large(name, len(data))
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise EmptyDocument(f"文件“{name}”是空的，没有可解析的内容。")
    kind = sniff(data)
    if kind in _READERS:
        text = _READERS[kind](data, name=name)
        if not text.strip():
            raise EmptyDocument(f"文件“{name}”中没有文字内容，无法解析。")
        return Document(name=name, text=text, format=kind)
    if kind in _UNSUPPORTED:
        raise UnsupportedFormat(f"文件“{name}”是{_UNSUPPORTED[kind]}。")
    if kind == "broken-zip":
        raise CorruptDocument(
            f"文件“{name}”是损坏的压缩文件（.docx 也是一种 zip 压缩包），无法打开；请用 Word 重新保存后再导入。"
        )
    text, encoding = decode_text(data, name=name)
    return Document(name=name, text=text, format="txt", encoding=encoding)


def sniff(data: bytes) -> str:
    """The format by content, not by file name.

    One of "txt", "docx", "pdf", "html", or a format we do not read: "ole" (.doc/.xls), "xlsx",
    "pptx", "odt", "ofd", "zip", "broken-zip", "archive", "rtf", "image".
    """
    head = data[:16]
    if head.lstrip(b"\r\n\t ").startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")) or (
        (head.startswith(b"RIFF") and head[8:12] == b"WEBP") or (head.startswith(b"BM") and head[6:10] == bytes(4))
    ):
        return "image"
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return "archive"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if _HTML_START.match(data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")):
        return "html"
    return "txt"


def _zip_kind(data: bytes) -> str:
    """Office Open XML and other zip-based formats, told apart by their member names."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        return "broken-zip"
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    if "OFD.xml" in names:
        return "ofd"
    if "mimetype" in names and "content.xml" in names:
        return "odt"
    return "zip"


def _too_large(name: str, size: int) -> DocumentTooLarge:
    return DocumentTooLarge(
        f"文件“{name}”有 {size / 1024 / 1024:.1f} MB，超过了 {MAX_DOCUMENT_BYTES // 1024 // 1024} MB 的上限；"
        "请删去附件或图片后再导入。"
    )


def decode_text(data: bytes, *, name: str) -> tuple[str, str]:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="strict"), name), encoding
    if b"\x00" in data:
        # UTF-16 without a byte-order mark: Chinese text decodes to mostly CJK in one byte order.
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _cjk_share(text) > 0.3:
                return _checked(text, name), encoding
        raise BinaryDocument(f"文件“{name}”是二进制文件，不是文本文档；请提供 .txt/.docx/.pdf/.html 格式的政策文件。")
    for encoding in ("utf-8", "gb18030", "big5"):
        try:
            return _checked(data.decode(encoding), name), encoding
        except UnicodeDecodeError:
            continue
    raise UndecodableDocument(f"文件“{name}”的字符编码无法识别（已尝试 UTF-8、GB18030、Big5）；请另存为 UTF-8 编码后再导入。")


def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for c in text if "\u3400" <= c <= "\u9fff") / len(text)


def _checked(text: str, name: str) -> str:
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
    if controls > max(8, len(text) // 200):
        raise BinaryDocument(f"文件“{name}”含有大量控制字符，看起来是二进制文件而不是文本文档。")
    if not text.strip():
        raise EmptyDocument(f"文件“{name}”是空的，没有可解析的内容。")
    return text

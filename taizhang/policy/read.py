"""The only I/O of the parser: a file's bytes → the document's text.

Plain text is decoded by its byte-order mark, else strict UTF-8, else GB18030 (which covers GBK
and GB2312), else Big5 for Traditional documents. Binary or empty input is refused with a message
that names the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from taizhang.errors import BinaryDocument, EmptyDocument, UndecodableDocument, UnsupportedFormat

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    format: str  # "txt", later "docx", "pdf", "html"
    encoding: str | None = None


def read_document(path: str | Path) -> Document:
    path = Path(path)
    return read_bytes(path.read_bytes(), name=path.name)


def read_bytes(data: bytes, *, name: str) -> Document:
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise EmptyDocument(f"文件“{name}”是空的，没有可解析的内容。")
    kind = sniff(data)
    if kind != "txt":
        raise UnsupportedFormat(f"文件“{name}”是 {kind} 格式，暂不支持；请另存为 .txt 后再导入。")
    text, encoding = decode_text(data, name=name)
    return Document(name=name, text=text, format="txt", encoding=encoding)


def sniff(data: bytes) -> str:
    """The format by content, not by file name."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    return "txt"


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

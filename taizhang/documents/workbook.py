"""Opening an uploaded workbook safely (pure): what the bytes really are is decided before openpyxl
sees them.

Refused, each with its own message: an empty or oversized file; an .xls or a password-protected
workbook (both OLE compound files); a CSV or other text renamed .xlsx; a zip that is not a workbook,
carries macros, encrypted entries or too many entries; a zip bomb (declared sizes are checked, and
``zipfile`` never inflates an entry past its declared size); XML with entity declarations.
openpyxl parses with defusedxml when it is installed, and so does the check here.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from openpyxl import Workbook, load_workbook

from taizhang.errors import (
    CorruptDocument,
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    UnsupportedFormat,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_ENTRIES = 500
MAX_UNCOMPRESSED = 64 * 1024 * 1024
MAX_RATIO = 100  # deflate of real sheets stays far below this; bombs reach 1000 and more
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f}MB"


def open_workbook(data: bytes, *, name: str, max_bytes: int) -> Workbook:
    """The workbook in ``data``, or a DocumentError saying in Chinese why it cannot be read."""
    if not data:
        raise EmptyDocument(f"文件“{name}”是空的。")
    if len(data) > max_bytes:
        raise DocumentTooLarge(f"文件“{name}”大小为{_mb(len(data))}，超过上传上限{_mb(max_bytes)}。")
    if data.startswith(OLE_MAGIC):
        if any(marker in data for marker in _ENCRYPTED_MARKERS):
            raise EncryptedDocument(f"工作簿“{name}”设置了打开密码（已加密），无法读取：请在 Excel 中清除打开密码后另存为 .xlsx 再上传。")
        raise UnsupportedFormat(f"文件“{name}”是旧版 Excel 97-2003 工作簿（.xls），请使用下载的 .xlsx 模板填写后上传。")
    if not data.startswith(ZIP_MAGIC):
        if _looks_like_text(data):
            raise UnsupportedFormat(f"文件“{name}”是文本文件（如 CSV），不是 Excel 工作簿：请使用下载的 .xlsx 模板填写后上传。")
        raise UnsupportedFormat(f"文件“{name}”不是 Excel 工作簿（.xlsx），请使用下载的模板填写后上传。")
    _check_package(data, name)
    try:
        return load_workbook(BytesIO(data), data_only=False, keep_links=False, keep_vba=False)
    except Exception:  # openpyxl raises many kinds on malformed parts; to the user all are one condition
        raise CorruptDocument(f"工作簿“{name}”已损坏，无法打开：请重新下载模板填写。") from None


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return all(c.isprintable() or c in "\r\n\t" for c in text.rstrip("\x00"))
    return False


def _check_package(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            infos = package.infolist()
            _check_entries(infos, name)
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                kind = "Word 文档" if "word/document.xml" in names else "普通压缩包"
                raise UnsupportedFormat(f"文件“{name}”是{kind}，不是 Excel 工作簿，请使用下载的 .xlsx 模板。")
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise UnsupportedFormat(f"工作簿“{name}”含有宏代码，不允许上传：请另存为不含宏的 .xlsx。")
            fromstring(package.read("xl/workbook.xml"))
    except zipfile.BadZipFile:
        raise CorruptDocument(f"文件“{name}”是损坏的压缩文件，无法作为 Excel 工作簿打开。") from None
    except (DefusedXmlException, SyntaxError):  # ParseError derives from SyntaxError
        raise CorruptDocument(f"工作簿“{name}”的内部结构无效或含有不安全的 XML 内容，已拒绝。") from None


def _check_entries(infos: list[zipfile.ZipInfo], name: str) -> None:
    if len(infos) > MAX_ENTRIES:
        raise CorruptDocument(f"文件“{name}”包含{len(infos)}个内部文件，远超 Excel 工作簿的正常数量，已拒绝。")
    if any(i.flag_bits & 0x1 for i in infos):
        raise EncryptedDocument(f"工作簿“{name}”的内容已加密，无法读取：请清除密码后再上传。")
    total = sum(i.file_size for i in infos)
    inflated = any(i.file_size > 2**20 and i.file_size > MAX_RATIO * max(1, i.compress_size) for i in infos)
    if total > MAX_UNCOMPRESSED or inflated:
        raise CorruptDocument(f"文件“{name}”解压后达{_mb(total)}，压缩比异常，疑似压缩炸弹，已拒绝。")

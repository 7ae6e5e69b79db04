"""Pure: what an uploaded file really is, judged by its bytes, and whether evidence may be stored.

Allowed evidence: PDF, Word/Excel (OOXML, without macros), JPEG and PNG. A renamed executable, a
macro-enabled workbook or an archive is refused whatever its name says.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO

from taizhang.errors import DocumentTooLarge, ValidationFailed

MAX_ZIP_ENTRIES = 2000
MAX_UNCOMPRESSED = 100 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str
    label: str


PDF = Kind("pdf", "application/pdf", "PDF")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档")
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格")
JPEG = Kind("jpg", "image/jpeg", "JPEG 图片")
PNG = Kind("png", "image/png", "PNG 图片")
ALLOWED = "PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG"


def evidence_kind(data: bytes, *, name: str, max_bytes: int) -> Kind:
    """The kind of an evidence file, or ValidationFailed saying why it cannot be stored."""
    if not data:
        raise ValidationFailed(f"附件“{name}”是空文件。")
    if len(data) > max_bytes:
        raise DocumentTooLarge(f"附件“{name}”大小为{len(data) / 2**20:.1f}MB，超过上限{max_bytes / 2**20:.0f}MB。")
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        return _office(data, name)
    if data.startswith((b"MZ", b"\x7fELF", b"#!")):
        raise ValidationFailed(f"附件“{name}”是可执行程序，不允许上传。")
    raise ValidationFailed(f"附件“{name}”的文件类型不支持（按内容识别），只接受{ALLOWED}。")


def _office(data: bytes, name: str) -> Kind:
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
                raise ValidationFailed(f"附件“{name}”解压后过大，疑似压缩炸弹，已拒绝。")
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        raise ValidationFailed(f"附件“{name}”是损坏的压缩文件，无法识别。") from None
    if "[Content_Types].xml" not in names:
        raise ValidationFailed(f"附件“{name}”是压缩包，不是 Word/Excel 文档，只接受{ALLOWED}。")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ValidationFailed(f"附件“{name}”含有宏代码（启用宏的文档），不允许上传；请另存为不含宏的 .docx/.xlsx。")
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    raise ValidationFailed(f"附件“{name}”的文件类型不支持，只接受{ALLOWED}。")

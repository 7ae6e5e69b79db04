"""Evidence uploads: the type is judged by content (PDF, OOXML without macros, JPEG, PNG); renamed
programs, macro documents, bare archives and archive bombs are refused before anything is
extracted; files are stored outside the web root under generated names and come back as downloads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook
from PIL import Image

from taizhang.errors import DocumentTooLarge, ValidationFailed
from taizhang.reporting.uploads import DOCX, JPEG, PDF, PNG, XLSX, evidence_kind
from taizhang.web import app as web_app
from tests.security.conftest import csrf_of

MB = 2**20


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, fmt)
    return buffer.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _with_macro(document: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(document)) as src, zipfile.ZipFile(buffer, "w") as out:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        out.writestr("word/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7\n" + b"0" * 100, PDF), (_image("PNG"), PNG), (_image("JPEG"), JPEG), (_docx(), DOCX), (_xlsx(), XLSX),
])
def test_allowed_kinds_are_recognised_by_content_whatever_the_name(data, kind):
    assert evidence_kind(data, name="材料.bin", max_bytes=20 * MB) is kind


@pytest.mark.parametrize(("data", "reason"), [
    (b"MZ\x90\x00" + bytes(200), "可执行程序"),
    (b"\x7fELF" + bytes(200), "可执行程序"),
    (b"#!/bin/sh\nrm -rf /\n", "可执行程序"),
    (_with_macro(_docx()), "宏"),
    (_zip({"readme.txt": b"hello"}), "压缩包"),
    (_zip({"[Content_Types].xml": b"<x/>", "word/big.xml": bytes(101 * MB)}), "压缩炸弹"),
    (_zip({"[Content_Types].xml": b"<x/>", **{f"word/{n}.xml": b"" for n in range(2001)}}), "压缩炸弹"),
    (b"<html><script>alert(1)</script></html>", "类型不支持"),
    (b"", "空文件"),
])
def test_dangerous_or_unknown_files_are_refused_with_the_reason(data, reason):
    with pytest.raises(ValidationFailed, match=reason):
        evidence_kind(data, name="名单.pdf", max_bytes=20 * MB)


def test_a_file_over_20_mb_is_refused_as_too_large():
    with pytest.raises(DocumentTooLarge, match="超过上限20MB"):
        evidence_kind(b"%PDF-" + bytes(20 * MB), name="扫描件.pdf", max_bytes=20 * MB)


def _upload(client, task_id: int, name: str, data: bytes):
    page = client.get(f"/tasks/{task_id}")
    return client.post(f"/tasks/{task_id}/report", data={"csrf_token": csrf_of(page.text), "period": "2020-09",
                                                          "progress": "附佐证", "action": "save"},
                       files={"attachment": (name, data, "application/pdf")}, follow_redirects=False)


def test_uploads_are_stored_outside_the_web_root_and_downloaded_as_attachments(site):
    client = site.login("renshe")
    task_id = client.get("/api/v1/tasks", params={"q": "见习"}).json()["items"][0]["id"]
    response = _upload(client, task_id, "../../static/evil.html.png", _image("PNG"))
    assert response.status_code == 303
    stored = [p for p in Path(site.settings.data_dir, "attachments").iterdir()]
    assert len(stored) == 1 and stored[0].suffix == ".png" and "evil" not in stored[0].name
    static = Path(web_app.__file__).with_name("static")
    assert not any(static.rglob("evil*")) and static not in stored[0].parents
    reports = client.get(f"/api/v1/tasks/{task_id}/reports").json()
    [attachment] = [a for r in reports for a in r.get("attachments", [])] or [None]
    download = client.get(f"/api/v1/attachments/{attachment['id']}")
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-type"] == "image/png"  # judged by content, not by the client


def test_a_renamed_program_is_refused_and_nothing_is_stored(site):
    client = site.login("renshe")
    task_id = client.get("/api/v1/tasks", params={"q": "见习"}).json()["items"][0]["id"]
    response = _upload(client, task_id, "进展佐证.pdf", b"MZ\x90\x00" + bytes(500))
    assert response.status_code == 422 and "可执行程序" in response.text
    assert not Path(site.settings.data_dir, "attachments").exists() or \
        not any(Path(site.settings.data_dir, "attachments").iterdir())

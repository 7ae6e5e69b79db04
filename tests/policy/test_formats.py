"""Every input format, exercised on real policy text: .docx, PDF with a text layer, saved web pages.

A document saved as .docx, printed to PDF or published as a web page must parse exactly as its
plain text does (offsets aside: they index a different text). Formats we cannot read, and hostile
or broken files, are refused with a Chinese message that names the file.
"""

from __future__ import annotations

import re
import struct
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from taizhang.errors import (
    CorruptDocument,
    DocumentError,
    DocumentTooLarge,
    EncryptedDocument,
    ScannedDocument,
    UnsupportedFormat,
)
from taizhang.policy.parse import parse_file, parse_text
from taizhang.policy.read import MAX_DOCUMENT_BYTES, read_bytes, read_document, sniff
from taizhang.policy.serialize import policy_to_json
from tests.policy import documents as make
from tests.policy.documents import DEV_DOCS, SEED, document_text, without_spans

DOCUMENTS = {"seed": SEED, **{path.stem: path for path in DEV_DOCS}}
# The running header each office prints on its pages (not part of the documents' text).
RUNNING_HEADERS = {
    "seed": "赣州市人民政府办公室文件",
    "01_dongguan_wenjiuye": "東莞市人民政府",
    "04_lishan_zhongdiangongzuo": "鞍山市立山区人民政府办公室",
    "05_luan_zhongdiangongzuo": "六安市人民政府办公室",
    "10_gangcheng_fangguanfu_fengong": "济南市钢城区人民政府办公室",
}
SEED_TITLE = "赣州市人民政府办公室印发关于做好“六稳”工作落实“六保”任务的若干措施的通知"


def text_of(key: str) -> str:
    return document_text(DOCUMENTS[key])


def parsed(text: str) -> dict:
    return without_spans(policy_to_json(parse_text(text, name="文件")))


def lines_of(text: str) -> list[str]:
    """The non-empty lines, stripped: what must survive any format."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def assert_refused(error, name: str) -> None:
    message = str(error.value)
    assert f"“{name}”" in message
    assert re.search("[\u4e00-\u9fff]{4}", message), message


def test_the_development_documents_are_there():
    assert len(DEV_DOCS) >= 4, f"缺少 {make.DEV_SET}/docs/*.txt"


# ---------------------------------------------------------------- .docx


@pytest.mark.parametrize("key", DOCUMENTS)
def test_docx_parses_like_the_text(key):
    text = text_of(key)
    document = read_bytes(make.docx_of(text.splitlines(), header=RUNNING_HEADERS[key]), name=f"{key}.docx")
    assert document.format == "docx"
    assert parsed(document.text) == parsed(text)


def test_docx_gives_one_line_per_paragraph_and_leaves_out_page_header_and_footer(seed_text):
    document = read_bytes(make.docx_of(seed_text.splitlines()), name="seed.docx")
    assert document.text.splitlines() == seed_text.splitlines()  # blank paragraphs stay as empty lines
    assert "赣州市人民政府办公室文件" not in document.text
    assert "— 1 —" not in document.text


def test_word_list_numbers_are_written_in_front_of_their_paragraphs(seed_text):
    """The seed with 一、 and （一） drawn by Word's numbering instead of typed."""
    data = make.auto_numbered_docx(seed_text.splitlines())
    assert "（一）加大援企稳岗返还力度" not in _document_xml(data)
    document = read_bytes(data, name="auto.docx")
    assert document.text.splitlines() == seed_text.splitlines()
    assert parsed(document.text) == parsed(seed_text)


def _document_xml(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_table_rows_become_tab_separated_lines():
    document = read_bytes(make.task_table_docx(), name="分工表.docx")
    assert document.text.splitlines() == [
        "赣州市人民政府办公室关于印发“六稳”“六保”重点任务分工表的通知",
        "各县（市、区）人民政府，市政府各部门：",
        "现将重点任务分工表印发给你们，请认真抓好落实。",
        "序号\t重点任务\t牵头单位\t配合单位\t完成时限",
        "1\t加大援企稳岗返还力度\t市人社局\t市财政局\t2020年12月31日前",
        # 市人社局 is one cell merged over three rows: it appears once.
        "2\t拓宽以工代训范围\t\t市教育局、市财政局\t2020年12月31日前",
        "3\t实施社会保险补贴\t\t市教育局、市财政局\t2020年12月31日前",
        "4\t支持企业开展“双线”作战\t市商务局\t市农业农村局、市文广新旅局、市大数据发展管理局\t11月底前",
        "5\t着力优化营商环境\t市发改委\t市行政审批局、市工信局、市自然资源局\t2020年底前",
        "",
        "2020年6月18日",
    ]


# ---------------------------------------------------------------- web pages


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_government_web_page_parses_like_the_text(seed_text, encoding):
    page = make.government_page(seed_text.splitlines(), title=SEED_TITLE, encoding=encoding)
    assert f"charset={'gb2312' if encoding == 'gbk' else 'utf-8'}".encode() in page
    document = read_bytes(page, name=f"seed-{encoding}.html")
    assert document.format == "html"
    assert lines_of(document.text) == lines_of(seed_text)
    for word in make.NAVIGATION_WORDS:
        assert word not in document.text, word
    assert parsed(document.text) == parsed(seed_text)


@pytest.mark.parametrize("key", [k for k in DOCUMENTS if k != "seed"])
def test_development_documents_as_web_pages(key):
    text = text_of(key)
    title = parse_text(text).title
    document = read_bytes(make.government_page(text.splitlines(), title=title), name=f"{key}.html")
    assert lines_of(document.text) == lines_of(text)
    assert parsed(document.text) == parsed(text)


def test_page_heading_is_prepended_when_the_article_lacks_it(seed_text):
    body = seed_text.splitlines()[3:]  # the article container starts after the printed title
    document = read_bytes(make.government_page(body, title=SEED_TITLE), name="no-title.html")
    assert lines_of(document.text)[:2] == [SEED_TITLE, "各县（市、区）人民政府，市政府各部门，市属、驻市各单位："]
    assert parsed(document.text) == parsed(seed_text)


def test_undeclared_gbk_page_without_known_container_is_read_by_text_density(seed_text):
    paragraphs = "".join(f"<p>{line}</p>" for line in lines_of(seed_text))
    links = "".join(f"<li><a href='#'>赣州市第{n}个政府网站链接</a></li>" for n in range(40))
    page = (
        "<html><head><title>通知</title></head><body>"
        f"<div class='top'><ul>{links}</ul></div><div class='wrap'><div class='box'>{paragraphs}</div></div>"
        "<div class='bottom'>版权所有 赣州市人民政府</div></body></html>"
    ).encode("gbk")
    document = read_bytes(page, name="plain.htm")
    assert lines_of(document.text) == lines_of(seed_text)


def test_table_rows_in_a_web_page_are_tab_separated():
    page = (
        "<!DOCTYPE html><html><body><div class='TRS_Editor'><p>六安市2021年重点工作任务分解表如下，请各单位认真落实。</p>"
        "<table><tr><th>序号</th><th>重点任务</th><th>牵头单位</th></tr>"
        "<tr><td>1</td><td><p>地区生产总值</p><p>增长8.5%以上</p></td><td> 市发展改革委 </td></tr></table>"
        "<p>以上任务请于2021年12月底前完成，各牵头单位要加强统筹调度，确保按时保质完成。</p></div></body></html>"
    ).encode()
    assert read_bytes(page, name="t.html").text.splitlines() == [
        "六安市2021年重点工作任务分解表如下，请各单位认真落实。",
        "序号\t重点任务\t牵头单位",
        "1\t地区生产总值增长8.5%以上\t市发展改革委",
        "以上任务请于2021年12月底前完成，各牵头单位要加强统筹调度，确保按时保质完成。",
    ]


def test_web_page_never_loads_external_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容不应出现", "utf-8")
    page = (
        f'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<html><body><div id='zoom'><p>&x;关于做好“六稳”工作落实“六保”任务的若干措施，现提出以下措施，请认真贯彻执行，"
        "确保各项任务按期完成。</p></div></body></html>"
    ).encode()
    assert "机密" not in read_bytes(page, name="xxe.html").text


# ---------------------------------------------------------------- PDF


@pytest.fixture(scope="session")
def pdf_files(tmp_path_factory, chromium) -> dict[str, Path]:
    """Every document printed once per run as an official A4 document by Chromium."""
    printed = make.official_pdfs(chromium, {k: (text_of(k).splitlines(), RUNNING_HEADERS[k]) for k in DOCUMENTS})
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    for key, data in printed.items():
        paths[key] = folder / f"{key}.pdf"
        paths[key].write_bytes(data)
    return paths


@pytest.mark.slow
def test_seed_pdf_text_is_the_seed_text(pdf_files, seed_text):
    document = read_document(pdf_files["seed"])
    assert document.format == "pdf"
    assert lines_of(document.text) == lines_of(seed_text)


@pytest.mark.slow
def test_seed_pdf_spans_pages_with_running_header_and_page_numbers(pdf_files, seed_text):
    import pdfplumber

    with pdfplumber.open(pdf_files["seed"]) as pdf:
        assert len(pdf.pages) >= 5
        pages = [page.extract_text().splitlines() for page in pdf.pages]
    # What the reader has to undo: a running header and a page number on every page, paragraphs
    # wrapped over several printed lines and carried over page breaks.
    assert all(lines[-1] == f"— {n} —" for n, lines in enumerate(pages, start=1))
    assert all(lines[0] in ("赣州市人民政府办公室文件", "赣州市⼈⺠政府办公室⽂件") for lines in pages)
    printed = [line for lines in pages for line in lines[1:-1]]
    assert len(printed) > 2 * len(lines_of(seed_text))
    assert any(not lines[-2].endswith(("。", "〕", "：", "）")) for lines in pages[:-1])  # cut by a page break
    document = read_document(pdf_files["seed"])
    assert "— 2 —" not in document.text
    assert "办公室文件" not in document.text


@pytest.mark.slow
@pytest.mark.parametrize("key", DOCUMENTS)
def test_pdf_parses_like_the_text(pdf_files, key):
    document = read_document(pdf_files[key])
    # A PDF has no space characters, only gaps: the reader keeps a space between Latin words only.
    assert lines_of(document.text) == [without_spaces_by_chinese(line) for line in lines_of(text_of(key))]
    assert parsed(document.text) == parsed(text_of(key))


def without_spaces_by_chinese(line: str) -> str:
    line = " ".join(line.split())
    return re.sub(r" (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) ", "", line)


@pytest.mark.slow
def test_parse_file_reads_a_pdf(pdf_files, seed_text):
    assert len(parse_file(pdf_files["seed"]).measures) == len(parse_text(seed_text).measures) == 23


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_encrypted_pdf_is_refused(algorithm):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="gz2020", algorithm=algorithm)
    out = BytesIO()
    writer.write(out)
    with pytest.raises(EncryptedDocument, match="加密") as error:
        read_bytes(out.getvalue(), name="加密通知.pdf")
    assert_refused(error, "加密通知.pdf")


def test_scanned_pdf_is_refused():
    with pytest.raises(ScannedDocument) as error:
        read_bytes(make.scanned_pdf(), name="x.pdf")
    assert "文件“x.pdf”是扫描件，没有可提取的文字层；请提供带文字的 PDF 或先做文字识别(OCR)" in str(error.value)


def test_damaged_pdf_is_refused():
    with pytest.raises(CorruptDocument) as error:
        read_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R", name="坏文件.pdf")
    assert_refused(error, "坏文件.pdf")


# ---------------------------------------------------------------- formats we do not read


@pytest.mark.parametrize(
    ("data", "kind", "said"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "ole", "旧版 Word/Excel（.doc/.xls）格式，请另存为 .docx 或 .txt"),
        (None, "image", "图片"),
        (make.zip_of({"说明.txt": "附件清单".encode(), "data.csv": b"1,2"}), "zip", "压缩包"),
        (make.zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}), "xlsx", "Excel"),
        (make.zip_of({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}), "pptx", "PowerPoint"),
        (b"GIF89a" + bytes(100), "image", "图片"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "image", "图片"),
        (b"{\\rtf1\\ansi\\ansicpg936 \\'b9\\'d8}", "rtf", "RTF"),
    ],
)
def test_unsupported_formats_are_named(data, kind, said):
    data = make.png() if data is None else data
    assert sniff(data) == kind
    with pytest.raises(UnsupportedFormat) as error:
        read_bytes(data, name="附件1.docx")
    assert said in str(error.value)
    assert_refused(error, "附件1.docx")


def test_zip_that_claims_to_be_docx_but_is_broken():
    damaged = make.zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document><w:body>"})
    with pytest.raises(CorruptDocument, match="不是有效的 Word 文档") as error:
        read_bytes(damaged, name="通知.docx")
    assert_refused(error, "通知.docx")
    truncated = make.docx_of(["关于做好“六稳”工作落实“六保”任务的若干措施"])[:2000]
    with pytest.raises(DocumentError) as error:
        read_bytes(truncated, name="半个.docx")
    assert_refused(error, "半个.docx")


def test_file_over_the_size_limit_is_refused(tmp_path):
    big = "关于做好“六稳”工作落实“六保”任务的若干措施\n".encode() * (21 * 1024 * 1024 // 60)
    assert len(big) > MAX_DOCUMENT_BYTES
    with pytest.raises(DocumentTooLarge, match="20 MB") as error:
        read_bytes(big, name="大文件.txt")
    assert_refused(error, "大文件.txt")
    path = tmp_path / "大文件.txt"
    path.write_bytes(big)
    with pytest.raises(DocumentTooLarge):
        read_document(path)


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    return make.zip_bomb_docx(inflated_mb=200)


def test_zip_bomb_is_refused_before_anything_is_decompressed(zip_bomb, monkeypatch):
    assert len(zip_bomb) < 1024 * 1024

    def no_decompression(*args, **kwargs):
        raise AssertionError("a zip entry was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_decompression)
    with pytest.raises(DocumentTooLarge, match="压缩炸弹") as error:
        read_bytes(zip_bomb, name="通知.docx")
    assert_refused(error, "通知.docx")


def test_zip_bomb_that_understates_its_size_is_refused(zip_bomb):
    lying = _declare_size(zip_bomb, "word/media/image1.png", 1000)
    with zipfile.ZipFile(BytesIO(lying)) as archive:
        assert sum(i.file_size for i in archive.infolist()) < 1024 * 1024
    with pytest.raises(DocumentTooLarge):
        read_bytes(lying, name="通知.docx")


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size a zip declares for one entry (local and central headers)."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = out.find(signature)
        while at >= 0:
            if out[at + name_at : at + name_at + len(encoded)] == encoded:
                out[at + size_at : at + size_at + 4] = struct.pack("<I", size)
            at = out.find(signature, at + 4)
    return bytes(out)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.4", "pdf"),
        (b"\r\n%PDF-1.4", "pdf"),
        (b"<!DOCTYPE html><html>", "html"),
        (b"\xef\xbb\xbf<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'>", "html"),
        ("<html><head><meta charset=gb2312>".encode("gbk"), "html"),
        ("关于做好“六稳”工作落实“六保”任务的若干措施\n一、保居民就业".encode(), "txt"),
        ("<附件>关于做好“六稳”工作".encode(), "txt"),
    ],
)
def test_sniff_tells_formats_by_content(head, kind):
    assert sniff(head) == kind

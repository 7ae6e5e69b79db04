"""Real policy texts written out as the files people actually upload: .docx, .pdf, saved web pages.

Each builder takes the lines of a plain-text document and returns the bytes of a file that shows
the same text the way that format does: Word paragraphs (optionally with Word's own list
numbering), an A4 official document printed by Chromium with a running header and page numbers,
or an article page of a government website with navigation, breadcrumb, sidebar and footer.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT / "tests" / "data" / "policy-docs"
SEED = ROOT / "taizhang" / "examples" / "ganzhou-2020-liuwen-liubao.txt"
# Flattened on purpose (one line, or a flattened body: see the table in policy-docs/README.md). Reading
# their structure without line breaks is its own piece of work; the format tests here print documents
# line by line, so they take the line-broken ones.
FLATTENED = frozenset({"20_heihe_fangdichan", "21_guoban_yingshanghuanjing", "22_guoxiang_bangfuxian"})
DEV_DOCS = sorted(p for p in (DEV_SET / "docs").glob("*.txt") if p.stem not in FLATTENED)


def document_text(path: Path) -> str:
    """A document's text; development documents lose their two `# source:` / `# status:` lines."""
    text = path.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(("# source:", "# status:")):
        lines.pop(0)
    return "".join(lines)


def without_spans(value):
    """Parse JSON without the fields that are offsets into (or slices of) one particular text."""
    if isinstance(value, dict):
        return {k: without_spans(v) for k, v in value.items() if k not in ("span", "text")}
    if isinstance(value, list):
        return [without_spans(v) for v in value]
    return value


# ---------------------------------------------------------------- .docx


def docx_of(lines: Iterable[str], *, header: str = "赣州市人民政府办公室文件") -> bytes:
    """One Word paragraph per line of text, with a page header and a page footer as offices set them."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = "— 1 —"
    for line in lines:
        document.add_paragraph(line)
    return _saved(document)


def _saved(document) -> bytes:
    out = BytesIO()
    document.save(out)
    return out.getvalue()


_SECTION = re.compile(r"^([一二三四五六七八九十]+)、")
_MEASURE = re.compile(r"^（([一二三四五六七八九十]+)）")

_LISTS_XML = """
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:abstractNum w:abstractNumId="90">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>
      <w:suff w:val="nothing"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="91">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%1）"/>
      <w:suff w:val="nothing"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>
  <w:num w:numId="91"><w:abstractNumId w:val="91"/></w:num>
</w:numbering>
"""


def auto_numbered_docx(lines: Iterable[str]) -> bytes:
    """Section headings (一、) and measures (（一）) numbered by Word itself, not typed.

    Two lists, as a drafter would set them up: one for the sections and one for the measures, so
    the measures count on across sections like the seed's (一)…(二十三).
    """
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    definitions = parse_xml(_LISTS_XML)
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    for element in list(definitions):
        if element.tag.endswith("abstractNum") and first_num is not None:
            first_num.addprevious(element)
        else:
            numbering.append(element)
    for line in lines:
        for pattern, num_id in ((_SECTION, "90"), (_MEASURE, "91")):
            m = pattern.match(line)
            if m:
                paragraph = document.add_paragraph(line[m.end():])
                paragraph._p.get_or_add_pPr().append(parse_xml(
                    '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                    f'<w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
                ))
                break
        else:
            document.add_paragraph(line)
    return _saved(document)


TASK_TABLE_HEADER = ("序号", "重点任务", "牵头单位", "配合单位", "完成时限")
# Five measures of the seed as a drafter puts them in a 任务分工表.
TASK_TABLE_ROWS = (
    ("1", "加大援企稳岗返还力度", "市人社局", "市财政局", "2020年12月31日前"),
    ("2", "拓宽以工代训范围", "市人社局", "市教育局、市财政局", "2020年12月31日前"),
    ("3", "实施社会保险补贴", "市人社局", "市教育局、市财政局", "2020年12月31日前"),
    ("4", "支持企业开展“双线”作战", "市商务局", "市农业农村局、市文广新旅局、市大数据发展管理局", "11月底前"),
    ("5", "着力优化营商环境", "市发改委", "市行政审批局、市工信局、市自然资源局", "2020年底前"),
)


def task_table_docx() -> bytes:
    """A notice whose measures and responsible units sit in a table.

    The table has what real ones have: the 牵头单位 cell merged down over rows that share it,
    a 配合单位 cell written as two paragraphs, and stray spaces inside cells.
    """
    import docx

    document = docx.Document()
    document.add_paragraph("赣州市人民政府办公室关于印发“六稳”“六保”重点任务分工表的通知")
    document.add_paragraph("各县（市、区）人民政府，市政府各部门：")
    document.add_paragraph("现将重点任务分工表印发给你们，请认真抓好落实。")
    table = document.add_table(rows=1 + len(TASK_TABLE_ROWS), cols=len(TASK_TABLE_HEADER))
    for col, text in enumerate(TASK_TABLE_HEADER):
        table.cell(0, col).text = text
    for r, row in enumerate(TASK_TABLE_ROWS, start=1):
        for col, text in enumerate(row):
            if col == 2 and r in (2, 3):
                continue  # merged into the 市人社局 cell above
            if col == 3 and "、" in text:
                first, rest = text.split("、", 1)
                cell = table.cell(r, col)
                cell.text = f" {first}、"
                cell.add_paragraph(f"{rest}  ")
            else:
                table.cell(r, col).text = text
    table.cell(1, 2).merge(table.cell(3, 2))
    table.cell(1, 2).text = "市人社局"
    document.add_paragraph("")
    document.add_paragraph("2020年6月18日")
    return _saved(document)


# ---------------------------------------------------------------- web pages

_SITE_HEADER = """
<div class="header"><div class="logo"><h1>赣州市人民政府</h1></div>
  <div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
  <li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjgz/">走进赣州</a></li></ul></div>
  <div class="search"><form action="/search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
</div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政策文件</div>
"""
_SIDEBAR = """
<div class="sidebar"><h3>相关链接</h3><ul>
  <li><a href="#">中国政府网</a></li><li><a href="#">江西省人民政府</a></li><li><a href="#">赣州市发展和改革委员会</a></li>
</ul></div>
"""
_SITE_FOOTER = """
<div class="footer"><p>主办单位：赣州市人民政府办公室　承办单位：赣州市大数据发展管理局</p>
  <p>网站标识码：3607000001　赣ICP备05004144号　赣公网安备 36070202000123号</p>
  <p>版权所有：赣州市人民政府　地址：赣州市章贡区长征大道1号</p></div>
<script>var _hmt = _hmt || []; document.write("首页 版权所有");</script>
"""

NAVIGATION_WORDS = ("首页", "政务公开", "当前位置", "相关链接", "版权所有", "ICP", "网站标识码", "主办单位", "搜索")


def government_page(lines: Iterable[str], *, title: str, encoding: str = "utf-8") -> bytes:
    """An article page as a government CMS publishes it, encoded and declared as ``encoding``."""
    paragraphs = "\n".join(
        f'    <p style="text-indent: 2em;">\n      {html.escape(line.strip())}\n    </p>' if line.strip() else "    <p><br></p>"
        for line in lines
    )
    charset = {"gbk": "gb2312"}.get(encoding, encoding)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(title)}_赣州市人民政府</title>
<style>.article {{ width: 960px; }} #zoom p {{ line-height: 2; }}</style>
<script src="/js/jquery.min.js"></script>
</head>
<body>
{_SITE_HEADER}
<div class="main">
  <div class="article">
    <h1>{html.escape(title)}</h1>
    <div class="info">发布时间：2020-06-19 来源：市政府办公室 字号：[大 中 小]</div>
    <div id="zoom">
{paragraphs}
    </div>
    <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
    <div class="print-bar">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
  </div>
  {_SIDEBAR}
</div>
{_SITE_FOOTER}
</body>
</html>
"""
    return page.encode(encoding)


# ---------------------------------------------------------------- PDF

_PRINT_CSS = """
@page { size: A4; margin: 37mm 28mm 35mm 28mm; }
body { font-family: 'Noto Serif CJK SC', serif; font-size: 16pt; line-height: 1.75; margin: 0; }
p { margin: 0; text-indent: 2em; text-align: justify; }
"""
_RUNNING_HEADER = (
    "<div style=\"width:100%;margin:0 28mm;font-family:'Noto Sans CJK SC';font-size:10pt;"
    'text-align:center;border-bottom:1px solid #c00;padding-bottom:2mm;">{header}</div>'
)
_PAGE_NUMBER = (
    "<div style=\"width:100%;font-family:'Noto Serif CJK SC';font-size:14pt;text-align:center;\">"
    '— <span class="pageNumber"></span> —</div>'
)


def official_pdfs(chromium, documents: dict[str, tuple[list[str], str]]) -> dict[str, bytes]:
    """Print each document (its lines and its running header) to an A4 PDF with Chromium."""
    out = {}
    page = chromium.new_page()
    try:
        for name, (lines, header) in documents.items():
            body = "\n".join(f"<p>{html.escape(line.strip()) or '&nbsp;'}</p>" for line in lines)
            page.set_content(
                f'<!doctype html><html><head><meta charset="utf-8"><style>{_PRINT_CSS}</style></head>'
                f"<body>{body}</body></html>"
            )
            out[name] = page.pdf(
                format="A4",
                display_header_footer=True,
                header_template=_RUNNING_HEADER.format(header=html.escape(header)),
                footer_template=_PAGE_NUMBER,
                prefer_css_page_size=True,
            )
    finally:
        page.close()
    return out


def encrypted(pdf: bytes, password: str = "gz2020") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """One A4 page that is only a picture of text, as a scanner makes it."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for row in range(30):
        draw.rectangle((150, 200 + row * 45, 1090 - (row % 4) * 120, 225 + row * 45), fill=40)
    out = BytesIO()
    image.save(out, format="PDF", resolution=150)
    return out.getvalue()


def png() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 20), (200, 0, 0)).save(out, format="PNG")
    return out.getvalue()


# ---------------------------------------------------------------- hostile or broken zips


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb_docx(inflated_mb: int = 200) -> bytes:
    """A tiny .docx-looking zip with an entry that inflates to ``inflated_mb`` MB of zeros."""
    valid = docx_of(["关于做好“六稳”工作落实“六保”任务的若干措施"])
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(valid)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            bomb.writestr(info.filename, source.read(info.filename))
        with bomb.open("word/media/image1.png", "w") as entry:
            chunk = bytes(1024 * 1024)
            for _ in range(inflated_mb):
                entry.write(chunk)
    return out.getvalue()

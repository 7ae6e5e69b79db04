"""The monthly 通报 from the ledger in conftest.py: counts, changes, ranking, flagged tasks, the Word
layout, and (slow) the PDF with its first page rendered to test-artifacts/.

September, judged on 2020-09-30: green (1) (2) (20); orange (5) (25% against 50.51%); every other task
red — (10) 0 against a rate held to its full target, the rest for four periods never reported.
August, judged on 2020-08-31: only (2) green; (1) 33.33% against 34.69% and (5) 25% against 34.69%
are yellow.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from io import BytesIO

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from sqlalchemy import select

from taizhang.audit.models import AuditEvent
from taizhang.auth.permissions import Actor
from taizhang.documents import convert
from taizhang.documents.service.bulletin import bulletin_data, bulletin_file
from taizhang.errors import PermissionDenied
from taizhang.exports.rows import Counts
from tests.conftest import ROOT
from tests.documents.conftest import RENDERED
from tests.needs import need

ARTIFACTS = ROOT / "test-artifacts"
SUMMARY = ("截至2020年9月30日，《关于做好“六稳”工作落实“六保”任务的若干措施》共有重点任务23项，其中已完成0项，"
           "达到序时进度3项，滞后于序时进度20项，逾期未完成0项。与2020年8月相比，已完成持平，达进度增加2项，"
           "欠进度减少2项，逾期持平。")


def test_counts_and_their_change(filled):
    data = bulletin_data(session=filled.session, actor=filled.office, period="2020-09")
    assert data.counts == Counts(total=23, completed=0, on_track=3, behind=20, overdue=0, unrated=0)
    assert data.previous == Counts(total=23, completed=0, on_track=1, behind=22, overdue=0, unrated=0)
    assert (data.title, data.previous_label, data.judged_on) == ("关于2020年9月重点任务推进情况的通报", "2020年8月",
                                                                 date(2020, 9, 30))
    assert (data.issuer, data.issued_on, data.doc_number) == ("赣州市人民政府督查室", date(2020, 10, 10), "××〔2020〕××号")
    assert data.recipients == "各县（市、区）人民政府，市政府各部门，市属、驻市各单位"
    first = data.sections[0]
    assert (first.title, first.counts.total, first.counts.on_track, first.counts.behind) == ("保居民就业", 5, 2, 3)


def test_red_and_overdue_tasks_with_their_units(filled):
    september = bulletin_data(session=filled.session, actor=filled.office, period="2020-09")
    ten = next(t for t in september.red if t.title == "帮助中小微企业融资纾困")
    assert (ten.number, ten.units) == ("（十）", "市政府金融办") and "落后100个百分点" in ten.reason
    assert {t.title for t in september.red} >= {"保障重点群体就业创业（章贡区）", "保障重点群体就业创业（南康区）"}
    assert "加大援企稳岗返还力度" not in {t.title for t in september.red} and september.overdue == ()
    october = bulletin_data(session=filled.session, actor=filled.office, period="2020-10")
    (late,) = october.overdue  # (十九) was due 2020-09-30 and is not closed
    assert (late.number, late.title, late.units) == ("（十九）", "参与全球产业链供应链分工", "市商务局")
    assert late.reason.startswith("完成时限2020年9月30日已过，任务尚未办结")


def test_the_ranking_comes_from_the_scores(filled):
    data = bulletin_data(session=filled.session, actor=filled.office, period="2020-09")
    finance = next(u for u in data.ranking if u.name == "市政府金融办")
    # on time +1, returned −2, red −2
    assert (finance.score, finance.notes) == (-3, "按时报送1次，报送内容被退回1次，红灯1项")
    assert [u.rank for u in data.ranking] == sorted(u.rank for u in data.ranking) and data.ranking[0].rank == 1


def test_only_the_office_makes_a_bulletin(filled):
    with pytest.raises(PermissionDenied):
        bulletin_data(session=filled.session, actor=filled.actor("市人社局"), period="2020-09")


def _runs(doc):
    return [run for p in doc.paragraphs for run in p.runs]


def test_the_word_document(filled):
    file = bulletin_file(session=filled.session, actor=filled.office, period="2020-09")
    assert file.filename == "重点任务推进情况通报-2020-09.docx" and file.rows == 23
    doc = Document(BytesIO(file.data))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["督 查 通 报", "××〔2020〕××号"]
    title = next(p for p in doc.paragraphs if p.text == "关于2020年9月重点任务推进情况的通报")
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert "各县（市、区）人民政府，市政府各部门，市属、驻市各单位：" in texts and SUMMARY in texts
    body = next(p for p in doc.paragraphs if p.text == SUMMARY).runs[0]
    assert body.font.size == Pt(16) and body._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    headings = [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、")]
    assert headings == ["一、总体情况", "二、各单位推进情况", "三、需要重点关注的任务", "四、下一步工作要求"]
    requirements = texts[texts.index("四、下一步工作要求") + 1]
    assert requirements.startswith("各牵头单位要对照本通报")
    assert texts[-2:] == ["赣州市人民政府督查室", "2020年10月10日"]
    sections, ranking = doc.tables
    assert [c.text for c in sections.rows[0].cells] == ["类别", "任务数", "已完成", "达进度", "欠进度", "逾期"]
    assert [c.text for c in sections.rows[-1].cells] == ["合计", "23", "0", "3", "20", "0"]
    assert ["市政府金融办", "-3"] in [[c.text for c in row.cells][1:3] for row in ranking.rows]
    assert len(doc.inline_shapes) == 2
    assert any(re.match(r"\d+\. （十）帮助中小微企业融资纾困（市政府金融办）：.*落后100个百分点", t) for t in texts)


def test_the_page_follows_gb_t_9704(filled):
    doc = Document(BytesIO(bulletin_file(session=filled.session, actor=filled.office, period="2020-09").data))
    section = doc.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin)
    assert [round(size.mm, 1) for size in sizes] == [210, 297, 37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines in 225 mm
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16) and normal.paragraph_format.line_spacing == Pt(28.95)
    assert normal.element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"  # 28 characters a line
    footer = section.footer.paragraphs[0]
    assert "PAGE" in footer._p.xml and footer.text.startswith("— ")


def test_every_bulletin_is_audited(filled):
    bulletin_file(session=filled.session, actor=filled.office, period="2020-09")
    event = filled.session.scalars(select(AuditEvent).where(AuditEvent.action == "bulletin.create")).one()
    assert event.detail == {"period": "2020-09", "format": "docx", "rows": 23, "red": 21, "overdue": 0,
                            "units": len(bulletin_data(session=filled.session, actor=filled.office,
                                                       period="2020-09").ranking)}


def test_a_missing_libreoffice_is_named(monkeypatch):
    monkeypatch.setattr(convert, "soffice", lambda: None)
    with pytest.raises(convert.ConverterMissing, match="未安装 LibreOffice.*libreoffice-writer-nogui"):
        convert.docx_to_pdf(b"PK")


def test_the_pdf_falls_back_to_noto_when_the_official_faces_are_absent(monkeypatch):
    convert.installed_families.cache_clear()
    monkeypatch.setattr(convert, "installed_families", lambda: frozenset({"黑体", "Noto Serif CJK SC"}))
    fonts = convert.pdf_fonts()
    assert (fonts.title, fonts.body, fonts.heading) == ("Noto Serif CJK SC", "Noto Serif CJK SC", "黑体")


@pytest.mark.slow
def test_the_pdf_and_its_first_page(filled, backend):
    need(convert.soffice() is not None, "LibreOffice（soffice）", "sudo apt-get install libreoffice-writer-nogui")
    need(shutil.which("pdftoppm") is not None, "poppler-utils（pdftoppm，把 PDF 首页渲染为 PNG）",
         "sudo apt-get install poppler-utils")
    file = bulletin_file(session=filled.session, actor=Actor.system(), period="2020-09", pdf=True)
    assert file.content_type == "application/pdf" and file.data.startswith(b"%PDF")
    with pdfplumber.open(BytesIO(file.data)) as pdf:
        first = pdf.pages[0]
        assert (round(first.width), round(first.height)) == (595, 842)  # A4 in points
        text = first.extract_text().replace(" ", "")
        words = "".join(pdf.pages[n].extract_text() for n in range(len(pdf.pages))).replace(" ", "")
    assert "督查通报" in text and "关于2020年9月重点任务推进情况的通报" in text
    assert "共有重点任务23项" in text.replace("\n", "")
    assert "四、下一步工作要求" in words and "赣州市人民政府督查室" in words
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bulletin-2020-09.pdf").write_bytes(file.data)
    stem = ARTIFACTS / f"bulletin-2020-09-page1-{backend}"
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
                    str(ARTIFACTS / "bulletin-2020-09.pdf"), str(stem)], check=True, timeout=120)
    png = stem.with_suffix(".png")
    assert png.read_bytes().startswith(b"\x89PNG")
    RENDERED.append(png)
    print(f"通报 PDF 首页：{png}")

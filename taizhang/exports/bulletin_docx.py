"""The monthly 通报 as a Word document: BulletinData in, .docx bytes out, laid out after GB/T 9704-2012.

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; a text grid of 22 lines of 28
characters; the title in a 小标宋 face at 2号 (22 pt), the body in a 仿宋 face at 3号 (16 pt), first-level
headings in 黑体 and second-level in 楷体; page numbers "— 1 —" in 宋体 4号, outside edge on odd and even
pages. ``Fonts`` names the faces: the official ones for the .docx handed to the office, the installed
ones (Noto Serif CJK SC when the official faces are absent) for the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from taizhang.exports.rows import BulletinData, Counts, FlaggedTask
from taizhang.exports.wording import chinese_number, date_text
from taizhang.ledger.rollup import format_number

BODY_PT, TITLE_PT, PAGE_NUMBER_PT, TABLE_PT = 16, 22, 14, 12
LINE_PITCH_PT = 28.95  # 225 mm of text height / 22 lines
TEXT_WIDTH_MM = 210 - 28 - 26
CONDENSE_TWIPS = -5  # −0.25 pt a character: 28 characters of 3号 on a line
RED = RGBColor(0xC0, 0x00, 0x00)


@dataclass(frozen=True)
class Fonts:
    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading: str = "黑体"
    subheading: str = "楷体_GB2312"
    number: str = "宋体"


OFFICIAL = Fonts()
NOTO = Fonts(title="Noto Serif CJK SC", body="Noto Serif CJK SC", heading="Noto Sans CJK SC",
             subheading="Noto Serif CJK SC", number="Noto Serif CJK SC")


def bulletin_docx(data: BulletinData, fonts: Fonts = OFFICIAL) -> bytes:
    doc = Document()
    _page(doc, fonts)
    writer = _Writer(doc, fonts)
    writer.masthead(data)
    writer.title(data.title)
    writer.plain(f"{data.recipients}：", indent=False)
    writer.body(f"为推动{data.policy_name}各项任务落地见效，现将{data.period_label}重点任务推进情况通报如下：")
    writer.heading(1, "总体情况")
    writer.body(summary_text(data))
    writer.caption(f"表1  {data.period_label}各类别重点任务推进情况", above=True)
    writer.section_table(data)
    for n, chart in enumerate(data.charts, start=1):
        writer.picture(chart.png, f"图{n}  {chart.caption}")
    writer.heading(2, "各单位推进情况")
    writer.body(f"按照考核评分办法，{data.period_label}各牵头单位得分及排名如下（得分相同的并列）。")
    writer.caption(f"表2  {data.period_label}各牵头单位考核得分", above=True)
    writer.ranking_table(data)
    writer.heading(3, "需要重点关注的任务")
    writer.subheading(1, "红灯任务")
    writer.flagged(data.red, "本期没有红灯任务。")
    writer.subheading(2, "逾期未完成任务")
    writer.flagged(data.overdue, "本期没有逾期未完成的任务。")
    writer.heading(4, "下一步工作要求")
    for paragraph in data.requirements:
        writer.body(paragraph)
    writer.signature(data.issuer, date_text(data.issued_on))
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def change_text(now: int, before: int) -> str:
    if now == before:
        return "持平"
    return f"增加{now - before}项" if now > before else f"减少{before - now}项"


def summary_text(data: BulletinData) -> str:
    c = data.counts
    text = (f"截至{date_text(data.judged_on)}，{data.policy_name}共有重点任务{c.total}项，其中已完成{c.completed}项，"
            f"达到序时进度{c.on_track}项，滞后于序时进度{c.behind}项，逾期未完成{c.overdue}项")
    text += f"，暂无评价{c.unrated}项（首期进展尚未到报送时间）。" if c.unrated else "。"
    if data.previous is not None:
        p: Counts = data.previous
        changes = [f"已完成{change_text(c.completed, p.completed)}", f"达进度{change_text(c.on_track, p.on_track)}",
                   f"欠进度{change_text(c.behind, p.behind)}", f"逾期{change_text(c.overdue, p.overdue)}"]
        text += f"与{data.previous_label}相比，" + "，".join(changes) + "。"
    return text


def _page(doc, fonts: Fonts) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(25)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # A line grid of 22 lines; 28 characters a line come from condensing each character by 0.25 pt
    # (28 × 15.75 pt fits the 442 pt text width). A character grid would be the same in Word, but
    # LibreOffice gives a 16 pt character two cells of a 15.8 pt grid and halves the line.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    _font(rpr, fonts.body)
    condensed = OxmlElement("w:spacing")
    condensed.set(qn("w:val"), str(CONDENSE_TWIPS))
    rpr.append(condensed)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PITCH_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, fonts)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT, fonts)


def _font(rpr, name: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), name)


def _page_number(paragraph, align, fonts: Fonts) -> None:
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = Pt(0)
    for text in ("— ", None, " —"):
        run = paragraph.add_run(text or "")
        run.font.size = Pt(PAGE_NUMBER_PT)
        _font(run._r.get_or_add_rPr(), fonts.number)
        if text is None:
            for kind, instr in (("begin", None), (None, " PAGE "), ("end", None)):
                if kind:
                    field = OxmlElement("w:fldChar")
                    field.set(qn("w:fldCharType"), kind)
                else:
                    field = OxmlElement("w:instrText")
                    field.set(qn("xml:space"), "preserve")
                    field.text = instr
                run._r.append(field)


class _Writer:
    def __init__(self, doc, fonts: Fonts) -> None:
        self.doc, self.fonts = doc, fonts

    def _paragraph(self, text: str, *, font: str, size: float = BODY_PT, align=None, indent: bool = True,
                   bold: bool = False, colour: RGBColor | None = None, spacing: float | None = None):
        paragraph = self.doc.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(2 * BODY_PT) if indent else Pt(0)
        if spacing is not None:
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(spacing)
        run = paragraph.add_run(text)
        run.font.size, run.font.bold = Pt(size), bold
        if colour is not None:
            run.font.color.rgb = colour
        _font(run._r.get_or_add_rPr(), font)
        return paragraph

    def masthead(self, data: BulletinData) -> None:
        self._paragraph("督 查 通 报", font=self.fonts.title, size=36, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                        colour=RED, spacing=48)
        number = self._paragraph(data.doc_number, font=self.fonts.body, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "C00000")):
            bottom.set(qn(key), value)
        border.append(bottom)
        number.paragraph_format.element.get_or_add_pPr().append(border)
        self.plain("", indent=False)

    def title(self, text: str) -> None:
        self._paragraph(text, font=self.fonts.title, size=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                        spacing=35)
        self.plain("", indent=False)

    def plain(self, text: str, *, indent: bool = True):
        return self._paragraph(text, font=self.fonts.body, indent=indent)

    def body(self, text: str):
        return self._paragraph(text, font=self.fonts.body, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    def heading(self, n: int, text: str) -> None:
        self._paragraph(f"{chinese_number(n)}、{text}", font=self.fonts.heading)

    def subheading(self, n: int, text: str) -> None:
        self._paragraph(f"（{chinese_number(n)}）{text}", font=self.fonts.subheading)

    def caption(self, text: str, *, above: bool = False) -> None:
        paragraph = self._paragraph(text, font=self.fonts.heading, size=14, align=WD_ALIGN_PARAGRAPH.CENTER,
                                    indent=False)
        paragraph.paragraph_format.keep_with_next = above

    def picture(self, png: bytes, caption: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.add_run().add_picture(BytesIO(png), width=Mm(TEXT_WIDTH_MM - 6))
        self.caption(caption)

    def flagged(self, tasks: tuple[FlaggedTask, ...], none: str) -> None:
        if not tasks:
            self.body(none)
            return
        for n, task in enumerate(tasks, start=1):
            self.body(f"{n}. {task.number}{task.title}（{task.units}）：{task.reason}。")

    def signature(self, issuer: str, day: str) -> None:
        # GB/T 9704: the signature and date never stand alone on a page.
        last = self.doc.paragraphs[-1]
        last.paragraph_format.keep_with_next = True
        self.plain("", indent=False).paragraph_format.keep_with_next = True
        for text in (issuer, day):
            paragraph = self._paragraph(text, font=self.fonts.body, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
            paragraph.paragraph_format.right_indent = Pt(4 * BODY_PT)
            paragraph.paragraph_format.keep_with_next = text == issuer

    def _table(self, header: list[str], rows: list[list[str]], widths_mm: list[float], *,
               left: tuple[int, ...] = ()) -> None:
        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
        repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page the table spans
        repeat.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)
        for r, values in enumerate([header, *rows]):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.width = Mm(widths_mm[c])
                paragraph = cell.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if r and c in left else WD_ALIGN_PARAGRAPH.CENTER
                fmt = paragraph.paragraph_format
                fmt.first_line_indent = Pt(0)
                fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(18)
                run = paragraph.add_run(str(value))
                run.font.size = Pt(TABLE_PT)
                run.font.bold = r == 0 or values[0] == "合计"
                _font(run._r.get_or_add_rPr(), self.fonts.heading if r == 0 else self.fonts.body)

    def section_table(self, data: BulletinData) -> None:
        rows = [[s.title, *(_counts(s.counts))] for s in data.sections]
        rows.append(["合计", *_counts(data.counts)])
        self._table(["类别", "任务数", "已完成", "达进度", "欠进度", "逾期"], rows, [46, 22, 22, 22, 22, 20], left=(0,))

    def ranking_table(self, data: BulletinData) -> None:
        rows = [[str(u.rank), u.name, format_number(u.score), u.notes] for u in data.ranking]
        self._table(["排名", "单位", "得分", "主要情况"], rows, [16, 38, 20, 82], left=(3,))


def _counts(c: Counts) -> list[str]:
    return [str(v) for v in (c.total, c.completed, c.on_track, c.behind, c.overdue)]

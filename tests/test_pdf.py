"""Tests for exports.pdf and exports.fonts: Chinese is embedded and extractable, tables repeat their header, slips stay whole.

Run as a script (`PYTHONPATH=. python tests/test_pdf.py`) to measure 10,000 slips against reportlab's canvas.
"""
from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from reportlab.platypus import Paragraph

from exports import fonts as fontmod
from exports.pdf import (
    Column,
    ExportCancelled,
    FormTable,
    FormTableRenderer,
    PdfRenderer,
    Slip,
    format_value,
    render_slips,
)
from ledger.errors import LedgerError

POPPLER = shutil.which("pdffonts") is not None and shutil.which("pdftotext") is not None
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdffonts, pdftotext) is not installed")

COLUMNS = [Column("序号", 0.6, "count"), Column("社区", 1.5), Column("姓名", 1), Column("岗位", 0.8, "center"),
           Column("应发合计", 1.3, "amount"), Column("扣款合计", 1.3, "amount"), Column("实发工资", 1.3, "amount"),
           Column("领款人签字", 1.2)]


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = []
    for line in out[2:]:
        # name type encoding emb sub uni object id — the type may hold spaces ("Type 1"), so read from the right
        parts = line.split()
        rows.append({"name": parts[0], "emb": parts[-5], "uni": parts[-3]})
    return rows


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def has_page_label(page: str, number: int, total: int) -> bool:
    # pdftotext drops the spaces between Chinese characters and digits
    return re.search(rf"第\s*{number}\s*页\s*共\s*{total}\s*页", page) is not None


def pay_table(n: int) -> FormTable:
    rows = [[i + 1, f"东风社区{i // 10}", f"工作者{i}", "三岗", Decimal("5234.50") + i, Decimal("1034.27"),
             Decimal("4200.23") + i, ""] for i in range(n)]
    total = ["合计", "", "", "", sum(r[4] for r in rows), sum(r[5] for r in rows), sum(r[6] for r in rows), ""]
    return FormTable("东风街道社区工作者2026年1月工资发放表", COLUMNS, rows, unit_name="东风街道办事处", period="2026年1月",
                     groups=[("金额", 4, 6)], total=total, marks=("表号：街社01表", "制定机关：东风街道办事处"))


def test_a_cjk_font_is_found_and_registered():
    found = fontmod.cjk_fonts()
    assert found.regular == fontmod.REGULAR_NAME
    assert found.regular_source.path.is_file()
    from reportlab.pdfbase import pdfmetrics
    assert pdfmetrics.getFont(found.regular).face.charToGlyph[ord("页")]


def test_no_usable_font_is_a_clear_chinese_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr(fontmod, "_named_candidates", lambda: ([], []))
    monkeypatch.setattr(fontmod, "font_dirs", lambda: [tmp_path])
    fontmod.cjk_fonts.cache_clear()
    try:
        with pytest.raises(fontmod.FontError) as caught:
            fontmod.cjk_fonts()
        assert "找不到可用于生成PDF的中文字体" in str(caught.value)
        assert "Noto CJK" in str(caught.value)
        assert isinstance(caught.value, LedgerError)
    finally:
        monkeypatch.undo()
        fontmod.cjk_fonts.cache_clear()


def test_fonts_that_cannot_print_chinese_are_skipped(tmp_path: Path):
    not_a_font = tmp_path / "broken.ttf"
    not_a_font.write_bytes(b"\x00\x01\x00\x00 definitely not a font")
    assert fontmod._load(fontmod.FontSource(not_a_font), "Probe1") is None
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin.is_file():
        assert fontmod._load(fontmod.FontSource(latin), "Probe2") is None


def test_cff_outline_fonts_are_skipped_for_the_next_candidate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    # an OpenType font with PostScript (CFF) outlines starts with "OTTO"; reportlab refuses to embed it
    cff = tmp_path / "NotoSansCJKsc-Regular.otf"
    cff.write_bytes(b"OTTO" + b"\x00" * 200)
    real = fontmod.cjk_fonts().regular_source
    monkeypatch.setattr(fontmod, "_named_candidates", lambda: ([fontmod.FontSource(cff), real], []))
    fontmod.cjk_fonts.cache_clear()
    try:
        assert fontmod._load(fontmod.FontSource(cff), "Probe3") is None
        assert fontmod.cjk_fonts().regular_source == real
    finally:
        monkeypatch.undo()
        fontmod.cjk_fonts.cache_clear()


def test_a_font_shipped_in_resources_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    current = fontmod.cjk_fonts().regular_source
    shipped = tmp_path / "resources" / "fonts"
    shipped.mkdir(parents=True)
    shutil.copy(current.path, shipped / ("shipped" + current.path.suffix))
    monkeypatch.setattr("ledger.paths.resources_dir", lambda: tmp_path / "resources")
    monkeypatch.setattr(fontmod, "windows_font_dirs", list)
    fontmod.cjk_fonts.cache_clear()
    try:
        assert fontmod.cjk_fonts().regular_source.path == shipped / ("shipped" + current.path.suffix)
    finally:
        monkeypatch.undo()
        fontmod.cjk_fonts.cache_clear()


@pytest.mark.parametrize("value,kind,expected", [
    (Decimal("1234.5"), "amount", "1,234.50"), (Decimal("-0.5"), "amount", "-0.50"), (12, "amount", "12.00"),
    (Decimal(7), "count", "7"), (None, "amount", ""), (True, "text", "是"), ("张三", "text", "张三"),
    (Decimal("0.853"), "text", "0.853"),
])
def test_format_value(value, kind, expected):
    assert format_value(value, kind) == expected


@needs_poppler
def test_form_table_embeds_its_font_and_the_text_extracts(tmp_path: Path):
    out = FormTableRenderer(pay_table(12)).render(tmp_path / "表.pdf")
    fonts = pdf_fonts(out)
    assert fonts and all(f["emb"] == "yes" and f["uni"] == "yes" for f in fonts)
    [page] = pdf_pages(out)
    assert "东风街道社区工作者2026年1月工资发放表" in page
    assert re.search(r"填报单位：东风街道办事处\s+报告期：2026年1月\s+单位：元", page)
    assert "表号：街社01表" in page
    assert re.search(r"1\s+东风社区0\s+工作者0\s+三岗\s+5,234.50\s+1,034.27\s+4,200.23", page)
    assert re.search(r"合计\s+62,880.00\s+12,411.24\s+50,468.76", page)
    assert re.search(r"制表人：\s+审核人：\s+负责人：", page)
    assert has_page_label(page, 1, 1)


@needs_poppler
def test_long_table_repeats_its_header_on_every_page(tmp_path: Path):
    out = FormTableRenderer(pay_table(400)).render(tmp_path / "长表.pdf")
    pages = pdf_pages(out)
    assert len(pages) > 5
    names = []
    for number, page in enumerate(pages, start=1):
        assert "实发工资" in page and "领款人签字" in page, f"page {number} lacks the header"
        assert has_page_label(page, number, len(pages))
        names += re.findall(r"(?<!社区)工作者(\d+)", page)
    assert [int(n) for n in names] == list(range(400))
    assert "合计" in pages[-1] and "制表人：" in pages[-1]
    # a continuation page says which form it continues and for which period, and is marked 续表
    for page in pages[1:]:
        assert "东风街道社区工作者2026年1月工资发放表（续表）" in page and "表号：街社01表" in page
        assert re.search(r"填报单位：东风街道办事处\s+报告期：2026年1月\s+单位：元", page)
    assert "（续表）" not in pages[0]


@needs_poppler
def test_signature_line_is_not_left_alone_on_a_page(tmp_path: Path):
    for n in range(20, 60):
        out = FormTableRenderer(pay_table(n)).render(tmp_path / f"t{n}.pdf")
        last = pdf_pages(out)[-1]
        assert "制表人：" in last and re.search(r"(?<!社区)工作者\d+", last), n


def test_landscape_and_subclass_hooks(tmp_path: Path):
    calls: list[int] = []

    class Notice(PdfRenderer):
        landscape = True
        title = "通知"

        def story(self):
            return [Paragraph("关于报送2026年第一季度台账的通知", self.styles["title"]),
                    Paragraph("各社区：请于4月5日前报送。", self.styles["normal"])]

        def decorate_page(self, canvas, doc):
            calls.append(doc.page)

    renderer = Notice()
    assert renderer.page_size[0] > renderer.page_size[1]
    out = renderer.render(tmp_path / "通知.pdf")
    assert out.read_bytes().startswith(b"%PDF") and calls == [1]
    if POPPLER:
        assert "各社区：请于4月5日前报送。" in pdf_pages(out)[0]


@needs_poppler
def test_a_form_after_other_content_starts_on_a_fresh_page(tmp_path: Path):
    class Report(PdfRenderer):
        def story(self):
            return [Paragraph("一、总体情况", self.styles["normal"]), *self.form_table_story(pay_table(80))]

    pages = pdf_pages(Report().render(tmp_path / "r.pdf"))
    assert "一、总体情况" in pages[0] and "工资发放表" not in pages[0]
    assert "工资发放表" in pages[1]
    names = [int(n) for page in pages for n in re.findall(r"(?<!社区)工作者(\d+)", page)]
    assert names == list(range(80))
    for page in pages[1:]:
        assert "实发工资" in page


def pdf_words(path: Path, page: int = 1) -> list[tuple[float, float, float, float, str]]:
    """(x min, y min, x max, y max, word) of every word on a page, in points from the top left corner."""
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
            re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', out)]


@needs_poppler
def test_cells_sit_in_their_columns_as_a_form_wants(tmp_path: Path):
    # the page is drawn on the canvas, not by a platypus Table: check where the strings land
    renderer = FormTableRenderer(pay_table(12))
    out = renderer.render(tmp_path / "表.pdf")
    total_weight = sum(c.width for c in COLUMNS)
    edges = [renderer.left_margin]
    for column in COLUMNS:
        edges.append(edges[-1] + renderer.frame_width * column.width / total_weight)
    words = pdf_words(out)

    def cells(pattern: str) -> list[tuple[float, float, float, float, str]]:
        return [w for w in words if re.fullmatch(pattern, w[4])]

    amounts = [w for w in cells(r"5,2\d\d\.50") if w[0] > edges[4]]        # 应发合计 of the 12 rows
    assert len(amounts) == 12
    assert all(abs(w[2] - (edges[5] - 2.5)) < 0.05 for w in amounts)       # right-aligned inside the padding
    numbers = [w for w in cells(r"\d{1,2}") if w[2] < edges[1]]             # 序号, a count: right-aligned
    assert len(numbers) == 12 and all(abs(w[2] - (edges[1] - 2.5)) < 0.05 for w in numbers)
    [total] = cells("合计")                                                  # a word in a number column: centred
    assert abs((total[0] + total[2]) / 2 - (edges[0] + edges[1]) / 2) < 0.05
    posts = [w for w in cells("三岗") if w[0] > edges[3]]                     # a "center" column
    assert len(posts) == 12 and all(abs((w[0] + w[2]) / 2 - (edges[3] + edges[4]) / 2) < 0.05 for w in posts)
    names = cells(r"工作者\d+")                                              # text: left, after the padding
    assert len(names) == 12 and all(abs(w[0] - (edges[2] + 2.5)) < 0.05 for w in names)
    # rows one below the other at the fixed row height, the 合计 row last
    tops = sorted(w[1] for w in names)
    steps = {round(b - a, 3) for a, b in itertools.pairwise(tops)}
    assert steps == {round(renderer.table_font_size * 1.3 + 5, 3)}
    assert total[1] > tops[-1]


@needs_poppler
def test_a_page_that_does_not_fit_is_split_under_its_header(tmp_path: Path):
    # pages are planned to fit; should one not (content above it), it splits and repeats the header
    from reportlab.platypus import Spacer

    from exports.pdf import _FormLayout, _FormPage

    class Squeezed(PdfRenderer):
        def story(self):
            layout = _FormLayout(self, pay_table(70))
            layout.story()
            return [Spacer(1, 500), _FormPage(layout, 0, 70)]

    pages = pdf_pages(Squeezed().render(tmp_path / "s.pdf"))
    assert len(pages) > 1
    names = [int(n) for page in pages for n in re.findall(r"(?<!社区)工作者(\d+)", page)]
    assert names == list(range(70))
    assert all("实发工资" in page and "领款人签字" in page for page in pages)


def test_an_empty_form_still_has_its_header_and_signatures(tmp_path: Path):
    out = FormTableRenderer(FormTable("空表", COLUMNS, [], unit_name="东风街道办事处")).render(tmp_path / "空.pdf")
    if POPPLER:
        [page] = pdf_pages(out)
        assert "实发工资" in page and "制表人：" in page and has_page_label(page, 1, 1)


def test_the_same_input_gives_the_same_bytes(tmp_path: Path):
    # a closed quarter reprinted later must give the same file
    a = FormTableRenderer(pay_table(30)).render(tmp_path / "a.pdf").read_bytes()
    b = FormTableRenderer(pay_table(30)).render(tmp_path / "b.pdf").read_bytes()
    assert a == b


# --- slips --------------------------------------------------------------------------------------------------

SLIP_LABELS = ["姓名", "岗位", "等级", "岗位等级工资", "基础绩效", "一肩挑补贴", "职业资格津贴", "奖励性绩效", "其他补发", "应发合计",
               "养老保险", "医疗保险", "失业保险", "住房公积金", "个人所得税", "其他扣款", "扣款合计", "实发工资"]


def slips(n: int) -> list[Slip]:
    return [Slip(SLIP_LABELS, [f"工作者{i}", "三岗", 5] + [Decimal("1000.00") + i] * 15, caption=f"东风社区 工作者{i}")
            for i in range(n)]


@needs_poppler
def test_slips_are_whole_on_their_page_and_embed_their_font(tmp_path: Path):
    out = render_slips(tmp_path / "工资条.pdf", "2026年1月工资条", slips(25), per_page=4)
    assert all(f["emb"] == "yes" for f in pdf_fonts(out))
    pages = pdf_pages(out)
    assert len(pages) == 7
    seen = []
    for number, page in enumerate(pages, start=1):
        titles = re.findall(r"2026年1月工资条\s+东风社区 工作者(\d+)", page)
        assert 1 <= len(titles) <= 4
        # every slip on the page has all of its labels and its last value: none is split
        assert page.count("实发工资") == len(titles) and page.count("岗位等级工资") == len(titles)
        assert has_page_label(page, number, 7)
        seen += [int(t) for t in titles]
    assert seen == list(range(25))
    assert "1,024.00" in pages[-1]


def test_slips_fill_pages_when_no_count_is_given(tmp_path: Path):
    out = render_slips(tmp_path / "s.pdf", "工资条", slips(30))
    if POPPLER:
        pages = pdf_pages(out)
        assert 2 <= len(pages) <= 6
        assert sum(len(re.findall(r"东风社区 工作者\d+", p)) for p in pages) == 30


def test_slips_accept_plain_label_and_value_pairs(tmp_path: Path):
    out = render_slips(tmp_path / "s.pdf", "工资条", [(["姓名", "实发工资"], ["张三", Decimal("4200.50")])])
    if POPPLER:
        assert re.search(r"张三\s+4,200.50", pdf_pages(out)[0])


def test_cancelling_slips_writes_nothing(tmp_path: Path):
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 2

    with pytest.raises(ExportCancelled):
        render_slips(tmp_path / "s.pdf", "工资条", slips(40), per_page=5, progress=progress)
    assert not (tmp_path / "s.pdf").exists()
    assert not list(tmp_path.iterdir())         # no temporary file left behind either
    assert seen[-1] == (2, 8)


def _measure(count: int = 10_000) -> None:
    """Print the time to draw `count` slips, and a form table of `count` rows, against reportlab's canvas drawing
    the same strings one by one."""
    import tempfile
    import time

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    blocks = slips(count)
    regular = fontmod.cjk_fonts().regular
    folder = Path(tempfile.mkdtemp())
    start = time.process_time()
    canvas = Canvas(str(folder / "raw.pdf"), pagesize=A4, initialFontName=regular)
    for first in range(0, count, 8):
        canvas.setFont(regular, 8)
        y = 800.0
        for slip in blocks[first:first + 8]:
            canvas.drawString(40, y, "2026年1月工资条　" + slip.caption)
            for i, (label, value) in enumerate(zip(slip.labels, slip.values)):
                x = 40 + (i % 11) * 48
                canvas.drawString(x, y - 12 - (i // 11) * 24, label)
                canvas.drawString(x, y - 24 - (i // 11) * 24, format_value(value, "amount" if isinstance(value, Decimal) else "text"))
            y -= 90
        canvas.showPage()
    canvas.save()
    baseline = time.process_time() - start
    start = time.process_time()
    render_slips(folder / "slips.pdf", "2026年1月工资条", blocks, per_page=8)
    ours = time.process_time() - start
    print(f"{count} slips: raw canvas {baseline:.2f} s, render_slips {ours:.2f} s, ratio {ours / baseline:.2f}")
    table = pay_table(count)
    start = time.process_time()
    FormTableRenderer(table).render(folder / "table.pdf")
    ours = time.process_time() - start
    # the same strings drawn one by one, 50 rows to an A4 page
    strings = [[c.label for c in table.columns]] + [[format_value(v, c.kind) for v, c in zip(row, table.columns)]
                                                    for row in [*table.rows, table.total]]
    start = time.process_time()
    canvas = Canvas(str(folder / "raw_table.pdf"), pagesize=A4, initialFontName=regular)
    for first in range(1, len(strings), 50):
        canvas.setFont(regular, 9)
        y = 800.0
        for row in [strings[0], *strings[first:first + 50]]:
            for i, text in enumerate(row):
                canvas.drawString(40 + i * 64, y, text)
            y -= 15
        canvas.showPage()
    canvas.save()
    baseline = time.process_time() - start
    print(f"{count}-row form table: raw canvas {baseline:.2f} s, FormTableRenderer {ours:.2f} s, "
          f"ratio {ours / baseline:.2f}")
    shutil.rmtree(folder)


if __name__ == "__main__":
    _measure()


@needs_poppler
def test_a_column_too_narrow_for_its_total_takes_room_from_columns_that_have_it(tmp_path: Path):
    # the caller's weights guessed a street; the 合计 is a city's
    columns = [Column("社区", 3), Column("实发工资", 0.5, "amount"), Column("领款人签字", 3)]
    table = FormTable("工资发放表", columns, [["东风社区", Decimal("4200.23"), ""]],
                      total=["合计", Decimal("1234567890.12"), ""])
    renderer = FormTableRenderer(table)
    out = renderer.render(tmp_path / "表.pdf")
    [figure] = [w for w in pdf_words(out) if w[4] == "1,234,567,890.12"]
    from reportlab.pdfbase.pdfmetrics import stringWidth
    natural = stringWidth("1,234,567,890.12", renderer.font_bold, renderer.table_font_size)
    assert abs((figure[2] - figure[0]) - natural) < 0.5          # at the table's size, not shrunk
    [label] = [w for w in pdf_words(out) if w[4] == "领款人签字"]
    assert figure[2] < label[0]                                    # and inside its own column

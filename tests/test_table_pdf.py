"""A table as a PDF (the layout of ledger exports and of the window's printing): A4, ≥ 8 pt, wide tables spread
over pages with their key columns, long text wrapped whole, every page saying what it is."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from exports.pdf import ExportCancelled
from exports.table import TableColumn
from exports.table_pdf import render_table_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")

ROOMS = "、".join(f"{name}({area})" for name, area in
                  [("便民服务大厅", "280.95"), ("党员活动室", "376.81"), ("心理咨询室", "253.07"), ("图书阅览室", "120.50"),
                   ("儿童之家", "88.00"), ("老年活动室", "64.20"), ("调解室", "30.00"), ("会议室", "150.75")])


def pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def page_size(path: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return float(w), float(h)


def glyph_sizes(path: Path) -> set[float]:
    """The size of the Chinese text on the pages: a Chinese character is one em wide."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    sizes = set()
    for x0, x1, word in re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)<', out):
        if re.fullmatch(r"[\u4e00-\u9fff]+", word):
            sizes.add(round((float(x1) - float(x0)) / len(word), 1))
    return sizes


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_narrow_table_is_one_portrait_page(tmp_path):
    columns = [TableColumn("社区名称", key=True), TableColumn("户数", "int"), TableColumn("辖区面积", "decimal")]
    rows = [["幸福社区", 4371, Decimal("1.25")], ["和平社区", 528, Decimal("12.50")]]
    out = render_table_pdf("示范街道社区台账", "导出时间：2026年3月1日 10:00，共2条", columns, rows, tmp_path / "t.pdf")
    w, h = page_size(out)
    assert (round(w), round(h)) == (595, 842)           # A4 portrait
    [page] = pages(out)
    assert "示范街道社区台账" in page and "导出时间：2026年3月1日 10:00，共2条" in page and "第1页共1页" in flat(page)
    assert re.search(r"幸福社区\s+4371\s+1\.25", page) and re.search(r"和平社区\s+528\s+12\.50", page)


def test_a_wide_table_spreads_over_pages_each_with_the_key_columns(tmp_path):
    columns = ([TableColumn("姓名", key=True), TableColumn("身份证号", "code")]
               + [TableColumn(f"第{i}项金额", "money") for i in range(1, 25)])
    rows = [[f"工作者{n:03d}", f"11010519900101{n:04d}"] + [Decimal("1234567.89") + i for i in range(24)]
            for n in range(1, 121)]
    out = render_table_pdf("示范街道工资明细", "共120人", columns, rows, tmp_path / "wide.pdf")
    w, h = page_size(out)
    assert (round(w), round(h)) == (842, 595)           # A4 landscape
    texts = pages(out)
    bands = sum(1 for t in texts if "工作者001" in t)
    assert bands >= 2 and len(texts) % bands == 0
    shown_columns = set()
    for number, text in enumerate(texts, start=1):
        assert "示范街道工资明细" in text and f"第{number}页共{len(texts)}页" in flat(text)
        assert "姓名" in text and f"此为第{(number - 1) % bands + 1}页" in text
        shown_columns |= set(re.findall(r"第(\d+)项金额", text))
        # the pages of one run of rows follow each other: each names the same workers
        first_run = texts[(number - 1) // bands * bands]
        assert re.findall(r"工作者\d{3}", text) == re.findall(r"工作者\d{3}", first_run)
    assert shown_columns == {str(i) for i in range(1, 25)}
    assert all(re.findall(r"工作者(\d{3})", t) for t in texts)
    assert sorted({int(n) for t in texts for n in re.findall(r"工作者(\d{3})", t)}) == list(range(1, 121))
    assert "1,234,590.89" in "".join(texts)             # the 24th amount, whole
    assert min(glyph_sizes(out)) >= 8


def test_long_text_wraps_whole_and_numbers_dates_and_codes_are_never_broken(tmp_path):
    columns = [TableColumn("阵地名称", key=True), TableColumn("功能室", width=16), TableColumn("建成日期", "date"),
               TableColumn("联系电话", "code"), TableColumn("建筑面积", "decimal")]
    rows = [["幸福社区党群服务中心", ROOMS, date(2015, 3, 1), "13900001111", Decimal("1965.00")]] * 3
    out = render_table_pdf("示范街道阵地台账", "", columns, rows, tmp_path / "rooms.pdf")
    [page] = pages(out)
    assert flat(page).count(flat(ROOMS)) == 0            # wrapped over lines …
    drawn = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert flat(drawn).count(ROOMS) == 3                 # … and whole, on every row
    assert page.count("2015-03-01") == 3 and page.count("13900001111") == 3 and page.count("1965.00") == 3


def test_cancelling_writes_nothing(tmp_path):
    columns = [TableColumn("姓名", key=True), TableColumn("备注")]
    rows = [[f"工作者{n}", "备注" * 10] for n in range(2000)]
    with pytest.raises(ExportCancelled):
        render_table_pdf("名单", "", columns, rows, tmp_path / "x.pdf", progress=lambda done, total: done < 3)
    assert list(tmp_path.iterdir()) == []


def test_a_remark_of_five_hundred_characters_is_printed_whole_among_many_columns(tmp_path):
    # ten columns that give up width when wrapped: the remark must not be squeezed taller than a page
    columns = [TableColumn("姓名", key=True)] + [TableColumn(f"项目{i}") for i in range(10)] + [TableColumn("备注")]
    remark = "社区工作者年度考核优秀备注" * 38 + "完"                 # 495 characters
    row = ["欧阳振华"] + ["幸福社区党群服务中心"] * 10 + [remark]
    out = render_table_pdf("名单", "", columns, [row], tmp_path / "r.pdf")
    drawn = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert remark in flat(drawn) and "…" not in drawn

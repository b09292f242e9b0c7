"""Writes the built-in report templates of this folder: `python resources/templates/make_report_templates.py`.

The .xlsx files are checked in next to this script, which is what made them: an office adjusts its own copy
in Excel (title wording, legal marks, column widths, signature lines), and a change to a built-in template
is made here and the file regenerated, so that the layout stays reviewable as code. The placeholders are
those of exports/template.py ({{名称}}, {{#行}}, {{#合计}}, {{合计:字段}}).
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))     # run as a script from anywhere: the estimate lives in exports/
from exports.cell_width import fitted_width  # noqa: E402

SONG = "宋体"
HEI = "黑体"
THIN = Side(style="thin")
BOX = Border(THIN, THIN, THIN, THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center")
RIGHT = Alignment(horizontal="right", vertical="center")
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")

COUNT = "0"
MONEY = "#,##0.00"
RATE = "0.0"
AREA = "#,##0.00"


def _cell(ws: Worksheet, ref: str, value: object, *, font: Font | None = None, align: Alignment | None = None,
          border: Border | None = None, fmt: str | None = None, fill: PatternFill | None = None) -> None:
    cell = ws[ref]
    cell.value = value
    cell.font = font or Font(name=SONG, size=10)
    if align is not None:
        cell.alignment = align
    if border is not None:
        cell.border = border
    if fmt is not None:
        cell.number_format = fmt
    if fill is not None:
        cell.fill = fill


def _box(ws: Worksheet, first: str, last: str) -> None:
    """Borders on every cell of a range, merged ones included (Excel draws a merged cell's edge from them)."""
    for row in ws[f"{first}:{last}"]:
        for cell in row:
            cell.border = BOX


# ---------------------------------------------------------------------------------------------------------
# 季度统计汇总 (DOMAIN.md §4)


def _fits(widest: str, minimum: float) -> float:
    """As wide as the header wants, and wide enough for the widest figure in bold 9 pt (the 合计 row)."""
    return max(minimum, fitted_width(widest, 9, bold=True))


# The widest figures of a city's quarter (DOMAIN.md §1: a prefecture has 27 streets and 154 communities; a city
# of 10,000 社区工作者 has about a thousand): counts below 100,000, 党员 below 1,000,000, 户数 below 10,000,000,
# 经费 below 10,000,000,000.00 yuan, 阵地面积 below 10,000,000.00 m².
COUNT_W, MEMBERS_W, HOUSEHOLDS_W = _fits("99999", 5.5), _fits("999999", 7), _fits("9999999", 8)
MONEY_W, AREA_W = _fits("9,999,999,999.99", 13), _fits("9,999,999.99", 10)
# a header that names the months (活动次数（1—12月）) as wide as its widest line
MONTHS_W = max(COUNT_W, fitted_width("（1—12月）", 9))

# (header label, group, field placeholder, number format, alignment, width)
QUARTERLY_COLUMNS: list[tuple[str, str | None, str, str | None, Alignment, float]] = [
    ("序号", None, "{{序号}}", COUNT, CENTER, 5),
    ("社区", None, "{{社区}}", None, LEFT, 13),
    ("党委", "党组织数（个）", "{{党委}}", COUNT, RIGHT, COUNT_W),
    ("党总支", "党组织数（个）", "{{党总支}}", COUNT, RIGHT, COUNT_W),
    ("党支部", "党组织数（个）", "{{党支部}}", COUNT, RIGHT, COUNT_W),
    ("网格\n党支部", "党组织数（个）", "{{网格党支部}}", COUNT, RIGHT, COUNT_W),
    # a 党小组 is part of its 支部, not a 党组织: listed apart, under a heading of its own
    ("党小组\n（个）", None, "{{党小组}}", COUNT, RIGHT, COUNT_W),
    ("党员数\n（人）", None, "{{党员数}}", COUNT, RIGHT, MEMBERS_W),
    ("网格数\n（个）", None, "{{网格数}}", COUNT, RIGHT, max(COUNT_W, 6.5)),
    ("户数\n（户）", None, "{{户数}}", COUNT, RIGHT, HOUSEHOLDS_W),
    ("专职\n网格员\n（人）", None, "{{专职网格员}}", COUNT, RIGHT, max(COUNT_W, 6.5)),
    ("{{岗位1名称}}", "社区工作者（人）", "{{岗位1}}", COUNT, RIGHT, COUNT_W),
    ("{{岗位2名称}}", "社区工作者（人）", "{{岗位2}}", COUNT, RIGHT, COUNT_W),
    ("{{岗位3名称}}", "社区工作者（人）", "{{岗位3}}", COUNT, RIGHT, COUNT_W),
    ("小计", "社区工作者（人）", "{{工作者小计}}", COUNT, RIGHT, COUNT_W),
    ("年度预算", "经费（元，{{经费期间}}累计）", "{{年度预算}}", MONEY, RIGHT, MONEY_W),
    ("拨入", "经费（元，{{经费期间}}累计）", "{{拨入}}", MONEY, RIGHT, MONEY_W),
    ("支出", "经费（元，{{经费期间}}累计）", "{{支出}}", MONEY, RIGHT, MONEY_W),
    ("结余", "经费（元，{{经费期间}}累计）", "{{结余}}", MONEY, RIGHT, MONEY_W),
    ("执行率\n（%）", "经费（元，{{经费期间}}累计）", "{{执行率}}", RATE, RIGHT, 7),
    ("面积\n（平方米）", "阵地", "{{阵地面积}}", AREA, RIGHT, AREA_W),
    ("达标", "阵地", "{{达标}}", None, CENTER, 6),
]
# The wider ledgers' columns (from the third version): counts of a city's communities stay below 100,000, the
# members and the residents served below ten million.
WIDER_COLUMNS: list[tuple[str, str | None, str, str | None, Alignment, float]] = [
    ("单位\n（家）", "共建单位和项目", "{{共建单位}}", COUNT, RIGHT, COUNT_W),
    ("实施中\n项目", "共建单位和项目", "{{项目实施中}}", COUNT, RIGHT, max(COUNT_W, 6.5)),
    ("已完成\n项目", "共建单位和项目", "{{项目已完成}}", COUNT, RIGHT, max(COUNT_W, 6.5)),
    ("报到\n党员\n（人）", None, "{{报到党员}}", COUNT, RIGHT, HOUSEHOLDS_W),
    ("队伍\n（支）", "志愿服务", "{{志愿服务队}}", COUNT, RIGHT, COUNT_W),
    ("活动次数\n（{{经费期间}}）", "志愿服务", "{{活动次数}}", COUNT, RIGHT, MONTHS_W),
    ("服务人次\n（{{经费期间}}）", "志愿服务", "{{服务人次}}", COUNT, RIGHT, max(MONTHS_W, HOUSEHOLDS_W)),
    ("受理\n（{{经费期间}}）", "民生诉求（件）", "{{诉求受理}}", COUNT, RIGHT, MONTHS_W),
    ("办结\n（{{经费期间}}）", "民生诉求（件）", "{{诉求办结}}", COUNT, RIGHT, MONTHS_W),
    ("办结率\n（%）", "民生诉求（件）", "{{办结率}}", RATE, RIGHT, 7),
    ("按期\n办结率\n（%）", "民生诉求（件）", "{{按期办结率}}", RATE, RIGHT, 7),
    ("满意率\n（%）", "民生诉求（件）", "{{满意率}}", RATE, RIGHT, 7),
    ("超期\n未结", "民生诉求（件）", "{{超期未结}}", COUNT, RIGHT, COUNT_W),
    ("小区数\n（个）", "小区", "{{小区}}", COUNT, RIGHT, max(COUNT_W, 6.5)),
    ("红色物业\n覆盖率\n（%）", "小区", "{{红色物业覆盖率}}", RATE, RIGHT, 8),
]
# the 合计 row: sums by the engine where a column adds up; the rates and a count of 达标 are the domain's own
QUARTERLY_TOTALS = {"社区": "合计", "执行率": "{{合计执行率}}", "达标": "{{合计达标}}", "序号": "",
                    **{rate: f"{{{{合计{rate}}}}}" for rate in ("办结率", "按期办结率", "满意率", "红色物业覆盖率")}}


def quarterly_columns(groups_apart: bool = True,
                      wider: bool = True) -> list[tuple[str, str | None, str, str | None, Alignment, float]]:
    """The columns; the layouts kept to reprint the quarters closed under earlier versions: the first
    (季度统计汇总（第1版）) had the 党小组 under the 党组织数 heading, the second (第2版) no wider ledgers."""
    columns = QUARTERLY_COLUMNS + (WIDER_COLUMNS if wider else [])
    if groups_apart:
        return columns
    return [("党小组", "党组织数（个）", *rest) if rest[0] == "{{党小组}}" else (label, group, *rest)
            for label, group, *rest in columns]


def _signature_spans(columns: list, row: int, wider: bool) -> list[str]:
    """The five signature cells: spread evenly across the table's width (the PDF places them by the same shares),
    or where the layouts before the wider ledgers had them."""
    last = get_column_letter(len(columns))
    if not wider:
        return [f"A{row}:D{row}", f"E{row}:H{row}", f"I{row}:L{row}", f"M{row}:P{row}", f"Q{row}:{last}{row}"]
    widths = [width for *_rest, width in columns]
    starts = [1]
    for share in (0.2, 0.4, 0.6, 0.8):      # each cell starts at the first column past its share of the width
        starts.append(next(i for i in range(starts[-1] + 1, len(widths) + 1)
                           if sum(widths[:i - 1]) >= share * sum(widths)))
    ends = [start - 1 for start in starts[1:]] + [len(columns)]
    return [f"{get_column_letter(a)}{row}:{get_column_letter(b)}{row}" for a, b in zip(starts, ends)]


def make_quarterly(path: Path, groups_apart: bool = True, wider: bool = True) -> None:
    columns = quarterly_columns(groups_apart, wider)
    wb = Workbook()
    ws = wb.active
    ws.title = "季度统计汇总"
    n = len(columns)
    last = get_column_letter(n)
    small = Font(name=SONG, size=9)

    # legal marks, top right: they belong to the authority the table is reported to, so an office edits them
    marks = ["表    号：街社统季1表", "制定机关：区民政局", "批准文号：区统字〔2026〕1号", "有效期至：2028年12月"]
    for i, text in enumerate(marks, start=1):
        ws.merge_cells(f"S{i}:{last}{i}")
        _cell(ws, f"S{i}", text, font=small, align=LEFT)
    # whether the figures are frozen: an open quarter says so where a reader looks first
    ws.merge_cells("A1:H2")
    _cell(ws, "A1", "{{关账状态}}", font=Font(name=HEI, size=10, color="C00000"),
          align=Alignment(horizontal="left", vertical="top", wrap_text=True))

    ws.merge_cells(f"A5:{last}5")
    _cell(ws, "A5", "{{街道名称}}{{报告期}}统计汇总表", font=Font(name=HEI, size=18), align=CENTER)
    ws.row_dimensions[5].height = 32

    ws.merge_cells("A6:G6")
    _cell(ws, "A6", "填报单位：{{填报单位}}", align=LEFT)
    ws.merge_cells("J6:O6")
    _cell(ws, "J6", "报告期：{{报告期}}", align=Alignment(horizontal="center", vertical="center"))
    ws.merge_cells(f"S6:{last}6")
    units = "个、人、户、元、平方米" + ("、家、项、支、次、人次、件" if wider else "")
    _cell(ws, "S6", f"计量单位：{units}", align=RIGHT)
    ws.row_dimensions[6].height = 20

    header_font = Font(name=HEI, size=9)
    groups: dict[str, list[int]] = {}
    for index, (label, group, *_rest) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if group is None:
            ws.merge_cells(f"{letter}7:{letter}8")
            _cell(ws, f"{letter}7", label, font=header_font, align=CENTER, fill=HEADER_FILL)
        else:
            groups.setdefault(group, []).append(index)
            _cell(ws, f"{letter}8", label, font=header_font, align=CENTER, fill=HEADER_FILL)
    for group, members in groups.items():
        first, end = get_column_letter(members[0]), get_column_letter(members[-1])
        ws.merge_cells(f"{first}7:{end}7")
        _cell(ws, f"{first}7", group, font=header_font, align=CENTER, fill=HEADER_FILL)
    _box(ws, "A7", f"{last}8")
    ws.row_dimensions[7].height = 20
    ws.row_dimensions[8].height = 42

    body = Font(name=SONG, size=9)
    bold = Font(name=SONG, size=9, bold=True)
    for index, (_label, _group, placeholder, fmt, align, width) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = width
        _cell(ws, f"{letter}9", ("{{#行}}" if index == 1 else "") + placeholder, font=body, align=align, border=BOX,
              fmt=fmt)
        field = placeholder.strip("{}")
        total = QUARTERLY_TOTALS.get(field, "{{合计:" + field + "}}")
        _cell(ws, f"{letter}10", ("{{#合计}}" if index == 1 else "") + total, font=bold,
              align=CENTER if index <= 2 else align, border=BOX, fmt=fmt)
    ws.merge_cells("A10:B10")
    ws["A10"].value = "{{#合计}}合计"
    ws.row_dimensions[9].height = 18
    ws.row_dimensions[10].height = 18

    note = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ws.merge_cells(f"A11:{last}11")
    _cell(ws, "A11", "补充资料：{{较上季度}}", font=small, align=note)
    ws.row_dimensions[11].height = 30
    ws.merge_cells(f"A12:{last}12")
    _cell(ws, "A12", "填表说明：{{填表说明}}", font=small, align=note)
    ws.row_dimensions[12].height = 42

    signatures = ["单位负责人：", "统计负责人：", "填表人：", "联系电话：", "报出日期：{{报出日期}}"]
    for span, text in zip(_signature_spans(columns, 14, wider), signatures):
        ws.merge_cells(span)
        _cell(ws, span.split(":")[0], text, align=LEFT)
    ws.row_dimensions[14].height = 24

    ws.print_area = f"A1:{last}14"
    ws.print_title_rows = "7:8"
    ws.freeze_panes = "C9"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.6
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9
    ws.sheet_view.zoomScale = 90
    wb.properties.title = "季度统计汇总表"
    wb.save(path)


# ---------------------------------------------------------------------------------------------------------

TEMPLATES: dict[str, Callable[[Path], None]] = {
    "季度统计汇总.xlsx": make_quarterly,
    # not offered for adjusting: the layout the quarters closed before 党小组 were listed apart reprint in
    "archive/季度统计汇总（第1版）.xlsx": lambda path: make_quarterly(path, groups_apart=False, wider=False),
    "archive/季度统计汇总（第2版）.xlsx": lambda path: make_quarterly(path, wider=False),
}


def main(argv: list[str]) -> int:
    wanted = argv or list(TEMPLATES)
    for name in wanted:
        (HERE / name).parent.mkdir(exist_ok=True)
        TEMPLATES[name](HERE / name)
        print(f"已生成 {HERE / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

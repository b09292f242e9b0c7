"""季度统计汇总 as a PDF for leaders: key indicators with their change, charts, and the per-社区 table."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from exports import charts
from exports import quarterly_content as content
from exports.form_text import form_text
from exports.pdf import Column, FormTable, PdfRenderer
from exports.quarterly_xlsx import template_for, template_values
from ledger.money import round_half_up
from ledger.quarter import ORG_COLUMNS, QuarterReport
from ledger.services.funds import CATEGORIES as FUND_CATEGORIES

# Sober colours that still part in a grey-scale print: party red, gold, slate blue, greys.
PALETTE = [colors.HexColor(c) for c in ("#B22222", "#D4A017", "#4A6FA5", "#7F8C8D", "#2E8B57", "#8E5B9E")]
INK = colors.HexColor("#222222")
GRID_GREY = colors.HexColor("#BBBBBB")
# communities per bar chart: more than this and the names below the bars can no longer be read
PER_CHART = 40
# header labels broken where a reader expects, not wherever the width runs out
ORG_HEADERS = {"网格党支部": "网格\n党支部"}


def _wan(value: Decimal) -> Decimal:
    """Yuan in 万元 to two decimals, as leaders read large amounts."""
    return round_half_up(value / 10000)


def _int(value: int) -> str:
    return f"{value:,}"


class QuarterlyPdf(PdfRenderer):
    """The leaders' PDF: A4 landscape, its own charts first, the government-form table after."""

    landscape = True
    top_margin = 16 * mm
    table_font_size = 8      # 22 columns across A4 landscape

    def __init__(self, report: QuarterReport) -> None:
        super().__init__()
        self.report = report
        self.figures = report.figures
        self.title = content.title(self.figures)
        self.created = content.issued_at(self.figures)
        self.fonts = charts.ChartFonts(self.font_name, self.font_bold)
        sheet = self.styles
        self.h2 = ParagraphStyle("h2", parent=sheet["normal"], fontName=self.font_bold, fontSize=12, leading=16,
                                 spaceBefore=2 * mm, spaceAfter=1.5 * mm)
        self.body = ParagraphStyle("body", parent=sheet["normal"], fontSize=10.5, leading=17, firstLineIndent=21)
        self.status = ParagraphStyle("status", parent=sheet["subtitle"], fontSize=10,
                                     textColor=colors.HexColor("#B22222") if self.figures.is_open else INK)

    # --- the story ------------------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        f = self.figures
        story: list[Flowable] = [
            Paragraph(_esc(self.title), self.styles["title"]),
            Paragraph(_esc(f"报告期：{f.quarter.label}　　数据截至：{content.cn_date(f.as_of)}　　填报单位：{f.street}"),
                      self.styles["subtitle"]),
            Paragraph(_esc(content.status_text(f)), self.status),
            Paragraph("一、总体情况", self.h2),
            Paragraph(_esc(self.narrative()), self.body),
            Paragraph("二、主要指标", self.h2),
            self.indicator_table(),
            CondPageBreak(70 * mm),
            Paragraph("三、图表", self.h2),
            self.overview_charts(),
        ]
        for start in range(0, len(f.rows), PER_CHART):
            rows = f.rows[start:start + PER_CHART]
            suffix = "" if len(f.rows) <= PER_CHART else f"（{start + 1}—{start + len(rows)}）"
            story.append(KeepTogether([Spacer(1, 3 * mm), self.workers_chart(rows, suffix)]))
            story.append(KeepTogether([Spacer(1, 3 * mm), self.rate_chart(rows, suffix)]))
        story += self.form_table_story(self.form_table())     # it starts on a new page itself
        if f.wider:
            story += self.form_table_story(self.wider_table())
        return story

    def narrative(self) -> str:
        f, t = self.figures, self.figures.total
        fund = t.fund
        posts = "、".join(f"{name}{t.workers.get(name, 0)}名" for name in f.posts)
        rate = fund.execution_rate
        values = self.report.values
        avg, share = values["venue_avg"], values["large_share"]
        households = "户数未填报" if t.households is None else f"户数{_int(t.households)}户"
        orgs = f"党组织{_int(f.org_figure(t))}个" + (f"（另有党小组{_int(t.party_groups)}个）" if f.groups_apart else "")
        text = (f"截至{content.cn_date(f.as_of)}，全街道共有社区{len(f.rows)}个、网格{_int(t.grids)}个、{households}；"
                f"{orgs}，党员{_int(t.members)}名。在岗社区工作者{_int(t.workers_total)}名（{posts}），"
                f"其中专职网格员{_int(t.grid_workers)}名。{f.quarter.months_label}累计拨入经费{_wan(fund.allocated):,}万元、"
                f"支出{_wan(fund.spent):,}万元")
        text += f"，预算执行率{rate}%。" if rate is not None else "。"
        if avg is not None:
            text += (f"社区阵地平均面积{avg:,}平方米，社区级党群服务中心达标{t.venues_met}个（参评{t.venues_judged}个），"
                     f"1000平方米以上的社区占{share}%。")
        if f.wider:
            coverage = t.red_coverage
            text += (f"共建单位{_int(t.partners)}家，共建项目实施中{_int(t.projects_active)}项、已完成"
                     f"{_int(t.projects_done)}项；报到在职党员{_int(t.reported)}名；志愿服务队{_int(t.teams)}支，"
                     f"{f.quarter.months_label}开展活动{_int(t.activities)}次、服务群众{_int(t.service_visits)}人次；"
                     f"小区{_int(t.estates)}个" + (f"，红色物业覆盖率{coverage}%。" if coverage is not None else "。"))
            text += self.cases_narrative()
        return text

    def cases_narrative(self) -> str:
        """The 民生诉求 sentence: the year's cases, how many were handled (in time) and how residents rated them."""
        f, cases = self.figures, self.figures.total.cases
        text = f"{f.quarter.months_label}受理民生诉求{_int(cases.accepted)}件，办结{_int(cases.resolved)}件"
        rates = [(name, rate) for name, rate in (("办结率", cases.resolved_rate), ("按期办结率", cases.in_time_rate),
                                                 ("满意率", cases.satisfaction_rate)) if rate is not None]
        if rates:
            text += "，" + "、".join(f"{name}{rate}%" for name, rate in rates)
        return text + f"；截至{content.cn_date(f.as_of)}超期未结{_int(cases.overdue_open)}件。"

    # --- indicators -----------------------------------------------------------------------------------
    def indicator_table(self) -> Table:
        """A card per indicator, six a row: the label, the figure large, its change against the previous quarter.

        Plain strings in three table rows per card row rather than a Paragraph per text: laying out 36 CJK
        paragraphs cost as much as drawing all the charts.
        """
        values = self.report.values
        indicators = self.report.indicators
        per_row = 6
        data: list[list[str]] = []
        for start in range(0, len(indicators), per_row):
            labels, shown_values, changes = [], [], []
            for indicator in indicators[start:start + per_row]:
                value = values[indicator.key]
                unit = indicator.unit
                if value is None:
                    shown = "—"
                elif unit == "元":
                    shown, unit = f"{_wan(value):,}", "万元"
                elif unit == "%":
                    shown = f"{value}"
                elif isinstance(value, Decimal):
                    shown = f"{value:,}"
                else:
                    shown = _int(value)
                labels.append(f"{indicator.label}（{unit}）")
                shown_values.append(shown)
                changes.append(content.change_label(self.report, indicator.key, in_wan=True))
            blank = [""] * (per_row - len(labels))      # the last row of cards may be short
            data += [labels + blank, shown_values + blank, changes + blank]
        commands: list[tuple] = [
            ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BOX", (0, 0), (-1, -1), 0.8, INK), ("LINEAFTER", (0, 0), (-2, -1), 0.4, GRID_GREY),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
        for top in range(0, len(data), 3):
            commands += [
                ("FONT", (0, top), (-1, top), self.font_name, 8, 10),
                ("TEXTCOLOR", (0, top), (-1, top), colors.HexColor("#444444")),
                ("TOPPADDING", (0, top), (-1, top), 5),
                ("FONT", (0, top + 1), (-1, top + 1), self.font_bold, 15, 18),
                ("TEXTCOLOR", (0, top + 1), (-1, top + 1), INK),
                ("FONT", (0, top + 2), (-1, top + 2), self.font_name, 7.5, 9),
                ("TEXTCOLOR", (0, top + 2), (-1, top + 2), colors.HexColor("#444444")),
                ("BOTTOMPADDING", (0, top + 2), (-1, top + 2), 5)]
            if top + 3 < len(data):
                commands.append(("LINEBELOW", (0, top + 2), (-1, top + 2), 0.4, GRID_GREY))
        return Table(data, colWidths=[self.frame_width / per_row] * per_row, style=TableStyle(commands))

    # --- charts ---------------------------------------------------------------------------------------
    def overview_charts(self) -> Table:
        half = self.frame_width / 2
        pie = self.posts_pie(half - 4 * mm, 62 * mm)
        funds = self.funds_chart(half - 4 * mm, 62 * mm)
        table = Table([[pie, funds]], colWidths=[half, half])
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), self.font_name, 9),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return table

    def _empty(self, drawing: charts.Chart, text: str) -> charts.Chart:
        drawing.text(drawing.width / 2, drawing.height / 2, text, self.font_name, 9, INK, "middle")
        return drawing

    def posts_pie(self, width: float, height: float) -> charts.Chart:
        """The workforce by 岗位, for the whole street."""
        t = self.figures.total
        drawing = charts.new_drawing(width, height, self.fonts, "在岗社区工作者岗位构成")
        counts = [t.workers.get(name, 0) for name in self.figures.posts]
        total = sum(counts)
        if not total:
            return self._empty(drawing, "暂无在岗社区工作者")
        radius = min((height - 34) / 2, width * 0.22)
        center = (24 + radius, (height - 18) / 2)
        charts.pie_chart(drawing, center, radius, [float(c) for c in counts], PALETTE)
        x = center[0] + radius + 24
        y = center[1] + 9 * len(counts)
        for i, (name, count) in enumerate(zip(self.figures.posts, counts)):
            share = round_half_up(Decimal(count) * 100 / total, Decimal("0.1"))
            charts.legend(drawing, x, y - 18 * i, [(PALETTE[i % len(PALETTE)], f"{name}　{count}人（{share}%）")],
                          self.fonts, size=9)
        return drawing

    def funds_chart(self, width: float, height: float) -> charts.Chart:
        """预算, 拨入 and 支出 per funding category (万元), with each category's 执行率 above its bars."""
        t = self.figures.total
        drawing = charts.new_drawing(width, height, self.fonts,
                                     f"各类经费{self.figures.quarter.months_label}执行情况（万元）")
        categories = [c for c in FUND_CATEGORIES if c in t.funds and (t.funds[c].budget or t.funds[c].allocated
                                                                      or t.funds[c].spent)]
        if not categories:
            return self._empty(drawing, "暂无经费数据")
        funds = [t.funds[c] for c in categories]
        series = [[float(_wan(f.budget)) for f in funds], [float(_wan(f.allocated)) for f in funds],
                  [float(_wan(f.spent)) for f in funds]]
        above = [f"执行率{f.execution_rate}%" if f.execution_rate is not None else "" for f in funds]
        palette = [GRID_GREY, PALETTE[2], PALETTE[0]]
        items = list(zip(palette, ("年度预算", "累计拨入", "累计支出")))
        charts.legend(drawing, (width - charts.legend_width(items, self.fonts)) / 2, height - 28, items, self.fonts)
        charts.bar_chart(drawing, (40, 34, width - 52, height - 76), [_short_category(c) for c in categories],
                         series, palette, self.fonts, above=above)
        return drawing

    def _community_chart(self, title: str, rows: Sequence, series: list[list[float]], names: Sequence[str],
                         palette: Sequence, **options) -> charts.Chart:
        width, height = self.frame_width, 70 * mm
        drawing = charts.new_drawing(width, height, self.fonts, title)
        if names:
            items = list(zip(palette, names))
            charts.legend(drawing, width - charts.legend_width(items, self.fonts) - 8, height - 12, items, self.fonts)
        bottom = 40 if len(rows) > 16 else 22
        charts.bar_chart(drawing, (34, bottom, width - 44, height - bottom - 26),
                         [r.name.removesuffix("社区") for r in rows], series, palette, self.fonts,
                         label_size=6.5 if len(rows) > 30 else 7.5, **options)
        return drawing

    def workers_chart(self, rows: Sequence, suffix: str) -> charts.Chart:
        """A bar per 社区: its workers stacked by 岗位."""
        posts = self.figures.posts
        series = [[float(r.workers.get(p, 0)) for r in rows] for p in posts]
        return self._community_chart(f"各社区在岗社区工作者（按岗位）{suffix}", rows, series, posts, PALETTE,
                                     stacked=True)

    def rate_chart(self, rows: Sequence, suffix: str) -> charts.Chart:
        """A bar per 社区: its 经费执行率, against the street's (a dashed line)."""
        rates = [r.fund.execution_rate for r in rows]
        highest = float(max((r for r in rates if r is not None), default=Decimal(0)))
        street = self.figures.total.fund.execution_rate
        reference = (float(street), f"全街道 {street}%", PALETTE[0]) if street is not None else None
        return self._community_chart(
            f"各社区经费执行率（%，{self.figures.quarter.months_label}）{suffix}", rows,
            [[float(r) if r is not None else 0.0 for r in rates]], (), [PALETTE[2]],
            top=100.0 if highest <= 100 else charts.nice_max(highest), reference=reference)

    # --- the table ------------------------------------------------------------------------------------
    def form_table(self) -> FormTable:
        f = self.figures
        org_names = [name for name, _ in f.org_columns]            # under the 党组织数 heading
        apart = [name for name, _ in ORG_COLUMNS if name not in org_names]   # the 党小组, from version 2
        # widths: three characters of a header fit a 0.75 column at 8 pt, an amount of millions a 1.3 one
        columns = [Column("序号", 0.5, "center"), Column("社区", 1.4)]
        columns += [Column(ORG_HEADERS.get(name, name), 0.75, "count") for name in org_names]
        columns += [Column(f"{name}\n(个)", 0.75, "count") for name in apart]
        columns += [Column("党员数", 0.75, "count"), Column("网格数", 0.75, "count"), Column("户数", 0.85, "count"),
                    Column("专职\n网格员", 0.8, "count")]
        columns += [Column(p, 0.6, "count") for p in f.posts] + [Column("小计", 0.6, "count")]
        columns += [Column("年度预算", 1.3, "amount"), Column("拨入", 1.3, "amount"), Column("支出", 1.3, "amount"),
                    Column("结余", 1.3, "amount"), Column("执行率\n(%)", 0.75, "amount"),
                    Column("面积\n(平方米)", 1.05, "amount"), Column("达标", 0.55, "center")]
        n_orgs, n_posts = len(org_names), len(f.posts)
        first_post = 2 + n_orgs + len(apart) + 4
        first_fund = first_post + n_posts + 1
        groups = [("党组织数（个）", 2, 1 + n_orgs), ("社区工作者（人）", first_post, first_post + n_posts),
                  (f"经费（元，{f.quarter.months_label}累计）", first_fund, first_fund + 4),
                  ("阵地", first_fund + 5, first_fund + 6)]

        def cells(row, seq) -> list:
            fund = row.fund
            rate = fund.execution_rate
            return ([seq, row.name] + [row.org_column(n) for n in org_names + apart]
                    + [row.members, row.grids, content.count_or_dash(row.households), row.grid_workers]
                    + [row.workers.get(p, 0) for p in f.posts] + [row.workers_total]
                    + [fund.budget, fund.allocated, fund.spent, fund.balance, f"{rate}" if rate is not None else "—",
                       row.venue_area, content.meets_text(row) if seq != "" else content.met_text(row)])

        rows = [cells(row, i) for i, row in enumerate(f.rows, start=1)]
        total = cells(f.total, "")
        total[1] = "合计"
        # the title, legal marks and the lines under the table as the quarter's xlsx template has them
        text = form_text(template_for(f), template_values(self.report))
        return FormTable(
            title=text.title, columns=columns, rows=rows, unit_name=f.street,
            period=f.quarter.label, measure="计量单位：个、人、户、元、平方米", groups=groups, total=total,
            marks=text.marks, footer=text.footer)

    def wider_table(self) -> FormTable:
        """The wider ledgers' figures per community, a form of its own (the main one is full across the page).

        A community without registrations counts its 党组织's 在职党员报到数, marked * and named in the notes.
        """
        f = self.figures
        months = f.quarter.months_label
        columns = [Column("序号", 0.5, "center"), Column("社区", 1.6), Column("共建单位\n(家)", 0.9, "count"),
                   Column("实施中", 0.8, "count"), Column("已完成", 0.8, "count"), Column("报到党员\n(人)", 0.9, "count"),
                   Column("队伍\n(支)", 0.7, "count"), Column(f"活动次数\n({months})", 1.0, "count"),
                   Column(f"服务人次\n({months})", 1.0, "count"),
                   Column(f"受理\n({months})", 0.9, "count"), Column(f"办结\n({months})", 0.9, "count"),
                   Column("办结率\n(%)", 0.8, "amount"), Column("按期\n办结率(%)", 0.9, "amount"),
                   Column("满意率\n(%)", 0.8, "amount"), Column("超期\n未结", 0.7, "count"),
                   Column("小区数", 0.7, "count"), Column("红色物业\n覆盖率(%)", 1.0, "amount")]
        groups = [("共建项目", 3, 4), ("志愿服务", 6, 8), ("民生诉求（件）", 9, 14), ("小区", 15, 16)]

        def cells(row, seq) -> list:
            rates = {name: f"{rate}" if isinstance(rate, Decimal) else rate
                     for name, rate in content.rates(row).items()}
            reported = f"{row.reported}*" if row.reported_by_orgs and seq != "" else row.reported
            return [seq, row.name, row.partners, row.projects_active, row.projects_done, reported, row.teams,
                    row.activities, row.service_visits, row.cases.accepted, row.cases.resolved, rates["办结率"],
                    rates["按期办结率"], rates["满意率"], row.cases.overdue_open, row.estates, rates["红色物业覆盖率"]]

        rows = [cells(row, i) for i, row in enumerate(f.rows, start=1)]
        total = cells(f.total, "")
        total[1] = "合计"
        return FormTable(
            title=f"{f.street}各社区共建、报到、志愿服务与民生诉求情况统计表", columns=columns, rows=rows,
            unit_name=f.street, period=f.quarter.label, measure="计量单位：家、项、人、支、次、人次、件、个",
            groups=groups, total=total,
            signatures=("填表人：", "审核人：", "单位负责人：", f"报出日期：{content.report_date(f)}"),
            notes="填表说明：" + content.wider_notes(f) + "标*的为按党组织填报的在职党员报到数。")

    # --- page decorations -----------------------------------------------------------------------------
    def decorate_page(self, canvas: Canvas, doc) -> None:
        f = self.figures
        width, height = self.page_size
        canvas.saveState()
        canvas.setFont(self.font_name, 8)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(self.left_margin, height - 9 * mm, self.title)
        if f.is_open:
            canvas.setFillColor(PALETTE[0])
            canvas.drawRightString(width - self.right_margin, height - 9 * mm, "未关账 · 数据按当前台账计算，可能变化")
        else:
            canvas.drawRightString(width - self.right_margin, height - 9 * mm,
                                   f"已关账 · {f.closed_at:%Y-%m-%d}冻结")
        canvas.setStrokeColor(GRID_GREY)
        canvas.setLineWidth(0.4)
        canvas.line(self.left_margin, height - 10.5 * mm, width - self.right_margin, height - 10.5 * mm)
        canvas.restoreState()


def _short_category(name: str) -> str:
    """Funding categories are long; break them so that four fit under their bars."""
    return {"党组织服务群众专项经费": "党组织服务\n群众专项经费", "网格化管理经费": "网格化\n管理经费",
            "社区工作经费": "社区\n工作经费", "共建项目资金": "共建\n项目资金"}.get(name, name)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_quarterly_pdf(report: QuarterReport, out_path: str | Path) -> Path:
    return QuarterlyPdf(report).render(out_path)

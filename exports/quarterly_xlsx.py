"""季度统计汇总 as an Excel workbook for upward reporting, filled into the 季度统计汇总.xlsx template."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from exports import quarterly_content as content
from exports.template import FillResult, builtin_templates_dir, fill
from ledger import paths
from ledger.quarter import QuarterFigures, QuarterReport

TEMPLATE = "季度统计汇总.xlsx"
# The layouts of the quarters closed under earlier snapshot versions: before 党小组 were listed apart from the
# 党组织 (version 1), and before the wider ledgers' columns (version 2).
FIRST_LAYOUT = Path("archive") / "季度统计汇总（第1版）.xlsx"
SECOND_LAYOUT = Path("archive") / "季度统计汇总（第2版）.xlsx"
LAYOUTS = {1: FIRST_LAYOUT, 2: SECOND_LAYOUT}


def template_values(report: QuarterReport) -> dict[str, object]:
    """The single values of the template: title line, status, 合计 cells that do not add up, notes."""
    figures = report.figures
    total = figures.total
    rate = total.fund.execution_rate
    values: dict[str, object] = {
        "街道名称": figures.street, "填报单位": figures.street, "报告期": figures.quarter.label,
        "经费期间": figures.quarter.months_label, "关账状态": content.status_text(figures),
        "合计执行率": rate if rate is not None else "—", "合计达标": content.met_text(total),
        "较上季度": content.changes_text(report), "填表说明": content.notes_text(figures),
        "报出日期": content.report_date(figures),
    }
    # the wider columns' rates of the 合计, from the sums (a quarter closed before them has none: a dash)
    total_rates = content.rates(total) if figures.wider else {}
    values.update({f"合计{field}": total_rates.get(field, "—") for field in content.RATE_FIELDS})
    for index, field in enumerate(content.POST_FIELDS):
        values[f"{field}名称"] = figures.posts[index] if index < len(figures.posts) else ""
    return values


def template_for(figures: QuarterFigures) -> str | Path:
    """The template a quarter is printed with: an office's adjusted copy wins over the built-in one, and a
    quarter closed under an earlier version, if the office has none, keeps the built-in layout it was reported in."""
    if figures.version not in LAYOUTS:
        return TEMPLATE
    own = paths.user_templates_dir() / TEMPLATE
    return own if own.is_file() else builtin_templates_dir() / LAYOUTS[figures.version]


def write_quarterly_xlsx(report: QuarterReport, out_path: str | Path, template: str | Path | None = None, *,
                         warn: Callable[[str], None] | None = None) -> FillResult:
    """Fill the template (by default the quarter's own, see template_for); raises TemplateError.

    The file is dated by content.issued_at: a closed quarter's reprint is the same file as its first print."""
    figures = report.figures
    rows = [content.row_values(row, figures.posts, figures.wider) for row in figures.rows]
    return fill(template or template_for(figures), template_values(report), rows, out_path=out_path,
                fields=content.ROW_FIELDS, warn=warn, stamp=content.issued_at(figures))

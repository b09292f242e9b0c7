"""银行代发清单: who gets how much into which account, for the bank; needs the "pay.bank" permission."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from exports import ExportError
from exports.pay_records import REMARK, ProgressFn, bank_remark, month_lines, title_values
from exports.template import fill, find_template, template_names
from ledger import audit
from ledger.app import Ledger
from ledger.pay.columns import label
from ledger.money import format_yuan
from ledger.pay.runs import LineRecord, Payroll, month_key
from ledger.services.workers import stored_doubts

TEMPLATE = "银行代发清单.xlsx"
COLUMNS = ("worker_name", "id_number", "bank_account", "net")
FIELDS = tuple(map(label, COLUMNS))


def export_bank_list(ledger: Ledger, month: str, out: str | Path, progress: ProgressFn | None = None, *,
                     warn: Callable[[str], None] | None = None) -> Path:
    """Write the month's bank list (.xlsx); refused without "pay.bank" or while the run is still a draft.

    A 身份证号 or 银行账号 that fails its check is written as stored (the bank is the judge of its own accounts),
    and `warn` is told, one line per person, so that the clerk checks it before the file goes to the bank; so is
    a column of an office's template too narrow for a figure.
    """
    ledger.actor.require("pay.bank")
    month = month_key(month)
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise ExportError(f"银行代发清单只能导出为 .xlsx，而“{out.name}”不是")
    summary = Payroll(ledger).summary(month)
    if summary is not None and not summary.approved:
        raise ExportError(f"{month}的工资表还是草稿：审批后才能导出银行代发清单")
    lines = month_lines(ledger, month)
    paid = [line for line in lines if not bank_remark(line)]
    missing = [line.worker_name for line in paid if not line.bank_account]
    if missing:
        raise ExportError(f"以下人员没有银行账号，无法代发：{'、'.join(missing[:10])}"
                          f"{'等' + str(len(missing)) + '人' if len(missing) > 10 else ''}；请先在社区工作者台账中补全")
    rows = [{label(key): getattr(line, key) for key in COLUMNS} for line in paid]
    for line in paid if warn is not None else ():
        for message in stored_doubts(line.id_number, line.bank_account).values():
            warn(f"{line.worker_name}（{line.community}）：{message}")
    values = {**title_values(ledger, month), REMARK: left_out_remark(lines, paid)}
    if values[REMARK] and REMARK not in template_names(find_template(TEMPLATE)).values:
        raise ExportError(f"本月有人不列入银行代发清单，须在清单上说明，但模板“{TEMPLATE}”没有 {{{{{REMARK}}}}}："
                          f"请在合计行下加一行写 {{{{{REMARK}}}}}，或恢复内置模板（“报表模板”页的“恢复内置模板”按钮，"
                          f"或命令 report-template reset {TEMPLATE}）")
    fill(TEMPLATE, values, rows, out_path=out, fields=FIELDS, warn=warn)
    if progress is not None:
        progress(1, 1)
    audit.exported(ledger, f"银行代发清单 {month}", out, len(rows), personal=True)
    return out


def left_out_remark(lines: list[LineRecord], paid: list[LineRecord]) -> str:
    """The 备注 under the list when the bank pays fewer people than the sheet lists: who, why, and how the list's
    count and total reconcile with the sheet's ('' when they agree)."""
    left_out = [line for line in lines if bank_remark(line)]
    if not left_out:
        return ""
    who = "；".join(f"{line.worker_name}（{line.community}）实发{format_yuan(line.net)}元" for line in left_out)
    signs = {line.net < 0 for line in left_out}
    kind = "为负或为零" if len(signs) == 2 else "为负" if True in signs else "为零"
    sheet_total = sum((line.net for line in lines), Decimal(0))
    paid_total = sum((line.net for line in paid), Decimal(0))
    return (f"备注：以下{len(left_out)}人实发{kind}，不列入本清单：{who}。"
            f"工资发放表{len(lines)}人、实发合计{format_yuan(sheet_total)}元；"
            f"本清单{len(paid)}人、合计{format_yuan(paid_total)}元。")

"""银行代发清单: who gets how much into which account, for the bank; needs the "pay.bank" permission."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from exports import ExportError
from exports.pay_records import ProgressFn, month_lines, title_values
from exports.template import fill
from ledger import audit
from ledger.app import Ledger
from ledger.pay.columns import label
from ledger.pay.runs import Payroll, month_key
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
    missing = [line.worker_name for line in lines if not line.bank_account and line.net > 0]
    if missing:
        raise ExportError(f"以下人员没有银行账号，无法代发：{'、'.join(missing[:10])}"
                          f"{'等' + str(len(missing)) + '人' if len(missing) > 10 else ''}；请先在社区工作者台账中补全")
    rows = [{label(key): getattr(line, key) for key in COLUMNS} for line in lines if line.net > 0]
    for line in lines if warn is not None else ():
        if line.net > 0:
            for message in stored_doubts(line.id_number, line.bank_account).values():
                warn(f"{line.worker_name}（{line.community}）：{message}")
    fill(TEMPLATE, title_values(ledger, month), rows, out_path=out, fields=FIELDS, warn=warn)
    if progress is not None:
        progress(1, 1)
    audit.exported(ledger, f"银行代发清单 {month}", out, len(rows), personal=True)
    return out

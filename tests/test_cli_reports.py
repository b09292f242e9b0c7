"""quarter close|reopen|show|list and export quarterly / ledger-* as a user runs them."""
from __future__ import annotations

from datetime import date

import openpyxl

from cli import main
from ledger import quarter


def test_quarter_commands_and_exports(tmp_path, capsys):
    db = str(tmp_path / "t.sqlite")
    assert main(["--db", db, "init", "--name", "测试街道"]) == 0
    assert main(["--db", db, "demo", "--scale", "street"]) == 0
    capsys.readouterr()

    assert main(["--db", db, "quarter", "show", "2025-Q4"]) == 0
    shown = capsys.readouterr().out
    assert "测试街道2025年第四季度统计汇总（截至2025-12-31）" in shown and "未关账" in shown and "合计" in shown

    assert main(["--db", db, "quarter", "close", "2025-Q4"]) == 0
    assert "已关账：2025年第四季度（12个社区" in capsys.readouterr().out
    assert main(["--db", db, "quarter", "close", "2025-Q4"]) == 1
    assert "不能重复关账" in capsys.readouterr().err
    assert main(["--db", db, "quarter", "close", "2026-Q7"]) == 1
    assert "不是有效的季度" in capsys.readouterr().err
    assert main(["--db", db, "quarter", "list"]) == 0
    assert capsys.readouterr().out.startswith("2025-Q4  2025年第四季度  关账于")

    pdf, xlsx = tmp_path / "汇总.pdf", tmp_path / "汇总.xlsx"
    assert main(["--db", db, "export", "quarterly", "--quarter", "2025-Q4", "-o", str(pdf)]) == 0
    assert "已关账，数据已冻结" in capsys.readouterr().out
    assert pdf.read_bytes().startswith(b"%PDF")
    assert main(["--db", db, "export", "quarterly", "--quarter", "2025-Q4", "-o", str(xlsx)]) == 0
    capsys.readouterr()
    assert openpyxl.load_workbook(xlsx).active["A5"].value == "测试街道2025年第四季度统计汇总表"
    assert main(["--db", db, "export", "quarterly", "-o", str(pdf)]) == 1
    assert "请用 --quarter 指定季度" in capsys.readouterr().err
    assert main(["--db", db, "export", "quarterly", "--quarter", "2025-Q4", "-o", str(tmp_path / "x.csv")]) == 1
    capsys.readouterr()

    for kind in ("communities", "orgs", "grids", "workers", "funds", "venues"):
        out = tmp_path / f"{kind}.xlsx"
        assert main(["--db", db, "export", f"ledger-{kind}", "-o", str(out)]) == 0, kind
        assert "台账" in capsys.readouterr().out and out.exists()
    assert main(["--db", db, "export", "ledger-grids", "--community", "幸福社区", "-o", str(tmp_path / "g.xlsx")]) == 0
    assert "网格台账 10 条" in capsys.readouterr().out

    assert main(["--db", db, "quarter", "reopen", "2025-Q4", "--reason", "补录十二月经费"]) == 0
    assert "已重新打开：2025年第四季度" in capsys.readouterr().out
    assert main(["--db", db, "quarter", "list"]) == 0
    assert "还没有已关账的季度" in capsys.readouterr().out


def test_quarter_containing_today_cannot_be_closed_yet(tmp_path, capsys):
    db = str(tmp_path / "t.sqlite")
    main(["--db", db, "init", "--name", "测试街道"])
    main(["--db", db, "demo"])
    capsys.readouterr()
    current = quarter.Quarter.containing(date.today())
    assert main(["--db", db, "quarter", "close", current.code]) == 1
    assert "结束后才能关账" in capsys.readouterr().err

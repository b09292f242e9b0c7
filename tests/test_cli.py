"""The command line: init, demo and check as a user runs them; clear messages on bad input."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_init_demo_check(tmp_path, capsys):
    db = str(tmp_path / "t.sqlite")
    assert main(["--db", db, "init", "--name", "测试街道"]) == 0
    assert "已建立街道：测试街道" in capsys.readouterr().out
    assert main(["--db", db, "demo", "--scale", "street"]) == 0
    assert "社区工作者300" in capsys.readouterr().out
    assert main(["--db", db, "check"]) == 0
    assert "0个错误" in capsys.readouterr().out


def test_demo_twice_is_refused_with_message(tmp_path, capsys):
    db = str(tmp_path / "t.sqlite")
    main(["--db", db, "demo", "--scale", "street"])
    capsys.readouterr()
    assert main(["--db", db, "demo", "--scale", "street"]) == 1
    assert "只能加载到空数据库" in capsys.readouterr().err


def test_empty_street_name_refused(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "t.sqlite"), "init", "--name", " "]) == 1
    assert "街道名称：必填" in capsys.readouterr().err


def test_version_and_no_display_message(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["STREETLEDGER_DATA_DIR"] = str(tmp_path)
    version = subprocess.run([sys.executable, "main.py", "--version"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert version.returncode == 0 and "街道台账" in version.stdout
    if sys.platform.startswith("linux"):
        gui = subprocess.run([sys.executable, "main.py"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)
        assert gui.returncode == 1 and "没有可用的图形显示" in gui.stderr


def test_default_database_lives_in_the_data_folder(data_dir, capsys):
    assert main(["init", "--name", "默认街道"]) == 0
    assert (data_dir / "streetledger.sqlite").exists()


def test_unreachable_server_is_a_message_not_a_traceback(capsys):
    assert main(["--db", "postgresql+psycopg://postgres@127.0.0.1:1/none", "check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：无法打开数据库") and "Traceback" not in err


def test_payroll_adjust_refuses_absurd_amounts_in_chinese(tmp_path, capsys):
    """The review's probes: 1e15 was accepted and approved; a 20-digit amount ended in an OverflowError."""
    from ledger.app import Ledger
    from ledger.models import PayAdjustment
    from ledger.services.workers import WorkerService
    from tests.helpers import count, worker
    from tests.workbooks import communities

    db = str(tmp_path / "t.sqlite")
    assert main(["--db", db, "init", "--name", "测试街道"]) == 0
    ledger = Ledger.open(db)
    communities(ledger, "幸福社区")
    number = WorkerService(ledger).create(worker())["id_number"]
    ledger.close()
    capsys.readouterr()
    for amount in ("1e15", "99999999999999999999"):
        code = main(["--db", db, "payroll", "adjust", "2026-01", "--worker", number, "--kind", "补发",
                     "--amount", amount, "--reason", "补发"])
        err = capsys.readouterr().err
        assert code == 1 and err.startswith(f"错误：金额：“{amount}”过大：不能超过1,000,000.00元"), err
        assert "Traceback" not in err
    assert main(["--db", db, "payroll", "adjust", "2026-01", "--worker", number, "--kind", "补发",
                 "--amount", "1,000,000", "--reason", "补发"]) == 0
    assert "已记录其他补发 1,000,000.00元：张华（幸福社区），补发" in capsys.readouterr().out
    ledger = Ledger.open(db)
    assert count(ledger, PayAdjustment) == 1
    ledger.close()


def test_settings_lists_and_changes_a_ceiling(tmp_path, capsys):
    db = str(tmp_path / "t.sqlite")
    main(["--db", db, "init", "--name", "测试街道"])
    capsys.readouterr()
    assert main(["--db", db, "settings"]) == 0
    assert "工资项目、补发或扣款的单笔上限（元）：1,000,000" in capsys.readouterr().out
    assert main(["--db", db, "settings", "工资项目", "2,000,000"]) == 0
    assert main(["--db", db, "settings"]) == 0
    assert "工资项目、补发或扣款的单笔上限（元）：2,000,000" in capsys.readouterr().out
    assert main(["--db", db, "settings", "工资项目", "0"]) == 1
    assert "单笔上限（元）：不能小于1" in capsys.readouterr().err
    assert main(["--db", db, "settings", "上限", "5"]) == 1
    assert "对应多项设置" in capsys.readouterr().err

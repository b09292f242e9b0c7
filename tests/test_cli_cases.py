"""`case` on the command line: a case taken through its loop, refusals with their reasons, each role, overdue
lists, the holidays and the 时限 settings."""
from __future__ import annotations

import pytest

import cli
from ledger.access import ADMIN, CLERK, LEADER, Actor
from ledger.accounts import create_user, login
from ledger.app import Ledger
from ledger.services import CommunityService
from ledger.services.street import init_street

PASSWORD = "街道2026ok"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cases.sqlite"
    ledger = Ledger.open(path, Actor(source="测试"))
    init_street(ledger, "测试街道")
    for name in ("幸福社区", "和平社区"):
        CommunityService(ledger).create({"name": name})
    ledger.close()
    return str(path)


def run(db: str, capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--db", db, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


NEW = ("case", "new", "--source", "居民来访", "--community", "幸福社区", "--category", "环境卫生",
       "--content", "3号楼楼道堆放杂物", "--found", "2026-03-02", "--reporter", "刘芳")


def test_a_case_through_its_loop(db, capsys):
    assert run(db, capsys, *NEW)[1].strip() == "已登记民生诉求 2026-00001（幸福社区，环境卫生，待上报）"
    steps = (
        (("escalate", "2026-00001", "--date", "2026-03-02"), "已上报：民生诉求 2026-00001，现在是“待转办”"),
        (("assign", "2026-00001", "--unit", "街道城管办", "--date", "2026-03-06"),
         "已转办：民生诉求 2026-00001，现在是“办理中”，办理期限2026-03-11"),
        (("resolve", "2026-00001", "--result", "已清理", "--date", "2026-03-10"), "已处置：民生诉求 2026-00001，现在是“待反馈”"),
        (("feedback", "2026-00001", "--date", "2026-03-10"), "已反馈：民生诉求 2026-00001，现在是“待评价”"),
        (("rate", "2026-00001", "不满意", "--date", "2026-03-11"),
         "已评价：民生诉求 2026-00001，现在是“办理中”，办理期限2026-03-16"),
    )
    for argv, said in steps:
        code, out, err = run(db, capsys, "case", *argv)
        assert (code, out.strip(), err) == (0, said, "")
    code, out, _ = run(db, capsys, "case", "show", "2026-00001")
    lines = out.splitlines()
    assert "状态：办理中" in lines and "反映人：刘芳" in lines
    timeline = lines[lines.index("办理过程：") + 1:]
    assert [line.split()[:2] for line in timeline[:6]] == [
        ["2026-03-02", "登记"], ["2026-03-02", "上报"], ["2026-03-06", "转办"], ["2026-03-10", "处置"],
        ["2026-03-10", "反馈"], ["2026-03-11", "评价"]]
    assert "街道城管办，时限3个工作日（至2026-03-11）" in timeline[2]
    assert "不满意，退回重新处置（至2026-03-16）" in timeline[5]
    assert "可以办理：处置、督办" in lines
    assert "  不能反馈：须先处置才能反馈（现在是“办理中”）" in lines


def test_refusals_say_why_and_change_nothing(db, capsys):
    run(db, capsys, *NEW)
    code, _out, err = run(db, capsys, "case", "resolve", "2026-00001", "--result", "已清理")
    assert code == 1 and err.strip() == "错误：办结日期：须先上报才能处置（现在是“待上报”）"
    code, _out, err = run(db, capsys, "case", "escalate", "2026-00001", "--date", "2026-03-01")
    assert code == 1 and err.strip() == "错误：上报日期：早于发现日期（2026-03-02）"
    code, _out, err = run(db, capsys, "case", "escalate", "2026-09999")
    assert code == 1 and "没有编号为“2026-09999”的民生诉求" in err
    code, _out, err = run(db, capsys, "case", "new", "--source", "来信", "--community", "幸福社区", "--category",
                          "环境卫生", "--content", "x")
    assert code == 1 and "来源" in err
    code, out, _ = run(db, capsys, "case", "show", "2026-00001")
    assert "状态：待上报" in out


def test_each_role_on_the_command_line(db, capsys, monkeypatch):
    ledger = Ledger.open(db, Actor(source="测试"))
    create_user(ledger, "管理员甲", ADMIN, PASSWORD)
    admin = login(ledger, "管理员甲", PASSWORD).ledger
    create_user(admin, "领导丁", LEADER, PASSWORD)
    create_user(admin, "幸福录入员", CLERK, PASSWORD, community="幸福社区")
    ledger.close()
    monkeypatch.setenv("STREETLEDGER_PASSWORD", PASSWORD)
    as_user = lambda user, *argv: run(db, capsys, "--user", user, *argv)   # noqa: E731
    assert as_user("幸福录入员", *NEW)[0] == 0
    assert as_user("幸福录入员", "case", "escalate", "2026-00001", "--date", "2026-03-02")[0] == 0
    code, _out, err = as_user("幸福录入员", "case", "assign", "2026-00001", "--unit", "街道城管办")
    assert code == 1 and err.strip() == "错误：转办由街道办理：社区账号只能登记和上报本社区的诉求"
    code, _out, err = as_user("领导丁", "case", "assign", "2026-00001", "--unit", "街道城管办")
    assert code == 1 and "角色是领导，没有“转办、处置、反馈和评价民生诉求”的权限" in err
    code, out, _ = as_user("领导丁", "case", "supervise", "2026-00001", "--note", "尽快转办", "--date", "2026-03-03")
    assert code == 0 and out.strip() == "已督办：民生诉求 2026-00001，现在是“待转办”"
    code, _out, err = as_user("幸福录入员", "case", "supervise", "2026-00001")
    assert code == 1 and "没有“督办民生诉求”的权限" in err
    assert as_user("管理员甲", "case", "assign", "2026-00001", "--unit", "街道城管办", "--date", "2026-03-03")[0] == 0
    code, out, _ = as_user("领导丁", "audit", "--ledger", "民生诉求")
    assert [line.split()[2:4] for line in out.splitlines()] == [
        ["幸福录入员（命令行）", "新增"], ["幸福录入员（命令行）", "上报"], ["领导丁（命令行）", "督办"],
        ["管理员甲（命令行）", "转办"]]


def test_overdue_list(db, capsys):
    for community in ("幸福社区", "和平社区"):
        run(db, capsys, "case", "new", "--source", "电话", "--community", community, "--category", "安全隐患",
            "--content", "消防通道被占用", "--found", "2026-03-02")
    for number in ("2026-00001", "2026-00002"):
        run(db, capsys, "case", "escalate", number, "--date", "2026-03-02")
        run(db, capsys, "case", "assign", number, "--unit", "街道应急办", "--date", "2026-03-02")
    run(db, capsys, "case", "resolve", "2026-00002", "--result", "已清理", "--date", "2026-03-03")
    code, out, _ = run(db, capsys, "case", "list", "--overdue")
    lines = out.splitlines()
    assert code == 0 and lines[-1] == "共1件超期未办结的民生诉求"
    assert lines[0].startswith("2026-00001　幸福社区　安全隐患　办理中　发现2026-03-02　期限2026-03-03，超期")
    code, out, _ = run(db, capsys, "case", "list", "--community", "和平社区")
    assert out.splitlines()[-1] == "共1件民生诉求" and "待反馈" in out


def test_holidays_and_limits_are_the_offices_to_change(db, capsys):
    code, out, _ = run(db, capsys, "case", "holidays", "list", "2026")
    lines = out.splitlines()
    assert "2026-02-14 星期六 上班 春节" in lines and "2026-10-07 星期三 放假 国庆节" in lines
    assert lines[-1] == "2026年：放假33天，调休上班6天"
    code, out, _ = run(db, capsys, "case", "holidays", "list", "2027")
    assert "2027年的节假日安排尚未录入" in out and "2025、2026" in out
    code, _out, err = run(db, capsys, "case", "holidays", "set", "2027-02-08", "上班")
    assert code == 1 and "星期一" in err and "调休上班只用于周六、周日" in err
    assert run(db, capsys, "case", "holidays", "set", "2027-02-06", "放假", "--name", "春节")[1].strip() == \
        "已登记：2027-02-06（星期六）放假（春节）"
    # a 时限 of 2 working days for 安全隐患, and a Monday made a holiday: both count for the next 转办
    assert run(db, capsys, "settings", "安全隐患", "2")[0] == 0
    assert run(db, capsys, "case", "holidays", "set", "2026-03-09", "放假")[0] == 0
    run(db, capsys, "case", "new", "--source", "电话", "--community", "幸福社区", "--category", "安全隐患",
        "--content", "消防通道被占用", "--found", "2026-03-06")
    run(db, capsys, "case", "escalate", "2026-00001", "--date", "2026-03-06")
    assert run(db, capsys, "case", "assign", "2026-00001", "--unit", "街道应急办", "--date", "2026-03-06")[1].strip() \
        .endswith("办理期限2026-03-11")
    assert run(db, capsys, "case", "holidays", "clear", "2026-03-09")[0] == 0
    code, _out, err = run(db, capsys, "case", "holidays", "clear", "2026-03-09")
    assert code == 1 and "没有登记过" in err

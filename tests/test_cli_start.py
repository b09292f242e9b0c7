"""A command starts with what it needs: only the command modules that add it, and no schema upgrade machinery for a
database already at the newest schema."""
from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import cli
from cli.registry import EXPORTS, IMPORTS, TEMPLATES
from ledger.access import Actor
from ledger.app import Ledger
from ledger.db import head_revision, make_engine, newest_revision
from ledger.idcard import make_id
from ledger.services import CommunityService

ROOT = Path(__file__).resolve().parent.parent


def test_each_command_module_adds_the_commands_it_is_listed_with():
    for name, listed in cli.COMMAND_MODULES.items():
        module = importlib.import_module(name)
        sub = argparse.ArgumentParser().add_subparsers()
        module.register(sub)
        added = set(sub.choices)
        for command, kinds in (("export", EXPORTS), ("import", IMPORTS), ("template", TEMPLATES)):
            if any(kind.run.__module__ == name for kind in kinds.values()):
                added.add(command)
        assert added == set(listed), name


def test_a_command_is_parsed_as_the_whole_command_line_parses_it(tmp_path):
    line = ["--db", str(tmp_path / "x.sqlite"), "import", "workers", "花名册.xlsx", "--dry-run"]
    assert vars(cli.build_parser(line).parse_args(line)) == vars(cli.build_parser().parse_args(line))


def test_the_newest_migration_script_is_alembics_head(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert newest_revision() == head_revision(engine)
    engine.dispose()


def test_an_import_on_an_upgraded_database_loads_neither_alembic_nor_the_pay_run(tmp_path):
    db = tmp_path / "street.sqlite"
    assert cli.main(["--db", str(db), "init", "--name", "测试街道"]) == 0
    ledger = Ledger.open(db, Actor(source="命令行"))
    CommunityService(ledger).create({"name": "幸福社区"})
    ledger.close()
    roster = tmp_path / "roster.csv"
    roster.write_text(f"姓名,身份证号码,所属社区,职务,岗位,等级\n张华,{make_id('150203', date(1985, 6, 15), 231)},"
                      "幸福社区,社区工作者,三岗,5\n", encoding="utf-8")
    probe = ("import json, sys, cli\n"
             f"code = cli.main(['--db', {str(db)!r}, 'import', 'workers', {str(roster)!r}, '--dry-run'])\n"
             "print(json.dumps([code, sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'"
             " or m in ('ledger.pay.runs', 'ledger.demo', 'cli.commands.cases', 'cli.commands.reports'))]))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    code, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert (code, loaded) == (0, []), done.stderr

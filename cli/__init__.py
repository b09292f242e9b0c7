"""The command line: one face of the services (the GUI is the other). `python main.py --help` lists it all.

Global options (--db, --user) come before the command. Each feature registers its commands in a module
of cli/commands/; a command is a function (args, ledger) -> exit code.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys

from ledger import APP_NAME, __version__
from ledger.errors import LedgerError
from ledger.storage_errors import DamagedDatabase, storage_error

# Feature modules, each with register(subparsers), and the commands each adds (export, import and template for
# a module that registers kinds of file). Order is the order of `--help`. A command imports only the modules
# that add it: `import workers` starts without the pay run's, the reports' or the cases' modules
# (tests/test_cli_modules.py checks these lists against what each module registers).
COMMAND_MODULES = {
    "cli.commands.basic": ("init", "upgrade", "check", "settings"),
    "cli.commands.demo": ("demo",),
    "cli.commands.trust": ("user", "audit", "backup", "restore"),
    "cli.commands.templates": ("report-template",),
    # Feature modules that register export/import/template kinds come before cli.commands.files.
    "cli.commands.pay": ("payroll", "grading", "export", "import", "template"),
    "cli.commands.reports": ("quarter", "export"),
    "cli.commands.cases": ("case",),
    "cli.commands.importing": ("undo-import", "import", "template"),
    "cli.commands.files": ("export", "import", "template"),
}


def _global_parser(add_help: bool = True) -> argparse.ArgumentParser:
    """The options that come before a command; alone, they start the window."""
    parser = argparse.ArgumentParser(prog="streetledger", description=f"{APP_NAME}：街道办台账、工资与报表",
                                     epilog="不带命令运行时启动图形界面。", add_help=add_help)
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--db", metavar="PATH_OR_URL",
                        help="数据库文件路径或 PostgreSQL 地址（默认：数据目录下的 streetledger.sqlite）")
    parser.add_argument("--user", metavar="NAME", help="登录用户名（数据库有账号时必填；密码从提示或 STREETLEDGER_PASSWORD 读取）")
    return parser


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser of the command `argv` names, made from the modules that add it; of every command when `argv`
    names none it knows (for --help, and for argparse to list the commands when one is mistyped)."""
    parser = _global_parser()
    sub = parser.add_subparsers(dest="command", metavar="命令")
    command = _command_named(argv) if argv is not None else None
    for name, commands in COMMAND_MODULES.items():
        if command is None or command in commands:
            importlib.import_module(name).register(sub)
    return parser


def _command_named(argv: list[str]) -> str | None:
    """The command `argv` runs, if it is one of ours (None before a help or version option, and when none is named:
    every command is listed then)."""
    if "--version" in argv:
        return None
    parser = _global_parser(add_help=False)   # a command's own -h is the command's help
    parser.error = _refuse
    try:
        _args, rest = parser.parse_known_args(argv)
    except ValueError:
        return None
    known = {c for commands in COMMAND_MODULES.values() for c in commands}
    return rest[0] if rest and rest[0] in known else None


def main(argv: list[str] | None = None) -> int:
    _utf8_console()
    if (argv if argv is not None else sys.argv[1:])[:1] == ["--version"]:
        print(f"{APP_NAME} {__version__}")  # answered before every feature module is imported
        return 0
    window = _window_args(argv if argv is not None else sys.argv[1:])
    if window is not None:
        return _start_gui(window)
    parser = build_parser(argv if argv is not None else sys.argv[1:])
    args = parser.parse_args(argv)
    if args.command is None:
        return _start_gui(args)
    from sqlalchemy.exc import DBAPIError, OperationalError   # not before the window: it imports all of SQLAlchemy

    from .session import open_ledger, restore_hint
    try:
        if getattr(args, "opens_itself", False):
            return int(args.func(args, None) or 0)
        ledger = open_ledger(args)
        try:
            return int(args.func(args, ledger) or 0)
        finally:
            ledger.close()
    except DamagedDatabase as exc:
        print(f"错误：{exc}。{restore_hint(exc.path)}", file=sys.stderr)
        return 1
    except LedgerError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 130
    except (DBAPIError, sqlite3.Error, OSError) as exc:
        # A failure the storage layer did not name on its way up: named here if it is about storage, or, for
        # an unreachable server or an unreadable file, said plainly; anything else is a bug to be seen.
        from ledger.db import database_url, sqlite_file
        named = storage_error(exc, sqlite_file(database_url(args.db)))
        if named is None and not isinstance(exc, (OperationalError, sqlite3.OperationalError)):
            raise
        if named is None:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            named = f"无法打开数据库（{args.db or '默认数据库'}）：{reason}"
        print(f"错误：{named}", file=sys.stderr)
        return 1


def _window_args(argv: list[str]) -> argparse.Namespace | None:
    """The options of a start of the window (no command, no help), read without importing every command's module:
    the window appears that much sooner. None for anything else."""
    if any(a in ("-h", "--help", "--version") for a in argv):
        return None
    parser = _global_parser()
    parser.error = _refuse   # the full parser says what is wrong, once
    try:
        args, rest = parser.parse_known_args(argv)
    except ValueError:
        return None
    return None if rest else args


def _refuse(message: str):
    raise ValueError(message)


def _start_gui(args) -> int:
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                                 or os.environ.get("QT_QPA_PLATFORM")):
        print("没有可用的图形显示，无法启动窗口。请在桌面环境中运行，或使用命令行（python main.py --help）。",
              file=sys.stderr)
        return 1
    from ui.app import run
    return run(args)


def _utf8_console() -> None:
    """Chinese output on a Windows console or a pipe without a UTF-8 locale."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError):
            pass

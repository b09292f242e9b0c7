"""Run a built one-folder bundle the way a clerk's machine would, and fail loudly on any problem.

    python packaging/smoke_test_bundle.py dist/StreetLedger

Used by packaging/check_bundle.sh (Linux, CI) and packaging/build.py (Windows). The bundle runs from a
temporary folder outside the source tree, with its own data folder and home, so it can neither import
the sources by accident nor touch the developer's real data. Checked:

- the bundle holds the Alembic scripts, every shipped resource and Qt's Chinese catalogue;
- `--version` of both launchers prints ledger.__version__;
- `init` on a new database (this runs every migration inside the frozen app);
- `demo --scale street` on another new database;
- the month's payroll run and approved (PREPARE), then every `export` kind in every format it offers,
  and every `template` kind, on the demo database: the kinds are read from the CLI's registry in the
  sources, so a kind added later is checked without changing this script (the --month/--year/--quarter
  that its help text names are filled in), and the frozen app must offer the same kinds;
- the PostgreSQL driver loads (a refused connection is the expected answer, a missing module is not);
- the window starts on Qt's offscreen platform and stays up (once the sources have ui/app.py).

Exit status 0 only if everything passed; the last line says how many steps passed and failed.
"""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))

import bundle_contents  # noqa: E402
import version_info  # noqa: E402

EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""

# The period the exports are made for: the demo data runs up to today.
TODAY = date.today()
MONTH = f"{TODAY:%Y-%m}"
YEAR = str(TODAY.year)
QUARTER = f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}"
# Each export kind names the options it needs in its help text ("工资发放表（--month；.xlsx 或 .pdf）");
# these are the values given for them.
PERIOD_OPTIONS = {"--month": MONTH, "--year": YEAR, "--quarter": QUARTER}
# What a clerk does before the pay exports exist: the month's payroll, approved (the bank list is only
# made from an approved one). Run on the demo database when the CLI has the command.
PREPARE = [["payroll", "run", MONTH], ["payroll", "approve", MONTH]]
GUI_NAME = "StreetLedger" + EXE_SUFFIX
CLI_NAME = "streetledger-cli" + EXE_SUFFIX
TIMEOUT = 300  # seconds for one command; the street-scale demo takes about 2 s here

# Messages that mean a module is missing from the bundle rather than an operation failing.
IMPORT_FAILURES = ("No module named", "ModuleNotFoundError", "Can't load plugin", "no pq wrapper available")
# ... and those that mean the program died with a traceback on the way.
CRASH_SIGNS = (*IMPORT_FAILURES, "FileNotFoundError", "Failed to execute script", "Traceback (most recent call last)")


@dataclass
class Report:
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def ok(self, step: str) -> None:
        self.passed.append(step)
        print(f"通过  {step}", flush=True)

    def fail(self, step: str, detail: str = "") -> None:
        self.failed.append(step)
        print(f"失败  {step}", flush=True)
        if detail:
            print("      " + detail.strip().replace("\n", "\n      "), flush=True)


@dataclass
class Run:
    returncode: int
    output: str


class Bundle:
    """The frozen program, run with a private environment from a scratch folder."""

    def __init__(self, folder: Path, scratch: Path) -> None:
        self.folder = folder
        self.scratch = scratch
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        self.env.update({
            "STREETLEDGER_DATA_DIR": str(scratch / "data"),
            "HOME": str(scratch / "home"),
            "XDG_CONFIG_HOME": str(scratch / "home" / ".config"),
            "XDG_DATA_HOME": str(scratch / "home" / ".local" / "share"),
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONIOENCODING": "utf-8",
        })
        (scratch / "home").mkdir(parents=True, exist_ok=True)

    def run(self, args: Sequence[str], exe: str = CLI_NAME, timeout: float = TIMEOUT) -> Run:
        command = [str(self.folder / exe), *args]
        started = time.monotonic()
        try:
            done = subprocess.run(command, cwd=self.scratch, env=self.env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            return Run(-1, f"超时（{timeout} 秒）\n" + (exc.output or b"").decode("utf-8", "replace"))
        finally:
            print(f"  $ {exe} {shlex.join(args)}   [{time.monotonic() - started:.1f} 秒]", flush=True)
        return Run(done.returncode, done.stdout.decode("utf-8", "replace"))


@dataclass(frozen=True)
class Kind:
    """A kind of file the CLI can write, as registered in cli.registry."""

    name: str
    suffixes: tuple[str, ...]
    help: str

    def period_args(self) -> list[str]:
        return [arg for option, value in PERIOD_OPTIONS.items() if option in self.help for arg in (option, value)]


def registered_kinds() -> tuple[list[Kind], list[Kind], list[str]]:
    """The export kinds, the template kinds and the top-level commands, from the CLI in the sources
    (cli.registry is where each feature registers what it can write)."""
    sys.path.insert(0, str(ROOT))
    from cli import build_parser
    from cli import registry

    parser = build_parser()  # imports every feature module, which registers its kinds
    commands: list[str] = []
    for action in parser._actions:  # argparse keeps subcommands only here
        if isinstance(action, argparse._SubParsersAction):
            commands.extend(action.choices)
    def kinds(table) -> list[Kind]:
        return [Kind(name, tuple(k.suffixes), k.help) for name, k in sorted(table.items())]

    return kinds(registry.EXPORTS), kinds(getattr(registry, "TEMPLATES", {})), commands


def check_layout(bundle: Path, report: Report) -> None:
    internal = bundle / "_internal"
    step = "包内文件：可执行文件、迁移脚本、资源、Qt 中文翻译"
    problems = [f"缺少 {name}" for name in (GUI_NAME, CLI_NAME) if not (bundle / name).is_file()]
    source_versions = sorted(p.name for p in (ROOT / "ledger" / "migrations" / "versions").glob("*.py"))
    bundled_versions = sorted(p.name for p in (internal / "ledger" / "migrations" / "versions").glob("*.py"))
    if not (internal / "ledger" / "migrations" / "env.py").is_file():
        problems.append("缺少 ledger/migrations/env.py")
    if source_versions != bundled_versions:
        problems.append(f"迁移脚本不一致：源码 {source_versions}，包内 {bundled_versions}")
    spec = bundle_contents.spec_constants()
    shipped = bundle_contents.resource_datas(spec["RESOURCES"], spec.get("NOT_SHIPPED", ()))
    for source, dest in shipped:
        if not (internal / dest / Path(source).name).is_file():
            problems.append(f"缺少资源 {dest}/{Path(source).name}")
    if not any(internal.rglob("qtbase_zh_CN.qm")):
        problems.append("缺少 Qt 中文翻译 qtbase_zh_CN.qm")
    if problems:
        report.fail(step, "\n".join(problems))
    else:
        report.ok(f"{step}（迁移 {len(bundled_versions)} 个，资源 {len(shipped)} 个）")


def expect_success(report: Report, step: str, result: Run, must_contain: str | None = None) -> bool:
    if result.returncode != 0:
        report.fail(step, f"退出码 {result.returncode}\n{result.output[-3000:]}")
        return False
    if must_contain is not None and must_contain not in result.output:
        report.fail(step, f"输出中没有 {must_contain!r}：\n{result.output[-3000:]}")
        return False
    report.ok(step)
    return True


def check_output_file(report: Report, step: str, path: Path) -> None:
    """An export must leave a real file: a zip package for Office formats, a %PDF header for PDF."""
    if not path.is_file() or path.stat().st_size == 0:
        report.fail(step, f"没有生成文件 {path}")
        return
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".docx") and not zipfile.is_zipfile(path):
        report.fail(step, f"{path.name} 不是有效的 Office 文件")
    elif suffix == ".pdf" and not path.read_bytes().startswith(b"%PDF"):
        report.fail(step, f"{path.name} 不是 PDF")
    else:
        report.ok(f"{step}（{path.stat().st_size:,} 字节）")


def check_gui(bundle: Bundle, report: Report, seconds: float) -> None:
    """The window process must survive start-up; a missing Qt plugin or module ends it within seconds."""
    step = f"图形界面在 offscreen 平台上启动并保持运行 {seconds:g} 秒"
    exe = bundle.folder / GUI_NAME
    print(f"  $ {GUI_NAME}", flush=True)
    log = bundle.scratch / "gui.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([str(exe), "--db", str(bundle.scratch / "gui.sqlite")], cwd=bundle.scratch,
                                   env=bundle.env, stdout=sink, stderr=subprocess.STDOUT)
        try:
            code = process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    output = log.read_bytes().decode("utf-8", "replace")
    if code is not None:
        report.fail(step, f"{seconds:g} 秒内退出，退出码 {code}\n{output[-3000:]}")
    elif any(sign in output for sign in CRASH_SIGNS):
        report.fail(step, output[-3000:])
    else:
        report.ok(step)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="检查打包好的程序文件夹能否正常运行")
    parser.add_argument("bundle", type=Path, help="PyInstaller 生成的文件夹，如 dist/StreetLedger")
    parser.add_argument("--export-args", action="append", default=[], metavar="KIND=ARGS",
                        help="某种导出的参数，代替从帮助文字推断的期间参数，如 salary-sheet='--month 2026-03'（可重复）")
    parser.add_argument("--gui-seconds", type=float, default=8.0, help="图形界面需保持运行的秒数（0 为跳过）")
    parser.add_argument("--keep", action="store_true", help="保留临时文件夹以便查看")
    args = parser.parse_args(argv)

    folder = args.bundle.resolve()
    extra = {}
    for item in args.export_args:
        kind, _, text = item.partition("=")
        extra[kind] = shlex.split(text)

    report = Report()
    scratch = Path(tempfile.mkdtemp(prefix="streetledger-smoke-"))
    bundle = Bundle(folder, scratch)
    print(f"程序文件夹：{folder}\n临时文件夹：{scratch}", flush=True)
    started = time.monotonic()
    try:
        check_layout(folder, report)

        version = version_info.read_version()
        for exe in (CLI_NAME, GUI_NAME):
            expect_success(report, f"{exe} --version 显示 {version}", bundle.run(["--version"], exe), version)

        init_db = scratch / "init.sqlite"
        result = bundle.run(["--db", str(init_db), "init", "--name", "测试街道"])
        if expect_success(report, "init 新建数据库并执行全部迁移", result) and not init_db.is_file():
            report.fail("init 生成数据库文件", f"没有 {init_db}")

        demo_db = scratch / "demo.sqlite"
        demo_ok = expect_success(report, "demo --scale street", bundle.run(["--db", str(demo_db), "demo", "--scale", "street"]))

        exports, templates, commands = registered_kinds()
        print(f"命令：{'、'.join(commands)}；导出种类 {len(exports)} 个；模板种类 {len(templates)} 个", flush=True)
        if demo_ok:
            for command in PREPARE:
                if command[0] in commands:
                    expect_success(report, " ".join(command), bundle.run(["--db", str(demo_db), *command]))
        out = scratch / "out"
        out.mkdir()
        if exports and demo_ok:
            for kind in exports:
                for suffix in kind.suffixes:
                    target = out / f"export-{kind.name}{suffix}"
                    options = extra.get(kind.name, kind.period_args())
                    result = bundle.run(["--db", str(demo_db), "export", kind.name, "-o", str(target), *options])
                    step = " ".join(["export", kind.name, *options, "→", suffix])
                    if result.returncode != 0:
                        report.fail(step, f"退出码 {result.returncode}\n{result.output[-3000:]}")
                    else:
                        check_output_file(report, step, target)
        elif exports:
            report.fail("export", "演示数据没有加载，无法检查导出")
        for kind in templates:
            target = out / f"template-{kind.name}{kind.suffixes[0]}"
            result = bundle.run(["--db", str(demo_db), "template", kind.name, "-o", str(target)])
            if result.returncode != 0:
                report.fail(f"template {kind.name}", f"退出码 {result.returncode}\n{result.output[-3000:]}")
            else:
                check_output_file(report, f"template {kind.name}", target)

        # Port 1 on the loopback refuses at once; reaching "refused" proves SQLAlchemy found the
        # postgresql+psycopg dialect and psycopg found its libpq inside the bundle.
        result = bundle.run(["--db", "postgresql+psycopg://streetledger@127.0.0.1:1/streetledger", "init",
                             "--name", "测试街道"], timeout=60)
        step = "PostgreSQL 驱动（psycopg）在包内可用"
        # A friendlier CLI may put the refusal in Chinese; any of these words will do.
        refused = any(word in result.output for word in ("refused", "拒绝", "无法连接"))
        if result.returncode != 0 and refused and not any(s in result.output for s in IMPORT_FAILURES):
            report.ok(step)
        else:
            report.fail(step, f"退出码 {result.returncode}，期望“连接被拒绝”：\n{result.output[-3000:]}")

        if args.gui_seconds <= 0:
            print("跳过  图形界面（--gui-seconds 0）")
        elif not (ROOT / "ui" / "app.py").is_file():
            print("跳过  图形界面（源码中还没有 ui/app.py）")
        else:
            check_gui(bundle, report, args.gui_seconds)
    finally:
        if args.keep:
            print(f"临时文件夹保留在 {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    elapsed = time.monotonic() - started
    print(f"\n打包冒烟测试用时 {elapsed:.1f} 秒")
    if report.failed:
        print("未通过的步骤：" + "；".join(report.failed))
    print(f"{len(report.passed)} passed, {len(report.failed)} failed")
    return 1 if report.failed or not report.passed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Build 街道台账 for Windows: a clean venv, the tests, the PyInstaller bundle, its smoke test, Setup.exe.

    py -3.11 packaging\\build.py                  everything → dist\\installer\\StreetLedger-Setup-<version>.exe
    py -3.11 packaging\\build.py --skip-tests     when the tests already ran on this commit
    python packaging/build.py --skip-installer   the bundle only (also works on Linux)

Every step stops the build on failure, so a Setup.exe that exists was made from a tree whose tests
passed and whose frozen program ran its commands. Needs Python 3.11 (64-bit) and, for the installer,
Inno Setup 6.4 or newer (ISCC.exe is looked for on PATH and in the usual install folders; --iscc names it).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))

import version_info  # noqa: E402

DIST = ROOT / "dist"
BUNDLE = DIST / "StreetLedger"
INSTALLER_DIR = DIST / "installer"
WORKPATH = ROOT / "build" / "pyinstaller"
DEFAULT_VENV = ROOT / "build" / "venv"
# Extras of pyproject.toml: `build` brings PyInstaller, `test` pytest and pytest-qt, `postgresql` the
# psycopg driver (with libpq) that must be in the bundle for offices that use a PostgreSQL server.
EXTRAS = "build,test,postgresql"


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run(command: Sequence[str | os.PathLike[str]], **kwargs) -> None:
    print("$ " + " ".join(str(part) for part in command), flush=True)
    completed = subprocess.run([str(part) for part in command], cwd=kwargs.pop("cwd", ROOT), **kwargs)
    if completed.returncode != 0:
        raise SystemExit(f"失败（退出码 {completed.returncode}）：{' '.join(str(p) for p in command)}")


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def prepare_venv(venv: Path, recreate: bool) -> Path:
    """A venv holding exactly the project's dependencies, so nothing else on the machine gets bundled."""
    if recreate and venv.exists():
        shutil.rmtree(venv)
    python = venv_python(venv)
    if not python.exists():
        step(f"创建虚拟环境 {venv}")
        run([sys.executable, "-m", "venv", venv])
        run([python, "-m", "pip", "install", "--upgrade", "pip"])
    step(f"安装项目和依赖（.[{EXTRAS}]）")
    run([python, "-m", "pip", "install", "--editable", f".[{EXTRAS}]"])
    return python


def find_iscc(explicit: str | None) -> Path:
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    if os.environ.get("ISCC"):
        candidates.append(Path(os.environ["ISCC"]))
    if found := shutil.which("ISCC") or shutil.which("iscc"):
        candidates.append(Path(found))
    for base in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA"):
        if folder := os.environ.get(base):
            candidates.append(Path(folder) / ("Programs" if base == "LOCALAPPDATA" else "") / "Inno Setup 6" / "ISCC.exe")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SystemExit("找不到 Inno Setup 的 ISCC.exe：请安装 Inno Setup 6.4 或更新版本，或用 --iscc 指定其路径。")


def build_installer(iscc: Path, version: str) -> Path:
    step(f"Inno Setup：{iscc}")
    run([iscc, f"/DAppVersion={version}", f"/DAppFileVersion={version_info.file_version(version)}",
         f"/DBundleDir={BUNDLE}", f"/DOutputDir={INSTALLER_DIR}", ROOT / "installer.iss"])
    setup = INSTALLER_DIR / f"StreetLedger-Setup-{version}.exe"
    # ISCC has been seen to exit 0 without writing anything (under wine); trust the file, not the status.
    if not setup.is_file():
        raise SystemExit(f"ISCC 没有生成 {setup}")
    return setup


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="构建街道台账的 Windows 安装程序")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help=f"构建用的虚拟环境（默认 {DEFAULT_VENV}）")
    parser.add_argument("--recreate-venv", action="store_true", help="删除并重新创建虚拟环境")
    parser.add_argument("--no-venv", action="store_true", help="直接使用当前的 Python 环境（不建虚拟环境、不安装依赖）")
    parser.add_argument("--skip-tests", action="store_true", help="不运行测试")
    parser.add_argument("--skip-installer", action="store_true", help="只打包程序文件夹，不生成安装程序")
    parser.add_argument("--iscc", help="ISCC.exe 的路径")
    args = parser.parse_args(argv)

    started = time.monotonic()
    version = version_info.read_version()
    print(f"街道台账 {version}（Windows 文件版本 {version_info.file_version(version)}）")
    if sys.version_info[:2] != (3, 11):
        print(f"注意：项目使用 Python 3.11，当前是 {sys.version.split()[0]}")
    iscc = None
    if args.skip_installer:
        pass
    elif sys.platform != "win32":
        print("不在 Windows 上，不生成安装程序（在 Linux 上用 packaging/check_installer.sh 在 wine 中检查 installer.iss）")
    else:
        iscc = find_iscc(args.iscc)  # before the long steps, so a missing Inno Setup fails at once

    python = Path(sys.executable) if args.no_venv else prepare_venv(args.venv.resolve(), args.recreate_venv)

    if not args.skip_tests:
        step("运行测试")
        run([python, "-m", "pytest", "-q"], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})

    step("PyInstaller 打包")
    run([python, "-m", "PyInstaller", "--noconfirm", "--clean", "--distpath", DIST, "--workpath", WORKPATH,
         ROOT / "packaging" / "streetledger.spec"])

    step("检查打包好的程序")
    run([python, ROOT / "packaging" / "smoke_test_bundle.py", BUNDLE])

    setup = build_installer(iscc, version) if iscc else None

    step(f"完成（{time.monotonic() - started:.0f} 秒）")
    print(f"程序文件夹：{BUNDLE}")
    if setup:
        print(f"安装程序：{setup}（{setup.stat().st_size / 1e6:.1f} MB）\nSHA-256：{sha256(setup)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

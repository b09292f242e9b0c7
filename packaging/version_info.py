"""The application's version for the build: read from ledger/__init__.py, turned into Windows version info.

The version is read from the source text rather than by importing `ledger`, so the spec, build.py and the
tests get it without the application's dependencies installed. Windows wants four numbers (a.b.c.d);
a version such as 0.3.0rc1 or 1.2.dev4 keeps its leading numbers for the file version and its full text
for the product version that Explorer shows.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_INIT = ROOT / "ledger" / "__init__.py"

COMPANY = "街道台账"
PRODUCT = "街道台账"
DESCRIPTION = "街道台账：街道办台账、工资与报表"
COPYRIGHT = "街道台账项目组"

_VERSION_LINE = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.MULTILINE)


def read_version(init_file: Path = PACKAGE_INIT) -> str:
    """`ledger.__version__` as written in the package's __init__.py."""
    match = _VERSION_LINE.search(init_file.read_text(encoding="utf-8"))
    if not match:
        raise SystemExit(f"{init_file} 中没有 __version__ = \"…\"")
    return match.group(1)


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """The four numbers of a Windows file version: the leading dotted integers, padded with zeros."""
    numbers: list[int] = []
    for part in version.split("."):
        digits = re.match(r"\d+", part)
        if not digits:
            break
        numbers.append(int(digits.group()))
        if digits.group() != part:  # "0rc1": the number counts, the rest ends the numeric part
            break
    if not numbers:
        raise ValueError(f"版本号 {version!r} 不以数字开头")
    if len(numbers) > 4 or any(n > 0xFFFF for n in numbers):
        raise ValueError(f"版本号 {version!r} 超出 Windows 文件版本的范围（最多四段，每段不超过 65535）")
    return tuple((numbers + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def file_version(version: str) -> str:
    """The numeric version as text, e.g. "0.1.0.0" (what Inno Setup's VersionInfoVersion needs)."""
    return ".".join(str(n) for n in numeric_version(version))


def version_resource(version: str, original_filename: str, internal_name: str):
    """PyInstaller's VSVersionInfo for one executable (imported here so the rest works without PyInstaller)."""
    from PyInstaller.utils.win32.versioninfo import (
        FixedFileInfo,
        StringFileInfo,
        StringStruct,
        StringTable,
        VarFileInfo,
        VarStruct,
        VSVersionInfo,
    )

    numbers = numeric_version(version)
    # 0x0804 = Chinese (PRC), 1200 = UTF-16: the strings below are shown by Explorer's Details tab.
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers, mask=0x3F, flags=0x0, OS=0x40004, fileType=0x1,
                          subtype=0x0, date=(0, 0)),
        kids=[
            StringFileInfo([
                StringTable("080404B0", [
                    StringStruct("CompanyName", COMPANY),
                    StringStruct("FileDescription", DESCRIPTION),
                    StringStruct("FileVersion", file_version(version)),
                    StringStruct("InternalName", internal_name),
                    StringStruct("LegalCopyright", COPYRIGHT),
                    StringStruct("OriginalFilename", original_filename),
                    StringStruct("ProductName", PRODUCT),
                    StringStruct("ProductVersion", version),
                ])
            ]),
            VarFileInfo([VarStruct("Translation", [0x0804, 1200])]),
        ],
    )


if __name__ == "__main__":
    # `python packaging/version_info.py` prints the version; build.py and CI scripts use it.
    print(read_version())

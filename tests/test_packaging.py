"""Static checks of the packaging files: the PyInstaller spec's lists, installer.iss, the Chinese .isl.

Fast and offline: nothing is built here. packaging/check_bundle.sh builds and runs the bundle, and
packaging/check_installer.sh compiles and runs the installer under wine.
"""
from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))

import bundle_contents  # noqa: E402
import version_info  # noqa: E402

APP_GUID = "FDAE377B-7403-4D9C-BD07-497BF0426389"
ISS = ROOT / "installer.iss"
ISL = PACKAGING / "ChineseSimplified.isl"
SPEC = PACKAGING / "streetledger.spec"


def iss_sections(text: str) -> dict[str, list[str]]:
    """installer.iss as {section: [non-comment lines]}, after the preprocessor lines."""
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#")):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = line[1:-1]
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections


@pytest.fixture(scope="module")
def iss() -> dict[str, list[str]]:
    return iss_sections(ISS.read_text(encoding="utf-8-sig"))


def setup_directives(iss: dict[str, list[str]]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in iss["Setup"] if "=" in line)


# --- The PyInstaller spec ----------------------------------------------------------------------------

def test_spec_lists_every_resource_folder():
    listed = bundle_contents.spec_constants()["RESOURCES"]
    present = {p.name for p in (ROOT / "resources").iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert present <= set(listed), f"resources/ 下的文件夹没有列在 streetledger.spec 的 RESOURCES 中：{present - set(listed)}"


def test_every_resource_file_is_shipped_or_excluded_by_name():
    spec = bundle_contents.spec_constants()
    datas = bundle_contents.resource_datas(spec["RESOURCES"], spec["NOT_SHIPPED"])  # raises on a stray file
    assert ("resources/icons" in {dest for _, dest in datas}), "the icons must be shipped"
    assert all(dest == "resources" or dest.startswith("resources/") for _, dest in datas)


def test_resource_rules_stop_the_build_on_an_unlisted_folder_or_file(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "工资发放表.xlsx").write_bytes(b"x")
    (tmp_path / "templates" / "README.md").write_text("notes")
    assert len(bundle_contents.resource_datas({"templates": ["*.xlsx"]}, resources=tmp_path)) == 1

    (tmp_path / "templates" / "draft.docx").write_bytes(b"x")
    with pytest.raises(bundle_contents.BundleError, match="draft.docx"):
        bundle_contents.resource_datas({"templates": ["*.xlsx"]}, resources=tmp_path)
    assert bundle_contents.resource_datas({"templates": ["*.xlsx"]}, ["templates/*.docx"], resources=tmp_path)

    (tmp_path / "sounds").mkdir()
    with pytest.raises(bundle_contents.BundleError, match="sounds"):
        bundle_contents.resource_datas({"templates": ["*.xlsx"]}, ["templates/*.docx"], resources=tmp_path)


def test_migrations_ship_as_files_with_their_imports_hidden():
    datas = bundle_contents.migration_datas()
    names = {Path(source).name for source, _ in datas}
    versions = {p.name for p in (ROOT / "ledger" / "migrations" / "versions").glob("*.py")}
    assert "env.py" in names and versions <= names
    # ledger/db.py points Alembic at the folder beside itself; in the bundle that is ledger/migrations.
    assert {dest for _, dest in datas} <= {"ledger/migrations", "ledger/migrations/versions"}
    imports = bundle_contents.migration_imports()
    assert "alembic.op" in imports and "sqlalchemy" in imports
    assert not any(name.startswith("sqlalchemy.") and name.split(".")[-1][0].isupper() for name in imports)


def test_dynamically_imported_command_modules_are_hidden_imports():
    import cli

    modules = set(bundle_contents.own_modules())
    assert set(cli.COMMAND_MODULES) <= modules
    assert not any(name.startswith("ledger.migrations") for name in modules), "env.py must never be imported as a module"


def test_spec_names_database_drivers_and_qt_translation():
    spec = bundle_contents.spec_constants()
    for module in ("sqlalchemy.dialects.sqlite.pysqlite", "sqlalchemy.dialects.postgresql.psycopg", "psycopg_binary"):
        assert module in spec["HIDDEN_IMPORTS"]
    assert "qtbase_zh_CN.qm" in spec["QT_TRANSLATIONS"]


def test_spec_builds_windowed_without_upx_and_with_the_icon():
    text = SPEC.read_text(encoding="utf-8")
    assert "upx=True" not in text and text.count("upx=False") == 3  # both executables and the folder
    gui = re.search(r'name="StreetLedger",\s*console=(\w+)', text)
    assert gui and gui.group(1) == "False"
    assert (ROOT / "resources" / "icons" / "streetledger.ico").is_file()


def test_qt_libraries_left_out_are_not_used_by_the_application():
    """The spec drops QtQuick and QML (brought only by unused plugins); code that starts using one of them
    must take it off UNUSED_QT, or the frozen program would fail to import it."""
    left_out = {"qt6quick": "QtQuick", "qt6qml": "QtQml", "qt6pdfquick": "QtPdfQuick"}
    unused = bundle_contents.spec_constants()["UNUSED_QT"]
    modules = [left_out[word] for word in unused if word in left_out]
    for package in bundle_contents.own_packages():
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for module in modules:
                assert not re.search(rf"PySide6\.{module}", text), f"{path.relative_to(ROOT)} uses {module}"


def test_qtpdf_that_printing_uses_is_kept_in_the_bundle():
    """Printing draws the exported PDF's pages with QtPdf: no word of UNUSED_QT may match its libraries."""
    unused = bundle_contents.spec_constants()["UNUSED_QT"]
    kept = ("PySide6/Qt6Pdf.dll", "PySide6/QtPdf.pyd", "PySide6/Qt/lib/libQt6Pdf.so.6", "PySide6/QtPdf.abi3.so",
            "PySide6/Qt6PrintSupport.dll")
    assert not [(word, name) for word in unused for name in kept if word in name.lower()]
    assert "PySide6.QtPdf" in (ROOT / "ui" / "pdf_print.py").read_text(encoding="utf-8")


def test_qt_chinese_catalogue_is_found_where_the_spec_looks():
    pytest.importorskip("PySide6.QtCore")
    datas = bundle_contents.qt_translation_datas(["qtbase_zh_CN.qm"])
    assert Path(datas[0][0]).is_file() and datas[0][1].startswith("PySide6/")


def test_icon_has_small_and_large_sizes():
    image = pytest.importorskip("PIL.Image")
    with image.open(ROOT / "resources" / "icons" / "streetledger.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])


# --- Version ---------------------------------------------------------------------------------------

def test_version_is_read_from_the_package():
    import ledger

    assert version_info.read_version() == ledger.__version__


@pytest.mark.parametrize(("text", "numbers"), [
    ("0.1.0", (0, 1, 0, 0)),
    ("1.2", (1, 2, 0, 0)),
    ("1.2.3rc1", (1, 2, 3, 0)),
    ("2.0.dev4", (2, 0, 0, 0)),
    ("2026.3.1.7", (2026, 3, 1, 7)),
])
def test_windows_file_version_has_four_numbers(text, numbers):
    assert version_info.numeric_version(text) == numbers


@pytest.mark.parametrize("text", ["dev", "1.2.3.4.5", "70000.0"])
def test_impossible_windows_versions_are_refused(text):
    with pytest.raises(ValueError):
        version_info.numeric_version(text)


def test_version_resource_carries_the_package_version(monkeypatch):
    """PyInstaller's versioninfo module imports win32api, so off Windows it is replaced by recorders that
    keep their arguments; what is checked is what version_info.py hands to it."""
    import types

    def recorder(name):
        def init(self, *args, **kwargs):
            self.args, self.kwargs = args, kwargs
        return type(name, (), {"__init__": init})

    names = ["FixedFileInfo", "StringFileInfo", "StringStruct", "StringTable", "VarFileInfo", "VarStruct",
             "VSVersionInfo"]
    fake = types.ModuleType("PyInstaller.utils.win32.versioninfo")
    for name in names:
        setattr(fake, name, recorder(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.win32.versioninfo", fake)

    resource = version_info.version_resource("0.3.0rc1", "StreetLedger.exe", "StreetLedger")
    assert resource.kwargs["ffi"].kwargs["filevers"] == (0, 3, 0, 0)
    table = resource.kwargs["kids"][0].args[0][0]
    strings = {struct.args[0]: struct.args[1] for struct in table.args[1]}
    assert strings["ProductVersion"] == "0.3.0rc1" and strings["FileVersion"] == "0.3.0.0"
    assert strings["OriginalFilename"] == "StreetLedger.exe" and strings["ProductName"] == "街道台账"
    assert table.args[0] == "080404B0"  # Chinese (PRC), Unicode


# --- installer.iss ---------------------------------------------------------------------------------

def test_iss_is_utf8_with_bom():
    # ISCC takes a script without a byte-order mark for the system's ANSI code page: 街道台账 would break.
    assert ISS.read_bytes().startswith(b"\xef\xbb\xbf")


def test_iss_has_the_fixed_app_id(iss):
    text = ISS.read_text(encoding="utf-8-sig")
    assert f'#define AppGuid "{APP_GUID}"' in text
    assert setup_directives(iss)["AppId"] == "{#AppIdValue}"
    assert '#define AppIdValue "{{" + AppGuid + "}"' in text


def test_iss_installs_per_user_by_default(iss):
    setup = setup_directives(iss)
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["PrivilegesRequiredOverridesAllowed"] == "dialog"
    assert setup["DefaultDirName"] == "{code:DefaultAppDir}"
    code = "\n".join(iss["Code"])
    assert r"{localappdata}\Programs\StreetLedger" in code and r"{commonpf}\StreetLedger" in code
    assert not any("{autopf}" in value for value in setup.values())  # fails under wine (see installer.iss)


def test_iss_takes_the_version_from_the_command_line(iss):
    text = ISS.read_text(encoding="utf-8-sig")
    assert "#ifndef AppVersion" in text and "#error" in text
    assert setup_directives(iss)["AppVersion"] == "{#AppVersion}"


def test_iss_upgrades_cleanly_and_never_touches_the_data_folder(iss):
    assert r'Type: filesandordirs; Name: "{app}\_internal"' in iss["InstallDelete"]
    for section in ("InstallDelete", "UninstallDelete"):
        for line in iss.get(section, []):
            assert "{userappdata}" not in line and "{localappdata}" not in line and "StreetLedger" not in line
            assert re.search(r'Name: "\{app\}\\.+"', line), f"never delete {{app}} itself: {line}"


def test_iss_languages_chinese_first_from_the_repository(iss):
    languages = iss["Languages"]
    assert languages[0] == r'Name: "chinesesimplified"; MessagesFile: "packaging\ChineseSimplified.isl"'
    assert any(line.startswith('Name: "english"') for line in languages)


def test_iss_start_menu_entry_desktop_task_and_launch(iss):
    icons = "\n".join(iss["Icons"])
    assert r'Name: "{autoprograms}\{#AppName}"' in icons
    assert "Tasks: desktopicon" in icons
    assert any("desktopicon" in line and "unchecked" in line for line in iss["Tasks"])
    assert any("postinstall" in line and "skipifsilent" in line for line in iss["Run"])
    assert '#define AppName "街道台账"' in ISS.read_text(encoding="utf-8-sig")


def test_iss_refers_to_files_that_exist(iss):
    setup = setup_directives(iss)
    assert (ROOT / setup["SetupIconFile"].replace("\\", "/")).is_file()
    assert ISL.is_file()


# --- The Chinese Simplified messages ---------------------------------------------------------------

def read_isl() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",), comment_prefixes=(";",))
    parser.optionxform = str  # message keys are case-sensitive
    parser.read(ISL, encoding="utf-8-sig")  # strict=True: a duplicated key fails here
    return parser


def test_isl_is_utf8_with_bom_and_declares_chinese():
    assert ISL.read_bytes().startswith(b"\xef\xbb\xbf")
    isl = read_isl()
    assert isl["LangOptions"]["LanguageID"] == "$0804"
    assert isl["LangOptions"]["LanguageName"] == "简体中文"


# Messages whose translation has no Chinese character: units, format strings, or left empty on purpose.
NOT_WORDS = {"HelpTextNote", "AboutSetupNote", "BeveledLabel", "ComponentSize1", "ComponentSize2",
             "UninstallDisplayNameMark", "UninstallDisplayNameMarks"}


def test_isl_is_complete_and_translated():
    isl = read_isl()
    messages = dict(isl["Messages"]) | dict(isl["CustomMessages"])
    # Inno Setup 6.4's Default.isl has 266 [Messages] and 12 [CustomMessages] entries; check_installer.sh
    # compares the keys one by one against the compiler it installs.
    assert len(isl["Messages"]) == 266 and len(isl["CustomMessages"]) == 12
    untranslated = [k for k, v in messages.items() if k not in NOT_WORDS and not re.search(r"[\u4e00-\u9fff]", v)]
    assert not untranslated
    for key in ("ButtonNext", "ButtonBack", "ButtonInstall", "ButtonFinish"):
        assert re.search(r"\(&[A-Z]\)", messages[key]), f"{key} needs its accelerator key"
    assert "[name]" in messages["WelcomeLabel1"] and "%1" in messages["LaunchProgram"]


# --- The check scripts -----------------------------------------------------------------------------

@pytest.mark.parametrize("script", ["check_bundle.sh", "check_installer.sh"])
def test_check_scripts_parse_and_fail_on_errors(script):
    path = PACKAGING / script
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in text
    if shutil.which("bash"):
        subprocess.run(["bash", "-n", str(path)], check=True)

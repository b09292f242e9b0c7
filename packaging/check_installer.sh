#!/usr/bin/env bash
# Compile installer.iss with Inno Setup's compiler under wine and put the Setup.exe it makes through a
# clerk's life cycle: install for the current user, upgrade, uninstall, and an all-users install.
#
#   bash packaging/check_installer.sh            (as root on Debian 12; installs what it needs)
#
# Not part of every CI run: it installs wine (with 32-bit support) and takes a few minutes the first time.
# The payload is a stand-in folder with dummy executables, not the real PyInstaller bundle, because what
# is checked here is the installer script: folders, shortcuts, registry entries, clean upgrades, and that
# the data folder %APPDATA%\StreetLedger survives an uninstall. (check_bundle.sh checks the bundle.)
#
# Environment:
#   STREETLEDGER_TOOLS   where the innosetup npm package is kept between runs (default ~/.cache/streetledger-packaging)
#   KEEP=1               keep the scratch folder (wine prefix, logs, Setup.exe) for a look afterwards
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=${STREETLEDGER_TOOLS:-$HOME/.cache/streetledger-packaging}
# The npm package "innosetup" ships ISCC.exe; its version must match the messages in ChineseSimplified.isl.
INNOSETUP_NPM_VERSION=6.4.1
APP_GUID=FDAE377B-7403-4D9C-BD07-497BF0426389
UNINSTALL_KEY="Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{$APP_GUID}_is1"
APP_NAME=街道台账

WORK=$(mktemp -d /tmp/streetledger-installer.XXXXXX)
cleanup() {
  wineserver -k >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then echo "临时文件夹保留在 $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

passed=0
failed=0
failures=()
pass() { passed=$((passed + 1)); echo "通过  $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "失败  $1${2:+ — $2}"; }
# check DESCRIPTION COMMAND...: one assertion; the command's own output is shown only when it fails.
check() {
  local description=$1; shift
  local output
  if output=$("$@" 2>&1); then pass "$description"; else fail "$description" "$output"; fi
}
die() { echo "错误：$*" >&2; exit 2; }

# --- Tools ---------------------------------------------------------------------------------------
install_wine() {
  local packages=(wine wine32 wine64 xvfb xauth)
  if command -v wine >/dev/null && dpkg -s wine32:i386 >/dev/null 2>&1 && command -v xvfb-run >/dev/null; then
    return
  fi
  [ "$(id -u)" = 0 ] || die "需要 root 来安装 wine（apt-get），或先手动安装：${packages[*]}"
  echo "== 安装 wine（含 32 位支持）和 Xvfb"
  # Inno Setup's compiler and Setup.exe are 32-bit programs: with a 64-bit-only wine, ISCC seems to run
  # but writes no Setup.exe and still exits 0, hence wine32 (and the check of the output file below).
  dpkg --add-architecture i386
  local log="$WORK/apt.log"
  apt-get update -q >"$log" 2>&1 || echo "（apt-get update 报告了错误，继续尝试安装；见 $log）"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" >>"$log" 2>&1; then
    # Seen on Debian 12: the i386 index of the security suite fails mid-sync while amd64 has newer
    # security versions of libraries that wine32 needs in the same version for both architectures.
    # Installing from the main suites alone gives one consistent version for both.
    echo "== 重试：只用 bookworm 和 bookworm-updates 的软件包索引"
    local sources="$WORK/apt-sources"
    mkdir -p "$sources"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n' \
      > "$sources/main.sources"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$sources" "${packages[@]}" >>"$log" 2>&1 \
      || { tail -40 "$log"; die "安装 wine 失败"; }
  fi
}

install_iscc() {
  ISCC="$TOOLS/node_modules/innosetup/bin/ISCC.exe"
  if [ -f "$ISCC" ] && grep -q "\"version\": \"$INNOSETUP_NPM_VERSION\"" "$TOOLS/node_modules/innosetup/package.json"; then
    return
  fi
  command -v npm >/dev/null || die "需要 npm 来安装 Inno Setup 编译器（npm 包 innosetup）"
  echo "== 安装 npm 包 innosetup@$INNOSETUP_NPM_VERSION（内含 ISCC.exe）"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "innosetup@$INNOSETUP_NPM_VERSION" >/dev/null
  [ -f "$ISCC" ] || die "npm 包 innosetup 中没有 $ISCC"
}

install_wine
install_iscc

# A private home as well as a private prefix: wine links the Windows Desktop and Documents folders to
# the Unix home, and the desktop shortcut must not land in the real one.
export HOME="$WORK/home"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_DESKTOP_DIR
mkdir -p "$HOME"
export WINEPREFIX="$WORK/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono/Gecko download prompts, and no .desktop files in the real home from wine's menu builder.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"

# Every message key of this compiler's Default.isl must be in our translation, or that text would show
# in English (and a newer ISCC warns about it). This is the check to run after upgrading Inno Setup.
check "ChineseSimplified.isl 含有 ISCC $INNOSETUP_NPM_VERSION 的全部消息键" python3 - "$(dirname "$ISCC")/Default.isl" "$ROOT/packaging/ChineseSimplified.isl" <<'PY'
import sys
def keys(path):
    section, found = None, set()
    for line in open(path, encoding="utf-8-sig"):
        line = line.strip()
        if line.startswith("["):
            section = line
        elif line and not line.startswith(";") and "=" in line and section in ("[Messages]", "[CustomMessages]"):
            found.add((section, line.split("=", 1)[0]))
    return found
missing = sorted(keys(sys.argv[1]) - keys(sys.argv[2]))
if missing:
    sys.exit("缺少：" + ", ".join(k for _, k in missing))
PY

echo "== 准备 wine 环境（Windows 10）"
xvfb-run -a wineboot --init >"$WORK/wineboot.log" 2>&1 || { cat "$WORK/wineboot.log"; die "wineboot 失败"; }
wineserver -w
# A new prefix may report Windows 7, which installer.iss refuses (MinVersion is Windows 10 1809).
wine winecfg -v win10 >/dev/null 2>&1
wineserver -w

win_path() { winepath -w "$1" 2>/dev/null; }
unix_path() { winepath -u "$1" 2>/dev/null; }
win_env() { wine cmd /c "echo %$1%" 2>/dev/null | tr -d '\r'; }
USER_PROFILE=$(unix_path "$(win_env USERPROFILE)")
LOCAL_APPDATA=$(unix_path "$(win_env LOCALAPPDATA)")
ROAMING_APPDATA=$(unix_path "$(win_env APPDATA)")
PROGRAM_FILES=$(unix_path "$(win_env ProgramW6432)")
PROGRAM_DATA=$(unix_path "$(win_env ProgramData)")
[ -d "$USER_PROFILE" ] && [ -n "$LOCAL_APPDATA" ] || die "读不到 wine 中的用户文件夹"

USER_APP="$LOCAL_APPDATA/Programs/StreetLedger"
USER_MENU="$ROAMING_APPDATA/Microsoft/Windows/Start Menu/Programs/$APP_NAME.lnk"
USER_DESKTOP="$USER_PROFILE/Desktop/$APP_NAME.lnk"
DATA_DIR="$ROAMING_APPDATA/StreetLedger"
ALL_APP="$PROGRAM_FILES/StreetLedger"
ALL_MENU="$PROGRAM_DATA/Microsoft/Windows/Start Menu/Programs/$APP_NAME.lnk"

# --- A stand-in payload: the layout of the PyInstaller bundle with dummy files ---------------------
PAYLOAD="$WORK/payload/StreetLedger"
mkdir -p "$PAYLOAD/_internal/resources/icons" "$PAYLOAD/_internal/ledger/migrations/versions"
printf 'MZ stand-in for the windowed program\n' >"$PAYLOAD/StreetLedger.exe"
printf 'MZ stand-in for the console program\n' >"$PAYLOAD/streetledger-cli.exe"
cp "$ROOT/resources/icons/streetledger.png" "$PAYLOAD/_internal/resources/icons/"
printf '# stand-in migration\n' >"$PAYLOAD/_internal/ledger/migrations/versions/0001_stand_in.py"

# --- Compile ---------------------------------------------------------------------------------------
compile() {  # compile VERSION: Setup.exe for that version into $WORK/out
  local version=$1 log="$WORK/iscc-$1.log"
  echo "== ISCC /DAppVersion=$version installer.iss"
  if ! (cd "$ROOT" && wine "$ISCC" "/DAppVersion=$version" "/DBundleDir=$(win_path "$PAYLOAD")" \
        "/DOutputDir=$(win_path "$WORK/out")" "$(win_path "$ROOT/installer.iss")") >"$log" 2>&1; then
    fail "ISCC 编译 $version" "$(tail -20 "$log")"
    return 1
  fi
  wineserver -w
  grep -i "warning" "$log" && fail "ISCC 编译 $version 没有警告" "$(grep -i warning "$log")"
  local setup="$WORK/out/StreetLedger-Setup-$version.exe"
  # ISCC's exit status alone is not trusted (see install_wine): the file must exist and be a PE file.
  if [ -f "$setup" ] && [ "$(head -c 2 "$setup")" = MZ ]; then
    pass "ISCC 编译 $version → $(basename "$setup")（$(du -k "$setup" | cut -f1) KB）"
  else
    fail "ISCC 编译 $version 生成安装程序" "没有 $setup；ISCC 输出：$(tail -20 "$log")"
    return 1
  fi
}

run_setup() {  # run_setup VERSION LOGNAME ARGS...: a very silent install; Setup needs a display even so
  local version=$1 logname=$2; shift 2
  xvfb-run -a wine "$WORK/out/StreetLedger-Setup-$version.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART \
    "/LOG=$(win_path "$WORK/$logname.log")" "$@" >/dev/null 2>&1
  local status=$?
  wineserver -w
  return $status
}

run_uninstaller() {  # run_uninstaller FOLDER LOGNAME
  local folder=$1 logname=$2
  # The uninstaller copies itself to %TEMP% and runs from there; wineserver -w waits for that copy too.
  xvfb-run -a wine "$folder/unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART \
    "/LOG=$(win_path "$WORK/$logname.log")" >/dev/null 2>&1
  local status=$?
  wineserver -w
  return $status
}

# reg_value ROOTKEY NAME: the value from the registry, read through `reg export` (UTF-16, so the
# Chinese display name survives; `reg query` prints it in the console's code page). /reg:64 because
# Setup runs in 64-bit mode and writes HKLM's 64-bit view, while `wine reg` looks at the 32-bit one.
reg_value() {
  local file="$WORK/reg-$RANDOM.reg"
  wine reg export "$1\\$UNINSTALL_KEY" "$(win_path "$file")" /y /reg:64 >/dev/null 2>&1 || return 1
  python3 - "$file" "$2" <<'PY'
import re, sys
text = open(sys.argv[1], "rb").read().decode("utf-16")
match = re.search(r'^"%s"="(.*)"\r?$' % re.escape(sys.argv[2]), text, re.MULTILINE)
if not match:
    sys.exit(1)
print(match.group(1).replace("\\\\", "\\"))
PY
}
reg_key_exists() { wine reg query "$1\\$UNINSTALL_KEY" /reg:64 >/dev/null 2>&1; }
# A .lnk holds its target's path as ANSI and as UTF-16 text; either spelling of the name will do.
lnk_points_to() {
  python3 - "$1" "$2" <<'PY'
import sys
data, name = open(sys.argv[1], "rb").read(), sys.argv[2]
if name.encode("ascii") not in data and name.encode("utf-16-le") not in data:
    sys.exit(f"{sys.argv[1]} 不指向 {name}")
PY
}
equals() { [ "$1" = "$2" ] || { echo "期望 “$2”，实际 “$1”"; return 1; }; }
missing() { [ ! -e "$1" ] || { echo "仍然存在：$1"; return 1; }; }

compile 0.1.0 || exit 1
compile 0.1.1 || exit 1

# --- 1. First install, for the current user, in Chinese -------------------------------------------
echo "== 安装 0.1.0（当前用户，/CURRENTUSER）"
check "安装程序退出码为 0" run_setup 0.1.0 install-0.1.0 /CURRENTUSER /LANG=chinesesimplified
check "程序文件在 %LOCALAPPDATA%\\Programs\\StreetLedger" test -f "$USER_APP/StreetLedger.exe" -a -f "$USER_APP/streetledger-cli.exe" -a -f "$USER_APP/_internal/resources/icons/streetledger.png"
check "卸载程序 unins000.exe 已安装" test -f "$USER_APP/unins000.exe"
check "开始菜单有“$APP_NAME”快捷方式（.lnk）" test -f "$USER_MENU"
check "开始菜单快捷方式指向 StreetLedger.exe" lnk_points_to "$USER_MENU" StreetLedger.exe
check "桌面快捷方式默认不创建" missing "$USER_DESKTOP"
check "注册表 HKCU\\…\\Uninstall\\{$APP_GUID}_is1 存在" reg_key_exists HKCU
check "卸载项的显示名称是“$APP_NAME”" equals "$(reg_value HKCU DisplayName)" "$APP_NAME"
check "卸载项的版本是 0.1.0" equals "$(reg_value HKCU DisplayVersion)" "0.1.0"
check "安装语言记录为简体中文" equals "$(reg_value HKCU 'Inno Setup: Language')" "chinesesimplified"
check "没有为当前用户安装写 HKLM" bash -c "! wine reg query 'HKLM\\$UNINSTALL_KEY' /reg:64 >/dev/null 2>&1"

# The program's data, as the application would have left it: never under the program folder.
mkdir -p "$DATA_DIR/backups" "$DATA_DIR/templates"
printf 'ledger database stand-in\n' >"$DATA_DIR/streetledger.sqlite"
printf 'backup stand-in\n' >"$DATA_DIR/backups/升级前-0001.sqlite"
printf 'template stand-in\n' >"$DATA_DIR/templates/工资发放表.xlsx"
data_digest() { (cd "$DATA_DIR" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
DATA_BEFORE=$(data_digest)

# --- 2. Upgrade: a file the old version had must not survive into the new one ---------------------
echo "== 升级到 0.1.1（并选择桌面快捷方式）"
printf 'left over from 0.1.0\n' >"$USER_APP/_internal/stale-module-from-old-version.py"
check "升级安装退出码为 0" run_setup 0.1.1 install-0.1.1 /CURRENTUSER /TASKS=desktopicon
check "升级后旧版本残留的文件已删除（[InstallDelete]）" missing "$USER_APP/_internal/stale-module-from-old-version.py"
check "升级后程序文件齐全" test -f "$USER_APP/StreetLedger.exe" -a -f "$USER_APP/_internal/ledger/migrations/versions/0001_stand_in.py"
check "升级安装到原来的文件夹（只有一个卸载程序）" bash -c "[ \$(ls '$USER_APP' | grep -c '^unins.*\\.exe$') = 1 ]"
check "卸载项的版本更新为 0.1.1" equals "$(reg_value HKCU DisplayVersion)" "0.1.1"
check "选择后创建了桌面快捷方式" test -f "$USER_DESKTOP"
check "升级后数据文件夹原样保留" equals "$(data_digest)" "$DATA_BEFORE"

# --- 3. Uninstall: the program goes, the data stays -----------------------------------------------
echo "== 卸载"
check "卸载程序退出码为 0" run_uninstaller "$USER_APP" uninstall-user
check "程序文件夹已删除" missing "$USER_APP"
check "开始菜单快捷方式已删除" missing "$USER_MENU"
check "桌面快捷方式已删除" missing "$USER_DESKTOP"
check "注册表卸载项已删除" bash -c "! wine reg query 'HKCU\\$UNINSTALL_KEY' /reg:64 >/dev/null 2>&1"
check "卸载后 %APPDATA%\\StreetLedger 中的数据库、备份和模板都还在" equals "$(data_digest)" "$DATA_BEFORE"

# --- 4. All users (what an administrator gets by choosing it in the dialog) -----------------------
echo "== 为所有用户安装（/ALLUSERS）"
check "所有用户安装退出码为 0" run_setup 0.1.1 install-allusers /ALLUSERS /LANG=english
check "程序文件在 Program Files\\StreetLedger" test -f "$ALL_APP/StreetLedger.exe"
check "公共开始菜单有“$APP_NAME”快捷方式" test -f "$ALL_MENU"
check "注册表 HKLM\\…\\Uninstall\\{$APP_GUID}_is1 存在" reg_key_exists HKLM
check "所有用户卸载退出码为 0" run_uninstaller "$ALL_APP" uninstall-allusers
check "所有用户卸载后程序文件夹和快捷方式已删除" bash -c "[ ! -e '$ALL_APP' ] && [ ! -e '$ALL_MENU' ]"
check "所有用户卸载后注册表卸载项已删除" bash -c "! wine reg query 'HKLM\\$UNINSTALL_KEY' /reg:64 >/dev/null 2>&1"

echo
echo "wine $(wine --version 2>/dev/null | sed 's/^wine-//')，Inno Setup $INNOSETUP_NPM_VERSION（npm 包 innosetup）"
[ "$failed" = 0 ] || printf '未通过：%s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

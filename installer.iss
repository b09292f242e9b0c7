; 街道台账 (StreetLedger) — Inno Setup 6 script for the Windows installer.
;
; Compile (packaging/build.py does this after PyInstaller):
;   ISCC /DAppVersion=0.1.0 installer.iss
; Optional defines:
;   /DAppFileVersion=0.1.0.0     four-number version for the file properties (default: AppVersion)
;   /DBundleDir=dist\StreetLedger  the PyInstaller one-folder output to install
;   /DOutputDir=dist\installer   where StreetLedger-Setup-<version>.exe is written
; Requires Inno Setup 6.4 or newer (x64compatible, and the messages in packaging\ChineseSimplified.isl).
;
; The user's data (database, backups, adjusted templates) lives in %APPDATA%\StreetLedger, never in the
; program folder. That is what makes the [InstallDelete] below safe for clean upgrades, and it is why
; nothing here removes %APPDATA%\StreetLedger: uninstalling the program must not cost an office its ledgers.

#ifndef AppVersion
  #error 请用 /DAppVersion=版本号 指定版本，例如 ISCC /DAppVersion=0.1.0 installer.iss（packaging/build.py 会自动传入）
#endif
#ifndef AppFileVersion
  #define AppFileVersion AppVersion
#endif
#ifndef BundleDir
  #define BundleDir "dist\StreetLedger"
#endif
#ifndef OutputDir
  #define OutputDir "dist\installer"
#endif

#define AppName "街道台账"
#define AppExeName "StreetLedger.exe"
; Fixed for the life of the product: Windows finds the previous installation (and its folder) by it, so an
; upgrade replaces it instead of installing beside it. Never change it; tests/test_packaging.py pins it.
#define AppGuid "FDAE377B-7403-4D9C-BD07-497BF0426389"
; "{{" is Inno Setup's escape for a literal "{" (a bare "{" would start a constant).
#define AppIdValue "{{" + AppGuid + "}"

[Setup]
AppId={#AppIdValue}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=街道台账项目组
AppCopyright=街道台账项目组
VersionInfoVersion={#AppFileVersion}
VersionInfoProductTextVersion={#AppVersion}
VersionInfoDescription={#AppName} 安装程序
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExeName}

; Per-user by default: a clerk without administrator rights can install and upgrade. The dialog lets
; an administrator choose an all-users install instead (also /ALLUSERS or /CURRENTUSER on the command line).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; {localappdata}\Programs is where {autopf} points in a per-user install on Windows; it is spelled out
; because {autopf} (FOLDERID_UserProgramFiles) is not available under wine, where the installer is tested.
DefaultDirName={code:DefaultAppDir}
DisableProgramGroupPage=yes
DisableDirPage=auto

; The bundle is 64-bit Python and Qt 6, which needs Windows 10 1809 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763

OutputDir={#OutputDir}
OutputBaseFilename=StreetLedger-Setup-{#AppVersion}
SetupIconFile=resources\icons\streetledger.ico
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; Close a running 街道台账 before replacing its files (Windows Restart Manager), and do not restart it:
; the installer's last page offers to start the new version.
CloseApplications=yes
RestartApplications=no

; Chinese on a Chinese Windows, English on an English one; any other UI language gets the dialog
; with Chinese first. /LANG=english or /LANG=chinesesimplified picks one on the command line.
ShowLanguageDialog=auto
LanguageDetectionMethod=uilanguage

[Languages]
Name: "chinesesimplified"; MessagesFile: "packaging\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Messages]
; Say on the last page of the uninstaller that the data stays, so nobody thinks the ledgers are gone.
chinesesimplified.UninstalledAll=已从您的电脑上删除%1。%n%n台账数据库、备份和自定义模板仍保留在用户数据文件夹（AppData\Roaming\StreetLedger）中，重新安装后可以继续使用。
english.UninstalledAll=%1 was successfully removed from your computer.%n%nThe ledger database, backups and customised templates remain in your data folder (AppData\Roaming\StreetLedger) and will be used again if you reinstall.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; Remove the previous version's modules and libraries before copying the new ones, so that a file dropped
; from the bundle (an old Qt plugin, a renamed module) cannot linger and be loaded by the new version.
; Only PyInstaller's _internal folder is removed, not {app} itself, in case someone installed into a
; folder that also holds other files.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; One entry directly in the Start menu's Programs list (Windows 10/11 flatten one-entry folders anyway).
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Comment: "街道办台账、工资与报表"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Anything the program or Windows wrote into its own folder at run time; the data folder is elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Code]
{ The default install folder: per user under the user's local Programs folder, or Program Files when an
  administrator chose the all-users install in the dialog (or with /ALLUSERS). }
function DefaultAppDir(Param: String): String;
begin
  if IsAdminInstallMode then
    Result := ExpandConstant('{commonpf}\StreetLedger')
  else
    Result := ExpandConstant('{localappdata}\Programs\StreetLedger');
end;
